package seccomp

import (
	"fmt"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// knownOps are the comparison operators of libseccomp (seccomp_rule_add(3)).
var knownOps = map[specs.LinuxSeccompOperator]bool{
	specs.OpNotEqual: true, specs.OpLessThan: true, specs.OpLessEqual: true, specs.OpEqualTo: true,
	specs.OpGreaterEqual: true, specs.OpGreaterThan: true, specs.OpMaskedEqual: true,
}

// knownFlags are the seccomp(2) filter flags the runtime-spec lets a
// profile ask for, with their values.
var knownFlags = map[specs.LinuxSeccompFlag]int{
	"SECCOMP_FILTER_FLAG_TSYNC":            0x1,
	specs.LinuxSeccompFlagLog:              0x2,
	specs.LinuxSeccompFlagSpecAllow:        0x4,
	specs.LinuxSeccompFlagWaitKillableRecv: 0x20,
}

// Check validates what does not depend on the machine: actions, errno
// values, operators, argument indexes, architecture and flag names, the
// Docker conditions. Every error names the entry: `syscalls[3].args[0].op
// "SCMP_CMP_FOO": unknown operator`. ParsePolicy calls it; call it on a
// Policy built in Go.
func (p *Policy) Check() error {
	if err := p.checkTop(); err != nil {
		return fmt.Errorf("seccomp policy: %w", err)
	}
	for i := range p.Syscalls {
		if err := p.Syscalls[i].check(); err != nil {
			return fmt.Errorf("seccomp policy: syscalls[%d]%w", i, err)
		}
	}
	return nil
}

func (p *Policy) checkTop() error {
	if p.DefaultAction == "" {
		return fmt.Errorf("defaultAction: missing")
	}
	if _, err := actionValue(p.DefaultAction, p.DefaultErrnoRet); err != nil {
		return fmt.Errorf("defaultAction: %w", err)
	}
	if err := checkErrnoRet(p.DefaultErrnoRet); err != nil {
		return fmt.Errorf("defaultErrnoRet: %w", err)
	}
	if len(p.Architectures) > 0 && len(p.ArchMap) > 0 {
		return fmt.Errorf("both architectures and archMap are given; use one")
	}
	for i, a := range p.Architectures {
		if !knownArches[a] {
			return fmt.Errorf("architectures[%d] %q: unknown architecture", i, a)
		}
	}
	for i, m := range p.ArchMap {
		if err := m.check(); err != nil {
			return fmt.Errorf("archMap[%d]%w", i, err)
		}
	}
	for i, f := range p.Flags {
		if _, ok := knownFlags[f]; !ok {
			return fmt.Errorf("flags[%d] %q: unknown seccomp filter flag", i, f)
		}
	}
	return nil
}

func (m ArchMap) check() error {
	if !knownArches[m.Architecture] {
		return fmt.Errorf(".architecture %q: unknown architecture", m.Architecture)
	}
	for j, a := range m.SubArchitectures {
		if !knownArches[a] {
			return fmt.Errorf(".subArchitectures[%d] %q: unknown architecture", j, a)
		}
	}
	return nil
}

// check validates one rule; errors start with the path inside the rule.
func (r *Rule) check() error {
	if r.Name != "" && len(r.Names) > 0 {
		return fmt.Errorf(": both name and names are given; use names")
	}
	if r.Name == "" && len(r.Names) == 0 {
		return fmt.Errorf(".names: empty")
	}
	for j, n := range r.Names {
		if n == "" {
			return fmt.Errorf(".names[%d]: empty name", j)
		}
	}
	if _, err := actionValue(r.Action, r.ErrnoRet); err != nil {
		return fmt.Errorf(".%w", err)
	}
	if err := checkErrnoRet(r.ErrnoRet); err != nil {
		return fmt.Errorf(".%w", err)
	}
	for j, a := range r.Args {
		if err := a.check(); err != nil {
			return fmt.Errorf(".args[%d].%w", j, err)
		}
	}
	if err := r.Includes.check(); err != nil {
		return fmt.Errorf(".includes.%w", err)
	}
	if err := r.Excludes.check(); err != nil {
		return fmt.Errorf(".excludes.%w", err)
	}
	return nil
}

func (a Arg) check() error {
	if a.Index >= 6 {
		return fmt.Errorf("index %d: a syscall has arguments 0-5", a.Index)
	}
	if !knownOps[a.Op] {
		return fmt.Errorf("op %q: unknown operator (want SCMP_CMP_NE, LT, LE, EQ, GE, GT or MASKED_EQ)", a.Op)
	}
	return nil
}

func (c *Condition) check() error {
	if c == nil || c.MinKernel == "" {
		return nil
	}
	if _, err := parseKernel(c.MinKernel); err != nil {
		return fmt.Errorf("minKernel: %w", err)
	}
	return nil
}
