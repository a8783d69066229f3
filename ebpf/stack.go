package ebpf

// StackWrites bounds what one run of a program can write to its stack, for
// engines that clear the stack between runs instead of proving, as the
// kernel's verifier does, that no program reads a stack byte before
// writing it. Only what a run can have written needs clearing before the
// next run of the same program.
//
// It returns n and true when every write (ST, STX, atomics) is through r10
// at a constant offset inside the main function's 512-byte frame and the
// program calls nothing: a run then writes only within the n bytes below
// r10 (n is the lowest offset's distance, 0 for a program that never
// stores). It returns 0 and false when the instructions alone do not bound
// the writes:
//
//   - a local call: callees have frames of their own below;
//   - a helper call: a helper may write through any pointer it gets;
//   - a store or atomic through another register: a register can hold any
//     address of the stack, also one computed from a constant (the stack
//     is at a fixed address in the interpreter's map), or r10 copied.
//
// r10 itself is read-only (Validate), so "through r10" is the frame top.
func StackWrites(insns []Instruction) (n int, bounded bool) {
	for _, ins := range insns {
		switch c := ins.Class(); {
		case c.IsJump() && ins.JumpOp() == JumpCall:
			return 0, false
		case c == ClassST || c == ClassSTX:
			off, size := int(ins.Offset), ins.Size().Bytes()
			if ins.Dst != R10 || off < -StackSize || off+size > 0 {
				return 0, false
			}
			n = max(n, -off)
		}
	}
	return n, true
}
