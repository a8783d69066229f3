package asm

// AssembleLLVM: the LLVM/kernel syntax (llvm_lexer.go, llvm_parse.go,
// llvm_assign.go) to instructions, in the two passes of Assemble
// (assemble.go): bind labels to slots and encode each line, then fill in
// the distances of jumps and local calls to labels. Labels are written
// "LBB0_2:" as LLVM does, or "<out>:" as PREVAIL does, and a line may hold
// labels only.
//
// What the text cannot say. FormatLLVM prints what llvm-objdump prints,
// and two of LLVM's spellings drop a field, so for those
// AssembleLLVM(DisassembleLLVM(p)) differs from p (TestLLVMRoundTrip lists
// them):
//
//   - "call 0x5" is printed for a helper call, a local call (src 1) and a
//     kfunc call (src 2) alike; it assembles to the helper call. Write a
//     local call "call pc+5" (the verifier log's spelling) or "call label".
//   - "r0 = *(u8 *)skb[r2]" (ldind) drops the imm; "skb[r2 + 0x5]" writes it.

import (
	"errors"
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

// AssembleLLVM translates the LLVM/kernel syntax that DisassembleLLVM,
// llvm-objdump and the verifier log print into instructions. Every error is
// an *Error naming the line and column, or ErrEmpty.
func AssembleLLVM(src string) ([]ebpf.Instruction, error) {
	a := &llvmAssembler{labels: map[string]int{}, labelLine: map[string]int{}}
	for i, line := range strings.Split(src, "\n") {
		st, err := parseLLVMLine(line)
		if err == nil {
			err = a.statement(i+1, line, &st)
		}
		if err != nil {
			return nil, lineError(i+1, line, err)
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

// lineError wraps err as an *Error of line n, with its column if known.
func lineError(n int, line string, err error) *Error {
	e := &Error{Line: n, Text: strings.TrimSpace(stripLLVMComment(line)), Err: err}
	var ce *colError
	if errors.As(err, &ce) {
		e.Column, e.Err = ce.col, ce.err
	}
	return e
}

type llvmAssembler struct {
	insns     []ebpf.Instruction
	slot      int
	labels    map[string]int // label -> slot
	labelLine map[string]int
	fixups    []llvmFixup
}

// llvmFixup is a jump or local call to a label.
type llvmFixup struct {
	index, slot int
	label       string
	long        bool
	line        int
	col         int
	text        string
}

func (a *llvmAssembler) statement(n int, line string, st *llvmStmt) error {
	for _, l := range st.labels {
		if prev, ok := a.labelLine[l]; ok {
			return fmt.Errorf("label %q already defined on line %d", l, prev)
		}
		a.labels[l], a.labelLine[l] = a.slot, n
	}
	if !st.has {
		return nil
	}
	if st.target != "" {
		a.fixups = append(a.fixups, llvmFixup{index: len(a.insns), slot: a.slot, label: st.target, long: st.long,
			line: n, col: st.targetCol, text: line})
	}
	a.insns = append(a.insns, st.ins)
	a.slot += st.ins.Slots()
	return nil
}

func (a *llvmAssembler) resolve() error {
	for _, fx := range a.fixups {
		target, ok := a.labels[fx.label]
		if !ok {
			err := fmt.Errorf("undefined label %q", fx.label)
			if fx.long && a.insns[fx.index].JumpOp() == ebpf.JumpCall {
				err = fmt.Errorf("%q is neither a label nor a helper this assembler knows", fx.label)
			}
			return lineError(fx.line, fx.text, &colError{col: fx.col, err: err})
		}
		if err := setTarget(&a.insns[fx.index], fx.long, target-fx.slot-1); err != nil {
			return lineError(fx.line, fx.text, &colError{col: fx.col, err: fmt.Errorf("label %q: %w", fx.label, err)})
		}
	}
	return nil
}
