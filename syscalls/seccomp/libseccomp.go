package seccomp

import (
	"bytes"
	_ "embed"
	"encoding/json"
	"fmt"
	"os/exec"
)

// libseccomp is the peer: the library runc and crun compile profiles with.
// CompileLibseccomp feeds it our resolved rules (after the includes and
// excludes, name resolution and runc's splitting, which runc also does
// before calling libseccomp) through Debian's python3-seccomp, running
// libseccomp_export.py, and reads back its program: the tests compare the
// verdicts of the two programs, the benchmark their cost in the kernel.

// debianPython is the interpreter python3-seccomp installs for.
const debianPython = "/usr/bin/python3"

//go:embed libseccomp_export.py
var libseccompExport string

// CompileLibseccomp compiles p, resolved with o, by libseccomp: optimize 1
// is its default (a chain of compares by priority), 2 its binary tree
// (libseccomp >= 2.5). It needs python3-seccomp.
func CompileLibseccomp(p *Policy, o Options, optimize int) (*Filter, error) {
	res, err := p.resolve(o)
	if err != nil {
		return nil, err
	}
	return libseccompCompile(res, optimize)
}

func libseccompCompile(res *resolved, optimize int) (*Filter, error) {
	in, err := json.Marshal(libseccompSpec(res, optimize))
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(debianPython, "-c", libseccompExport)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("seccomp: libseccomp (python3-seccomp): %v: %s", err, stderr.String())
	}
	f, err := Unmarshal(out)
	if err != nil {
		return nil, fmt.Errorf("seccomp: libseccomp's program: %w", err)
	}
	return f, nil
}

// libseccompSpec is the export script's input: the resolved rules.
func libseccompSpec(res *resolved, optimize int) map[string]any {
	type ruleJSON struct {
		Nr    int     `json:"nr"`
		Ret   uint32  `json:"ret"`
		Conds [][]any `json:"conds"`
	}
	rules := []ruleJSON{}
	for _, r := range res.rules {
		rj := ruleJSON{Nr: r.nr, Ret: r.ret, Conds: [][]any{}}
		for _, c := range r.conds {
			rj.Conds = append(rj.Conds, []any{c.index, c.op, c.value, c.valueTwo})
		}
		rules = append(rules, rj)
	}
	return map[string]any{"default": res.defaultRet, "badarch": badArchAction, "optimize": optimize, "rules": rules}
}
