package interp

// The frame fast path: a load or store through r10 at a constant offset
// inside the current frame, what compilers emit for locals, cannot fault.
// r10 is read-only (ebpf.Validate) and always the top of the current frame
// (calls.go moves it by one frame per call), so with -512 <= off and
// off+n <= 0 the n bytes lie in the current frame, at or above the stack
// region's lo (memory.go, step 3) and below its end: memory.at would find
// them and never refuse them. Compile gives such accesses ops of their own
// that index the stack directly, r10 - StackAddr + off, and skip the
// region lookup (which, for a store, is two: atWritable checks read-only
// too); Go's bounds check on the slice still stands behind the reasoning.
// The JIT does the same (jit/memory.go, "the fast path").

import "github.com/deepsys/deepsys/ebpf"

// frameOps are the fast ops of LDX (MEM), ST and STX by access size.
var frameOps = map[op]op{
	opLdxB: opLdxFrameB, opLdxH: opLdxFrameH, opLdxW: opLdxFrameW, opLdxDW: opLdxFrameDW,
	opStB: opStFrameB, opStH: opStFrameH, opStW: opStFrameW, opStDW: opStFrameDW,
	opStxB: opStxFrameB, opStxH: opStxFrameH, opStxW: opStxFrameW, opStxDW: opStxFrameDW,
}

// inFrame returns the fast op for ins if it is an r10 access inside the
// frame, else o.
func inFrame(ins ebpf.Instruction, o op) op {
	fast, ok := frameOps[o]
	if !ok {
		return o
	}
	base := ins.Dst
	if ins.Class() == ebpf.ClassLDX {
		base = ins.Src
	}
	if base != ebpf.R10 || ins.Offset < -ebpf.StackSize || int(ins.Offset)+ins.Size().Bytes() > 0 {
		return o
	}
	return fast
}

// frame is the stack at offset r10+off of the current frame.
func (m *machine) frame(off int32) []byte {
	return m.stack[m.regs[ebpf.R10]-StackAddr+uint64(int64(off)):]
}
