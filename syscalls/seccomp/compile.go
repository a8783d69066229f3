package seccomp

import "golang.org/x/sys/unix"

// Filter is a compiled seccomp program.
type Filter struct {
	// Insns is the classic BPF program, struct sock_filter by struct.
	Insns []unix.SockFilter
	// Flags are the seccomp(2) filter flags the policy asked for
	// (SECCOMP_FILTER_FLAG_LOG, ...); Install adds them to its own.
	Flags int
	// Warnings are what the compiler skipped: syscall names this machine's
	// table does not have.
	Warnings []string
	// Syscalls is how many syscall numbers the dispatch tests.
	Syscalls int
}

// Compile compiles p for this machine with the default Options.
func Compile(p *Policy) (*Filter, error) { return CompileWith(p, Options{}) }

// CompileWith compiles p into classic BPF:
//  1. resolve: check p, apply Docker's includes/excludes, turn names into
//     x86-64 numbers (resolve.go);
//  2. group the rules by number into leaves (dispatch.go);
//  3. emit the arch and x32 checks, the dispatch (binary search or chain),
//     each leaf's argument conditions (args.go) and the default;
//  4. lay out and encode, with trampolines for far jumps (bpf.go).
func CompileWith(p *Policy, o Options) (*Filter, error) {
	res, err := p.resolve(o)
	if err != nil {
		return nil, err
	}
	ls := leaves(res)
	var b builder
	b.emitFilter(ls, res.defaultRet, o)
	insns, err := b.assemble()
	if err != nil {
		return nil, err
	}
	flags := 0
	for _, f := range p.Flags {
		flags |= knownFlags[f]
	}
	return &Filter{Insns: insns, Flags: flags, Warnings: res.warnings, Syscalls: len(ls)}, nil
}
