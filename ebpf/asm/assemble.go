package asm

// Assembly in two passes over the parsed lines:
//
//  1. Each statement's labels are bound to the slot of the next
//     instruction, and each instruction is matched against the forms of its
//     mnemonic and encoded. Slots, not instructions, are counted: lddw
//     takes two, and jump offsets are in slots (RFC 9669 §4.3).
//  2. Jumps and local calls that name a label get their offset: target slot
//     minus the slot after the jump (offset +0 falls through). A jump to
//     "exit" with no label of that name goes to the first exit instruction,
//     as bpf_conformance's assembler does ("jne %r0, %r1, exit").
//
// The first error stops assembly; it names the line and its text.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// Error is an assembly error: the 1-based line it is on, the line's text,
// and what is wrong with it; AssembleLLVM also gives the 1-based column
// (0 where the whole line is meant).
type Error struct {
	Line   int
	Column int
	Text   string
	Err    error
}

func (e *Error) Error() string {
	if e.Column > 0 {
		return fmt.Sprintf("line %d, column %d: %q: %v", e.Line, e.Column, e.Text, e.Err)
	}
	if e.Text == "" {
		return fmt.Sprintf("line %d: %v", e.Line, e.Err)
	}
	return fmt.Sprintf("line %d: %q: %v", e.Line, e.Text, e.Err)
}

func (e *Error) Unwrap() error { return e.Err }

// ErrEmpty is returned for source that holds no instruction.
var ErrEmpty = errors.New("no instructions")

// fixup is a jump whose target is a label, resolved in pass 2.
type fixup struct {
	index int // into the instructions
	slot  int // the jump's own slot
	label string
	long  bool // the distance goes in imm (ja32, call local)
	stmt  *statement
}

// assembler is the state of one Assemble call.
type assembler struct {
	insns     []ebpf.Instruction
	slot      int
	labels    map[string]int // label -> slot
	labelLine map[string]int
	firstExit int // slot of the first exit, or -1
	fixups    []fixup
}

// Assemble translates uBPF-syntax assembly (see the package comment) into
// instructions.
func Assemble(src string) ([]ebpf.Instruction, error) {
	a := &assembler{labels: map[string]int{}, labelLine: map[string]int{}, firstExit: -1}
	for i, line := range strings.Split(src, "\n") {
		st, err := parseLine(i+1, line)
		if err != nil {
			return nil, &Error{Line: st.line, Text: st.text, Err: err}
		}
		if err := a.statement(&st); err != nil {
			return nil, &Error{Line: st.line, Text: st.text, Err: err}
		}
	}
	if len(a.insns) == 0 {
		return nil, ErrEmpty
	}
	if err := a.resolve(); err != nil {
		return nil, err
	}
	return a.insns, nil
}

// statement binds the labels of st and encodes its instruction.
func (a *assembler) statement(st *statement) error {
	for _, l := range st.labels {
		if prev, ok := a.labelLine[l]; ok {
			return fmt.Errorf("label %q already defined on line %d", l, prev)
		}
		a.labels[l], a.labelLine[l] = a.slot, st.line
	}
	if st.mnemonic == "" {
		return nil
	}
	f, err := chooseForm(st)
	if err != nil {
		return err
	}
	ins, label, err := encode(f, st.ops)
	if err != nil {
		return err
	}
	if label != "" {
		long := f.shape == shapeJumpLong || f.shape == shapeCallLocal
		a.fixups = append(a.fixups, fixup{index: len(a.insns), slot: a.slot, label: label, long: long, stmt: st})
	}
	if f.name == "exit" && a.firstExit < 0 {
		a.firstExit = a.slot
	}
	a.insns = append(a.insns, ins)
	a.slot += ins.Slots()
	return nil
}

