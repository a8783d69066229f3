package trace

import (
	"regexp"
	"strconv"
	"strings"
)

// A parsed trace is what strace -f -o FILE (or our tracer with ToFile)
// wrote, reduced to what two runs of the same program share: per thread,
// the syscall names and normalised return values, with threads named by
// their place in the creation tree ("0" is the first process, "0.1" its
// first child, "0.1.2" that child's second) instead of by pid.
type parsed struct {
	threads map[string][]event
	order   []string // labels in creation order
}

type event struct{ name, ret string }

func (e event) String() string { return e.name + "=" + e.ret }

var (
	linePrefix = regexp.MustCompile(`^(?:\[pid\s+(\d+)\] |(\d+)\s+)?(.*)$`)
	whole      = regexp.MustCompile(`^(\w+)\((.*)\)\s+= (.*)$`)
	unfinished = regexp.MustCompile(`^(\w+)\(.* <unfinished \.\.\.>$`)
	resumed    = regexp.MustCompile(`^<\.\.\. (\w+) resumed>.*\)\s+= (.*)$`)
)

// creators are the syscalls whose positive result is a new thread or
// process.
var creators = map[string]bool{"clone": true, "clone3": true, "fork": true, "vfork": true}

// pidResults return a pid, different from run to run.
var pidResults = map[string]bool{"clone": true, "clone3": true, "fork": true, "vfork": true, "wait4": true,
	"waitid": true, "getpid": true, "getppid": true, "gettid": true, "set_tid_address": true}

// parseTrace reads a -f trace; lines without a pid belong to the first
// process. Labels come from the creators' results, so a child whose lines
// come before its parent's clone returns is still placed.
func parseTrace(text string) (*parsed, error) {
	raw := map[int][]event{} // results not yet normalised
	var seen []int           // pids in order of first line
	first := -1
	for _, line := range strings.Split(strings.TrimRight(text, "\n"), "\n") {
		m := linePrefix.FindStringSubmatch(line)
		pid := first
		if n := m[1] + m[2]; n != "" {
			pid, _ = strconv.Atoi(n)
		}
		if first == -1 {
			first = pid
		}
		// rt_sigreturn ends a signal handler (dash's SIGCHLD): where the
		// signal lands depends on timing, not on the program.
		if name, ret, ok := parseCall(m[3]); ok && name != "rt_sigreturn" {
			if raw[pid] == nil {
				seen = append(seen, pid)
			}
			raw[pid] = append(raw[pid], event{name, ret})
		}
	}
	p := &parsed{threads: map[string][]event{}}
	queue := []int{first}
	label := map[int]string{first: "0"}
	for len(queue) > 0 {
		pid := queue[0]
		queue = queue[1:]
		l := label[pid]
		p.order = append(p.order, l)
		k := 0
		for _, e := range raw[pid] {
			if n, err := strconv.Atoi(e.ret); err == nil && n > 0 && creators[e.name] {
				k++
				label[n] = l + "." + strconv.Itoa(k)
				queue = append(queue, n)
			}
			p.threads[l] = append(p.threads[l], event{e.name, normalise(e.name, e.ret)})
		}
		delete(raw, pid)
	}
	// A thread whose creator died inside clone (exit_group of another
	// thread) has no creator's result: it is named "?1", "?2"... in the
	// order of its first line, and comparing those is up to the caller.
	unplaced := 0
	for _, pid := range seen {
		if evs, ok := raw[pid]; ok {
			unplaced++
			l := "?" + strconv.Itoa(unplaced)
			p.order = append(p.order, l)
			for _, e := range evs {
				p.threads[l] = append(p.threads[l], event{e.name, normalise(e.name, e.ret)})
			}
		}
	}
	return p, nil
}

// parseCall returns a finished call's name and raw result (the first word
// after "= "); ok is false for other lines (signals, exits, unfinished).
func parseCall(s string) (name, ret string, ok bool) {
	if m := resumed.FindStringSubmatch(s); m != nil {
		return m[1], firstWord(m[2]), true
	}
	if unfinished.MatchString(s) {
		return "", "", false
	}
	if m := whole.FindStringSubmatch(s); m != nil {
		return m[1], firstWord(m[3]), true
	}
	return "", "", false
}

func firstWord(s string) string {
	if f := strings.Fields(s); len(f) > 0 {
		if f[0] == "-1" && len(f) > 1 {
			return "-1 " + f[1]
		}
		return f[0]
	}
	return s
}

// normalise replaces results that differ between runs: addresses (mmap,
// brk: hex in strace, any value above 4 GiB) and pids.
func normalise(name, ret string) string {
	if pidResults[name] && !strings.HasPrefix(ret, "-") && ret != "?" && ret != "0" {
		return "pid"
	}
	if strings.HasPrefix(ret, "0x") {
		return "address"
	}
	if n, err := strconv.ParseUint(ret, 10, 64); err == nil && n >= 1<<32 {
		return "address"
	}
	return ret
}
