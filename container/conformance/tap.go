package conformance

import (
	"encoding/json"
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
	// Orphan counts YAML diagnostic blocks that follow no test point and
	// report an error: a non-empty "error" field (runtime-tools' lifecycle
	// programs report their failure that way), a "stdout" whose TAP has no
	// plan (RuntimeInsideValidate writes runtimetest's stdout and stderr in
	// one just before the test point that judges them, and that test point
	// only looks for "not ok": a container whose runtimetest never ran
	// would pass), or a block that is not a JSON object, tap-go's YAML.
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
	afterPoint := false  // the last TAP element was a test point
	failedPoint := false // ... and it was "not ok"
	lines := strings.Split(out, "\n")
	for i := 0; i < len(lines); i++ {
		line := strings.TrimRight(lines[i], "\r")
		if strings.TrimSpace(line) == "---" && strings.HasPrefix(line, " ") {
			end := yamlEnd(lines, i+1)
			block := strings.Join(lines[i+1:end], "\n")
			if !afterPoint {
				r.orphan(block)
			} else if failedPoint {
				r.explain(block)
			}
			i, afterPoint = end, false
			continue
		}
		notOk := r.NotOk
		switch r.line(line) {
		case elemPoint:
			afterPoint, failedPoint = true, r.NotOk > notOk
		case elemOther:
			afterPoint = false
		}
	}
	return r
}

// orphan counts and keeps a YAML block that follows no test point, if it
// reports an error.
func (r *TAP) orphan(block string) {
	var fields map[string]any
	if json.Unmarshal([]byte(block), &fields) == nil && fields != nil {
		e, _ := fields["error"].(string)
		out, isInside := fields["stdout"].(string)
		if e == "" && (!isInside || ParseTAP(out).Plan >= 0) {
			return
		}
	}
	r.Orphan++
	if len(r.Orphans) < maxKept {
		r.Orphans = append(r.Orphans, block)
	}
}

// explain adds the "error" and "stderr" of the YAML block after a "not ok"
// test point to its kept description.
func (r *TAP) explain(block string) {
	var fields map[string]any
	if len(r.Failed) == 0 || len(r.Failed) != r.NotOk || json.Unmarshal([]byte(block), &fields) != nil {
		return
	}
	for _, k := range []string{"error", "stderr"} {
		if v, _ := fields[k].(string); strings.TrimSpace(v) != "" {
			r.Failed[len(r.Failed)-1] += fmt.Sprintf(" (%s: %s)", k, strings.Join(strings.Fields(v), " "))
		}
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

// What a line outside YAML blocks was: a test point, another TAP element,
// or no TAP at all (a program's own print, or the second line of a
// description that held a newline, as tap-go writes runtime-tools'
// "...\nRefer to: URL" descriptions): such lines do not separate a test
// point from its YAML block.
const (
	elemNone = iota
	elemPoint
	elemOther
)

// line takes one line outside YAML blocks and says what it was.
func (r *TAP) line(line string) int {
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
		if r.point(line) {
			return elemPoint
		}
		return elemNone
	case strings.HasPrefix(line, "#"):
	default:
		return elemNone
	}
	return elemOther
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
		p = append(p, "error outside a test point: "+strings.Join(strings.Fields(o), " "))
	}
	return p
}
