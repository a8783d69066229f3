package jit

// A listing of the generated code, for `deepsys ebpf disasm --jit` and for
// reading what the JIT made of a program: each eBPF instruction, then the
// x86-64 instructions that implement it (Intel syntax, decoded by
// golang.org/x/arch/x86/x86asm).

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf/asm"
	"golang.org/x/arch/x86/x86asm"
)

// Code returns a copy of the generated machine code; Disassemble lists it.
func (p *Program) Code() []byte { return append([]byte(nil), p.code...) }

// Disassemble lists the generated code: the entry and common exit, each
// eBPF instruction (as ebpf/asm prints it) followed by its x86-64
// instructions, and the out-of-line stubs. Offsets are from the start of
// the code.
func (p *Program) Disassemble() string {
	var b strings.Builder
	b.WriteString("; entry: save RBP, R12-R15, load r0-r10 and the fuel, jump to the resume point; common exit\n")
	listing(&b, p.code, 0, p.entry)
	for i, ins := range p.layout.Insns {
		fmt.Fprintf(&b, "; %d: %s\n", i, asm.Format(ins))
		listing(&b, p.code, p.offsets[i], p.offsets[i+1])
	}
	b.WriteString("; stubs: exits to Go (fuel, faults, helpers)\n")
	listing(&b, p.code, p.offsets[len(p.layout.Insns)], len(p.code))
	return b.String()
}

// listing decodes code[from:to].
func listing(b *strings.Builder, code []byte, from, to int) {
	for pc := from; pc < to; {
		inst, err := x86asm.Decode(code[pc:to], 64)
		if err != nil {
			fmt.Fprintf(b, "%6x  %x  (undecodable: %v)\n", pc, code[pc], err)
			pc++
			continue
		}
		fmt.Fprintf(b, "%6x  %-30x %s\n", pc, code[pc:pc+inst.Len], x86asm.IntelSyntax(inst, uint64(pc), nil))
		pc += inst.Len
	}
}