// chooseForm finds the form of st's mnemonic whose shape takes st's
// operands, or explains what the mnemonic takes.
func chooseForm(st *statement) (*form, error) {
	forms := byMnemonic[st.mnemonic]
	if st.mnemonic == invalidMnemonic {
		return nil, fmt.Errorf("%s marks a word the disassembler found malformed; it has no assembly", invalidMnemonic)
	}
	if len(forms) == 0 {
		return nil, fmt.Errorf("unknown mnemonic %q", st.mnemonic)
	}
	sameCount := false
	for _, f := range forms {
		kinds := shapeOperands[f.shape]
		if len(kinds) != len(st.ops) {
			continue
		}
		sameCount = true
		if operandsMatch(kinds, st.ops) {
			return f, nil
		}
	}
	var want []string
	for _, f := range forms {
		want = append(want, f.syntax())
	}
	if !sameCount {
		return nil, fmt.Errorf("wrong number of operands for %s: got %d, want %s", st.mnemonic, len(st.ops),
			strings.Join(want, " or "))
	}
	return nil, fmt.Errorf("wrong operands for %s: got %s, want %s", st.mnemonic, describe(st.ops),
		strings.Join(want, " or "))
}

// kindSet is a set of operand kinds one operand position accepts.
type kindSet uint8

const (
	kReg    = kindSet(1 << opReg)
	kNum    = kindSet(1 << opNum)
	kMem    = kindSet(1 << opMem)
	kTarget = kindSet(1<<opNum | 1<<opIdent)
)

var shapeOperands = [...][]kindSet{
	shapeNone:      nil,
	shapeDst:       {kReg},
	shapeDstSrc:    {kReg, kReg},
	shapeDstImm:    {kReg, kNum},
	shapeDstImm64:  {kReg, kNum},
	shapeLoad:      {kReg, kMem},
	shapeStore:     {kMem, kReg},
	shapeStoreImm:  {kMem, kNum},
	shapeJump:      {kTarget},
	shapeJumpLong:  {kTarget},
	shapeCondImm:   {kReg, kNum, kTarget},
	shapeCondSrc:   {kReg, kReg, kTarget},
	shapeCall:      {kNum},
	shapeCallLocal: {kTarget},
	shapeCallReg:   {kReg},
	shapeAbs:       {kNum},
	shapeInd:       {kReg, kNum},
}

func operandsMatch(kinds []kindSet, ops []operand) bool {
	for i, k := range kinds {
		if k&(1<<ops[i].kind) == 0 {
			return false
		}
	}
	return true
}

func describe(ops []operand) string {
	var s []string
	for _, o := range ops {
		s = append(s, operandKindNames[o.kind])
	}
	return strings.Join(s, ", ")
}

// resolve fills in the offsets of jumps to labels (pass 2).
func (a *assembler) resolve() error {
	for _, fx := range a.fixups {
		target, ok := a.labels[fx.label]
		if !ok && fx.label == "exit" && a.firstExit >= 0 {
			target, ok = a.firstExit, true
		}
		if !ok {
			return &Error{Line: fx.stmt.line, Text: fx.stmt.text, Err: fmt.Errorf("undefined label %q", fx.label)}
		}
		if err := setTarget(&a.insns[fx.index], fx.long, target-fx.slot-1); err != nil {
			return &Error{Line: fx.stmt.line, Text: fx.stmt.text, Err: fmt.Errorf("label %q: %w", fx.label, err)}
		}
	}
	return nil
}

// setTarget stores a jump distance in slots: in imm for ja32 and local
// calls, in the 16-bit offset otherwise.
func setTarget(ins *ebpf.Instruction, long bool, d int) error {
	if long {
		if d < -1<<31 || d >= 1<<31 {
			return fmt.Errorf("jump of %d slots does not fit in 32 bits", d)
		}
		ins.Imm = int32(d)
		return nil
	}
	if d < -1<<15 || d >= 1<<15 {
		return fmt.Errorf("jump of %d slots does not fit in the 16-bit offset (use ja32 for long jumps)", d)
	}
	ins.Offset = int16(d)
	return nil
}
