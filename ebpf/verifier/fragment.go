package verifier

// Fragments: a piece of a program verified from a given state, the way
// the PREVAIL verifier's YAML test corpus is written (prevail_test.go
// runs it; docs/ebpf.md has the agreement with PREVAIL's verdicts).
//
//  1. The walk starts from a copy of fragment.entry, frame 0 as the test
//     builds it (registers, stack, r10 only if set), instead of the
//     program type's entry state (r1 = ctx, r10 = fp).
//  2. The code may end without exit: Verify appends an exit that is never
//     checked; a path reaching it is accepted (falling off the end).
//     Jumps to the end (goto +0 as the last line) land there too, and
//     unreachable code is not refused (PREVAIL only notes it).
//  3. assume[i] marks a conditional jump "if c goto +0" that stands for
//     PREVAIL's "assume c": the path goes on to i+1 in the state of the
//     taken edge (refined by c), or ends when c cannot hold; there is no
//     other edge.
//  4. ctx, if set, replaces the program type's context.
//
// It is unexported on purpose: only tests build fragments.

import "github.com/deepsys/deepsys/ebpf"

type fragment struct {
	entry  *frame
	assume []bool
	ctx    *context
	idBase uint32 // ids at or below it are the entry state's
}

// fragmentEnd reports whether instruction i is the appended exit.
func (e *env) fragmentEnd(i int) bool {
	return e.opts.fragment != nil && i == len(e.insns)-1
}

// isAssume reports whether instruction i is an assume (step 3).
func (e *env) isAssume(i int) bool {
	f := e.opts.fragment
	return f != nil && i < len(f.assume) && f.assume[i]
}

// fragmentState is step 1.
func (e *env) fragmentState() *state {
	f := *e.opts.fragment.entry
	f.callsite, f.fn = -1, 0
	e.idGen = e.opts.fragment.idBase
	return &state{frames: []*frame{&f}}
}

// withEnd is step 2: insns and an exit after them.
func withEnd(insns []ebpf.Instruction) []ebpf.Instruction {
	out := make([]ebpf.Instruction, len(insns), len(insns)+1)
	copy(out, insns)
	return append(out, ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)})
}

// ctxOf is the context accesses are checked against (step 4).
func (e *env) ctxOf() context {
	if f := e.opts.fragment; f != nil && f.ctx != nil {
		return *f.ctx
	}
	return contexts[e.opts.ProgType]
}
