package seccomp

import (
	"fmt"
	"slices"

	"github.com/deepsys/deepsys/syscalls/systab"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// Options tune Compile.
type Options struct {
	// Linear compiles the dispatch on the syscall number as a chain of
	// comparisons in number order (libseccomp's shape) instead of a binary
	// search; the cost table compares the two.
	Linear bool
	// Caps is the container's capability set, for Docker's includes and
	// excludes "caps"; nil means DefaultCaps.
	Caps []string
	// Kernel is the kernel version ("6.18") for "minKernel"; empty means the
	// running kernel.
	Kernel string
	// StrictNames makes a syscall name unknown on x86-64 an error instead of
	// a warning.
	StrictNames bool
	// AllowForeignArch lets calls of other ABIs (i386 int 0x80, x32) pass
	// instead of killing the process: for a filter that only selects
	// syscalls, such as a tracer's, not one that confines.
	AllowForeignArch bool
}

// DefaultCaps is Docker's default capability set for a container.
var DefaultCaps = []string{
	"CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
	"CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
	"CAP_AUDIT_WRITE",
}

// rule is a policy rule resolved for this machine: one syscall number, the
// SECCOMP_RET_* value, and argument conditions that must all hold.
type rule struct {
	nr     int
	ret    uint32
	conds  []cond
	source string // "syscalls[3]", for messages
}

// cond is one 64-bit argument comparison.
type cond struct {
	index           int
	op              specs.LinuxSeccompOperator
	value, valueTwo uint64
}

// resolved is a policy reduced to what the filter decides.
type resolved struct {
	defaultRet uint32
	rules      []rule // in policy order
	warnings   []string
}

// resolve applies Docker's includes/excludes, drops rules whose action is
// the default's (as runc does, since libseccomp refuses them), turns names
// into x86-64 numbers (a name the table lacks is skipped with a warning, as
// runc does with names libseccomp cannot resolve for the arch), splits a rule
// with several conditions on one argument into one rule a condition, as
// runc does (opencontainers/runc#2735): libseccomp cannot AND two
// comparisons of the same argument, so runc ORs them.
func (p *Policy) resolve(o Options) (*resolved, error) {
	if err := p.Check(); err != nil {
		return nil, err
	}
	if err := p.checkNativeArch(); err != nil {
		return nil, err
	}
	env, err := newCondEnv(o)
	if err != nil {
		return nil, err
	}
	def, _ := actionValue(p.DefaultAction, p.DefaultErrnoRet)
	res := &resolved{defaultRet: def}
	for i := range p.Syscalls {
		if err := res.add(&p.Syscalls[i], i, env, o.StrictNames); err != nil {
			return nil, err
		}
	}
	return res, nil
}

// add resolves policy entry i into res.rules.
func (res *resolved) add(r *Rule, i int, env condEnv, strict bool) error {
	if !env.included(r) {
		return nil
	}
	ret, _ := actionValue(r.Action, r.ErrnoRet)
	if ret == res.defaultRet { // runc skips these too: libseccomp refuses them
		return nil
	}
	names, field := r.Names, "names"
	if r.Name != "" {
		names, field = []string{r.Name}, "name"
	}
	for j, name := range names {
		nr, ok := syscallNumber(name)
		if !ok {
			msg := fmt.Sprintf("syscalls[%d].%s[%d] %q: unknown syscall on x86_64", i, field, j, name)
			if strict {
				return fmt.Errorf("seccomp policy: %s", msg)
			}
			res.warnings = append(res.warnings, msg+", ignored")
			continue
		}
		for _, conds := range splitConds(r.Args) {
			res.rules = append(res.rules, rule{nr: nr, ret: ret, conds: conds, source: fmt.Sprintf("syscalls[%d]", i)})
		}
	}
	return nil
}

// splitConds is the list of AND-groups a rule's arguments stand for: one
// group with all of them, or, when an argument index repeats, one group a
// condition.
func splitConds(args []Arg) [][]cond {
	all := make([]cond, len(args))
	seen := map[uint]bool{}
	repeated := false
	for i, a := range args {
		all[i] = cond{index: int(a.Index), op: a.Op, value: a.Value, valueTwo: a.ValueTwo}
		repeated = repeated || seen[a.Index]
		seen[a.Index] = true
	}
	if !repeated {
		return [][]cond{all}
	}
	out := make([][]cond, len(all))
	for i := range all {
		out[i] = all[i : i+1]
	}
	return out
}

// condEnv is what Docker's includes/excludes are evaluated against.
type condEnv struct {
	caps   []string
	kernel kernelVersion
}

func newCondEnv(o Options) (condEnv, error) {
	env := condEnv{caps: o.Caps}
	if env.caps == nil {
		env.caps = DefaultCaps
	}
	var err error
	if o.Kernel != "" {
		env.kernel, err = parseKernel(o.Kernel)
	} else {
		env.kernel, err = runningKernel()
	}
	return env, err
}

// included applies Docker's rules (moby/profiles/seccomp setupSeccomp): the
// rule is dropped when excludes matches anything (an arch, any one cap, the
// kernel at least minKernel) or includes misses anything (the arch, every
// cap, the kernel at least minKernel).
func (env condEnv) included(r *Rule) bool {
	if e := r.Excludes; e != nil {
		if slices.Contains(e.Arches, nativeArch) || slices.ContainsFunc(e.Caps, env.hasCap) ||
			(e.MinKernel != "" && env.kernelAtLeast(e.MinKernel)) {
			return false
		}
	}
	if in := r.Includes; in != nil {
		if (len(in.Arches) > 0 && !slices.Contains(in.Arches, nativeArch)) ||
			!allFunc(in.Caps, env.hasCap) || (in.MinKernel != "" && !env.kernelAtLeast(in.MinKernel)) {
			return false
		}
	}
	return true
}

func (env condEnv) hasCap(c string) bool { return slices.Contains(env.caps, c) }

// kernelAtLeast compares with a minKernel that Check has validated.
func (env condEnv) kernelAtLeast(s string) bool {
	m, _ := parseKernel(s)
	return env.kernel.atLeast(m)
}

func allFunc(s []string, f func(string) bool) bool {
	for _, x := range s {
		if !f(x) {
			return false
		}
	}
	return true
}

// syscallNumber is name's x86-64 number from systab.
func syscallNumber(name string) (int, bool) { return systab.Number(name) }
