package conformance

import (
	"fmt"
	"strconv"
	"strings"
)

// TAP is what ParseTAP found in one program's output (Test Anything
// Protocol version 13, testanything.org/tap-version-13-specification.html,
// as github.com/mndrix/tap-go writes it).
type TAP struct {
	Version int // from "TAP version N"; 0 when absent
	Plan    int // N of the plan "1..N"; -1 when there is no plan
	Ok      int // test points "ok" that are neither skipped nor todo
	NotOk   int // test points "not ok" that are not todo
	Skip    int // test points with a "# SKIP" directive
	Todo    int // test points with a "# TODO" directive
	Bailout string
	// Failed lists the descriptions of the "not ok" test points.
	Failed []string
	// Orphan counts YAML diagnostic blocks that follow no test point
	// (runtime-tools' lifecycle programs report their error that way);
	// Orphans keeps the first of them.
	Orphan  int
	Orphans []string
}

// maxKept caps the descriptions and blocks TAP keeps, so hostile output
// cannot grow it without bound; the counts stay exact.
const maxKept = 64

// ParseTAP reads TAP output. Lines that are not TAP (a program's own
// prints) are ignored, as TAP consumers must; an unterminated YAML block
// ends at the end of the output.
func ParseTAP(out string) TAP {
	r := TAP{Plan: -1}
	afterPoint := false // the last TAP element was a test point
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(line) == "---" && strings.HasPrefix(line, " ") {
			end := yamlEnd(lines, i+1)
			if !afterPoint {
				r.orphan(strings.Join(lines[i+1:end], "\n"))
			}
			i, afterPoint = end, false
			continue
		}
		afterPoint = r.line(line)
	}
	return r
}

// orphan counts and keeps a YAML block that follows no test point.
func (r *TAP) orphan(block string) {
	r.Orphan++
	if len(r.Orphans) < maxKept {
		r.Orphans = append(r.Orphans, block)
	}
}

// yamlEnd is the index of the "..." line closing a YAML block that starts at
// lines[from], or len(lines).
func yamlEnd(lines []string, from int) int {
	for j := from; j < len(lines); j++ {
		if strings.TrimSpace(lines[j]) == "..." {
			return j
		}
	}
	return len(lines)
}

// line takes one line outside YAML blocks and reports whether it was a
// test point.
func (r *TAP) line(line string) bool {
	switch {
	case strings.HasPrefix(line, "TAP version "):
		r.Version, _ = strconv.Atoi(strings.TrimSpace(line[len("TAP version "):]))
	case strings.HasPrefix(line, "1.."):
		if n, ok := planCount(line); ok {
			r.Plan = n
		}
	case strings.HasPrefix(line, "Bail out!"):
		r.Bailout = strings.TrimSpace(line[len("Bail out!"):])
		if r.Bailout == "" {
			r.Bailout = "(no reason)"
		}
	case strings.HasPrefix(line, "ok"), strings.HasPrefix(line, "not ok"):
		return r.point(line)
	}
	return false
}

// planCount parses "1..N" with an optional "# reason".
func planCount(line string) (int, bool) {
	s := strings.TrimSpace(strings.SplitN(line[3:], "#", 2)[0])
	n, err := strconv.Atoi(s)
	return n, err == nil && n >= 0
}

// point counts one test point: "ok|not ok [N] [- description] [# SKIP|TODO ...]".
func (r *TAP) point(line string) bool {
	notOk := strings.HasPrefix(line, "not ok")
	rest := strings.TrimPrefix(strings.TrimPrefix(line, "not ok"), "ok")
	if rest != "" && rest[0] != ' ' && rest[0] != '\t' {
		return false // "okay", "oknot": not a test point
	}
	desc, directive, _ := strings.Cut(rest, "#")
	switch d := strings.ToUpper(strings.TrimSpace(directive)); {
	case strings.HasPrefix(d, "SKIP"):
		r.Skip++
	case strings.HasPrefix(d, "TODO"):
		r.Todo++
	case notOk:
		r.NotOk++
		if len(r.Failed) < maxKept {
			r.Failed = append(r.Failed, strings.TrimSpace(strings.TrimLeft(strings.TrimSpace(desc), "0123456789- ")))
		}
	default:
		r.Ok++
	}
	return true
}

// Problems lists why the output is not a clean pass (empty when it is):
// no plan, "not ok" points, a bail out, diagnostics outside test points.
func (r TAP) Problems() []string {
	var p []string
	if r.Plan < 0 {
		p = append(p, "no TAP plan")
	}
	for _, f := range r.Failed {
		p = append(p, "not ok: "+f)
	}
	if r.NotOk > len(r.Failed) {
		p = append(p, fmt.Sprintf("... %d more not ok", r.NotOk-len(r.Failed)))
	}
	if r.Bailout != "" {
		p = append(p, "bail out: "+r.Bailout)
	}
	for _, o := range r.Orphans {
		p = append(p, "diagnostic outside a test point: "+strings.Join(strings.Fields(o), " "))
	}
	return p
}
