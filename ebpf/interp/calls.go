package interp

// Calls: bpf-to-bpf calls and helpers (RFC 9669 §4.3.1, §4.3.2).
//
// Local call (src 1):
//  1. at MaxFrames frames already, fail with ErrCallDepth (the kernel's
//     MAX_CALL_FRAMES, 8: main program and 7 nested calls);
//  2. save the return instruction and the caller's r6-r9 in a frame;
//  3. move r10 down by 512 bytes, to the callee's own stack frame, and make
//     that frame the bottom of the live stack (memory.go, step 3);
//  4. exit in a callee pops the frame: pc, r6-r9 and r10 come back. r0 is
//     the callee's result; r1-r5 keep whatever the callee left there (the
//     calling convention makes them scratch).
//
// Helper call (src 0): Compile resolved the id to a slot; r0 = helper(r1-r5).
// A helper reaches program memory through Env, with the same bounds checks
// as the program.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

var errCallDepth = fmt.Errorf("%w: a local call beyond %d frames", ErrCallDepth, MaxFrames)

func (m *machine) push(ret int) {
	f := &m.frames[m.depth]
	f.ret = ret
	copy(f.saved[:], m.regs[ebpf.R6:ebpf.R10])
	m.depth++
	m.deepest = max(m.deepest, m.depth)
	m.enterFrame()
}

func (m *machine) pop() int {
	m.depth--
	f := &m.frames[m.depth]
	copy(m.regs[ebpf.R6:ebpf.R10], f.saved[:])
	m.enterFrame()
	return f.ret
}

// enterFrame points r10 and the live stack at frame m.depth.
func (m *machine) enterFrame() {
	m.regs[ebpf.R10] = stackTop - uint64(m.depth)*ebpf.StackSize
	m.mem.regions[1].lo = frameBottom(m.depth)
}

func (m *machine) callHelper(in *inst) error {
	r := &m.regs
	v, err := m.prog.helpers[in.imm](&m.env, r[1], r[2], r[3], r[4], r[5])
	if err != nil {
		return HelperError(m.prog.helperIDs[in.imm], err)
	}
	r[0] = v
	return nil
}

// HelperError is the error of helper id failing with err: it wraps
// ErrHelper and err and reads "helper failed: helper <id>: <err>", as
// fmt.Errorf("%w: helper %d: %w") would, but is formatted only when read.
// A helper error is not always a failure nobody reads: ebpf/host's
// bpf_tail_call ends every tail-calling program with one, and formatting
// it was most of a tail call's cost.
func HelperError(id int32, err error) error { return &helperError{id, err} }

type helperError struct {
	id  int32
	err error
}

func (e *helperError) Error() string {
	return fmt.Sprintf("%v: helper %d: %v", ErrHelper, e.id, e.err)
}

func (e *helperError) Unwrap() []error { return []error{ErrHelper, e.err} }

// Env is what a helper sees of the running program. It is valid only
// during the helper call, as are the slices its methods return. The JIT's
// helpers get one too, over the same address space (Space).
type Env struct {
	mem   *memory
	names []Region // Options.Regions, for messages
	state any      // RunPacket's state (packet.go)
}

// Load returns the n bytes of program memory at addr, for reading.
func (e *Env) Load(addr uint64, n int) ([]byte, error) { return e.access(addr, n, false) }

// Store returns the n bytes of program memory at addr, for writing.
func (e *Env) Store(addr uint64, n int) ([]byte, error) { return e.access(addr, n, true) }

func (e *Env) access(addr uint64, n int, write bool) ([]byte, error) {
	switch {
	case n < 0:
		return nil, fmt.Errorf("%w: negative length %d", ErrMemory, n)
	case n == 0:
		return []byte{}, nil
	}
	b := e.mem.slice(addr, uint64(n), write)
	if b == nil {
		return nil, e.mem.accessError(addr, uint64(n), write, e.names)
	}
	return b, nil
}

// Context is the context given to Run.
func (e *Env) Context() []byte { return e.mem.regions[2].bytes() }
