package amd64

// Control transfer through registers, padding, traps and inline data (SDM
// vol. 2A-2B, "CALL", "JMP", "RET", "NOP", "INT n/INTO/INT3/INT1", "UD—
// Undefined Instruction"). Jumps and calls to labels are in label.go.
//
//	FF /2   call r64     FF /4   jmp r64  (64-bit by default: no REX.W)
//	C3      ret          CC      int3     0F 0B  ud2
//	90, 0F 1F /0         nop; the multi-byte forms of Table 4-12
//	                     "Recommended Multi-Byte Sequence of NOP Instruction"
//
// INT3 and UD2 trap; inside a Go process a trap in generated code kills
// the runtime, so they are for marking code that must never run (padding
// after an unconditional jump, a debugging stop under a debugger).

// CallReg calls the address in r.
func (a *Assembler) CallReg(r Reg) {
	if a.ok("call", W64, W64, r) {
		a.rr(inst{op: 0xff}, digit(2), r)
	}
}

// JmpReg jumps to the address in r.
func (a *Assembler) JmpReg(r Reg) {
	if a.ok("jmp", W64, W64, r) {
		a.rr(inst{op: 0xff}, digit(4), r)
	}
}

// Ret returns to the address on top of the stack.
func (a *Assembler) Ret() { a.buf = append(a.buf, 0xc3) }

// Int3 is the breakpoint trap.
func (a *Assembler) Int3() { a.buf = append(a.buf, 0xcc) }

// Ud2 is the guaranteed invalid instruction.
func (a *Assembler) Ud2() { a.buf = append(a.buf, 0x0f, 0x0b) }

// nops are the recommended NOPs of 1 to 9 bytes, each one instruction.
var nops = [10][]byte{
	1: {0x90},
	2: {0x66, 0x90},
	3: {0x0f, 0x1f, 0x00},
	4: {0x0f, 0x1f, 0x40, 0x00},
	5: {0x0f, 0x1f, 0x44, 0x00, 0x00},
	6: {0x66, 0x0f, 0x1f, 0x44, 0x00, 0x00},
	7: {0x0f, 0x1f, 0x80, 0x00, 0x00, 0x00, 0x00},
	8: {0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
	9: {0x66, 0x0f, 0x1f, 0x84, 0x00, 0x00, 0x00, 0x00, 0x00},
}

// Nop appends n bytes of NOPs, in as few instructions as the table allows:
// 9-byte NOPs, then one shorter one.
func (a *Assembler) Nop(n int) {
	for ; n > 9; n -= 9 {
		a.buf = append(a.buf, nops[9]...)
	}
	if n > 0 {
		a.buf = append(a.buf, nops[n]...)
	}
}

// Align pads with NOPs to a multiple of n bytes (a power of two), for
// example before a loop head. Offsets are from the start of the code, so
// the alignment is real only if the code is placed at such a multiple
// (execmem places it at a page).
func (a *Assembler) Align(n int) {
	if n <= 0 || n&(n-1) != 0 {
		a.fail("align", "%d is not a power of two", n)
		return
	}
	a.Nop(-len(a.buf) & (n - 1))
}

// Data appends raw bytes that are not instructions: a constant for a
// RIPLabel operand to load, a table. Place it where execution cannot fall
// into it (after a RET or an unconditional jump).
func (a *Assembler) Data(b ...byte) { a.buf = append(a.buf, b...) }
