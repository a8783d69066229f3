package amd64

// Labels, jumps and the references Finish patches.
//
// A label is a position in the code. Jumps, calls and RIP-relative operands
// refer to labels; when the label is not yet bound (a forward reference),
// the instruction is written with a zero displacement and a fixup, and
// Finish writes the displacement once every label is bound. Displacements
// count from the end of the instruction: the processor adds them to the
// address of the next instruction (SDM vol. 2A, "JMP—Jump", "Jcc—Jump if
// Condition Is Met", "CALL—Call Procedure").
//
// Choosing the jump's size (JMP EB rel8 / E9 rel32; Jcc 70+cc rel8 / 0F
// 80+cc rel32, SDM vol. 2A "Jcc—Jump if Condition Is Met"):
//
//  1. Backward jump (label bound): the distance is known; use rel8 when it
//     fits, else rel32.
//  2. Forward jump: rel32, unless the caller asks for rel8 with JmpShort or
//     JccShort, and then Finish fails if the label ends up out of reach.
//
// What we did not do: relaxation (emit every forward jump short, then grow
// the ones that do not reach, moving the code after them, until nothing
// changes). It saves 3-4 bytes per short forward jump, but it moves code
// after it was written, so an offset the generator took with Len — an
// entry point, the native offset of a bytecode instruction, a patch site —
// would be stale after Finish, and every fixup and bound label would need
// moving too. One pass and stable offsets are worth more to a JIT than
// those bytes; a generator that knows a forward jump is short (a bounds
// check skipping a few instructions) says so with JmpShort.

// Label is a position in the code, made by NewLabel. The zero Label is not
// a label.
type Label uint32

// fixup is a displacement Finish must write: at offset at, size bytes,
// label + add - end, where end is the offset of the next instruction.
type fixup struct {
	at, end int
	size    int // 1 or 4
	label   Label
	add     int32
}

// NewLabel makes an unbound label.
func (a *Assembler) NewLabel() Label {
	a.labels = append(a.labels, -1)
	return Label(len(a.labels))
}

// Bind places l at the current offset. A label is bound once.
func (a *Assembler) Bind(l Label) {
	switch {
	case !a.isLabel(l):
		a.fail("bind", "no label L%d", l)
	case a.labels[l-1] >= 0:
		a.fail("bind", "label L%d is already bound at offset %d", l, a.labels[l-1])
	default:
		a.labels[l-1] = len(a.buf)
	}
}

// Offset is the offset l is bound to, and whether it is bound.
func (a *Assembler) Offset(l Label) (int, bool) {
	if !a.isLabel(l) || a.labels[l-1] < 0 {
		return 0, false
	}
	return a.labels[l-1], true
}

func (a *Assembler) isLabel(l Label) bool { return l >= 1 && int(l) <= len(a.labels) }

// Jmp jumps to l: rel8 backward when it reaches, else rel32.
func (a *Assembler) Jmp(l Label) { a.branch("jmp", []byte{0xeb}, []byte{0xe9}, l, false) }

// JmpShort jumps to l with rel8; Finish fails if l is out of reach.
func (a *Assembler) JmpShort(l Label) { a.branch("jmp", []byte{0xeb}, nil, l, true) }

// Jcc jumps to l if c holds: rel8 backward when it reaches, else rel32.
func (a *Assembler) Jcc(c Cond, l Label) {
	if a.okCond("j", c) {
		a.branch("j"+c.String(), []byte{0x70 | byte(c)}, []byte{0x0f, 0x80 | byte(c)}, l, false)
	}
}

// JccShort jumps to l with rel8 if c holds; Finish fails if l is out of
// reach.
func (a *Assembler) JccShort(c Cond, l Label) {
	if a.okCond("j", c) {
		a.branch("j"+c.String(), []byte{0x70 | byte(c)}, nil, l, true)
	}
}

// Call calls l (E8 rel32), pushing the return address.
func (a *Assembler) Call(l Label) { a.branch("call", nil, []byte{0xe8}, l, false) }

// branch appends a jump to l: op8 (followed by rel8) or op32 (by rel32).
func (a *Assembler) branch(name string, op8, op32 []byte, l Label, short bool) {
	if !a.isLabel(l) {
		a.fail(name, "no label L%d", l)
		return
	}
	target := a.labels[l-1]
	if target >= 0 && op8 != nil { // step 1
		rel := target - (len(a.buf) + len(op8) + 1)
		if rel == int(int8(rel)) {
			a.buf = append(append(a.buf, op8...), byte(rel))
			return
		}
		if short {
			a.fail(name, "short jump cannot reach label L%d (%+d bytes)", l, rel)
			return
		}
	}
	op, size := op32, 4 // step 2
	if short {
		op, size = op8, 1
	}
	a.buf = append(a.buf, op...)
	a.fixups = append(a.fixups, fixup{at: len(a.buf), end: len(a.buf) + size, size: size, label: l})
	a.buf = append(a.buf, make([]byte, size)...)
}

func (a *Assembler) okCond(name string, c Cond) bool {
	if c > G {
		a.fail(name+"cc", "no condition code %d", c)
		return false
	}
	return true
}
