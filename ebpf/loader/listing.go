package loader

// A program listing in the shape of `llvm-objdump -d` (LLVM 19): a label
// per function, then one line per instruction with its slot, its bytes
// (16 for lddw) and the kernel/LLVM syntax of ebpf/asm.FormatLLVM. Where
// objdump prints the raw relocation on a line of its own, the listing
// shows what the loader made of it:
//
//	r1 = map[proto_count] ll                  lddw src=1, map by index
//	r1 = map_value[.rodata]+0x0 ll <drop_udp_port>   lddw src=2
//	call 0x5 <sum>                            bpf-to-bpf call, linked
//
// Unlike objdump, which lists sections, the listing is of a linked
// program: its subprograms follow it, and call offsets are final.

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// Disassemble lists program p of o.
func (o *Object) Disassemble(p *Program) string {
	var b strings.Builder
	relocs := map[int]Reloc{}
	for _, r := range p.Relocs {
		relocs[r.Insn] = r
	}
	funcs := map[int]string{}
	for _, f := range p.Funcs {
		funcs[f.Insn] = f.Name
	}
	slot := 0
	for i, ins := range p.Insns {
		if name, ok := funcs[i]; ok {
			if i > 0 {
				b.WriteByte('\n')
			}
			fmt.Fprintf(&b, "%016x <%s>:\n", slot*ebpf.SlotSize, name)
		}
		fmt.Fprintf(&b, "%8d:\t%s\t%s\n", slot, hexBytes(ins), o.formatInsn(ins, relocs[i], i))
		slot += ins.Slots()
	}
	return b.String()
}

// hexBytes is the instruction's encoding as objdump prints it.
func hexBytes(ins ebpf.Instruction) string {
	code := ebpf.Encode(nil, []ebpf.Instruction{ins})
	parts := make([]string, len(code))
	for i, c := range code {
		parts[i] = fmt.Sprintf("%02x", c)
	}
	return strings.Join(parts, " ")
}

// formatInsn prints one instruction, annotated with its relocation.
func (o *Object) formatInsn(ins ebpf.Instruction, r Reloc, i int) string {
	switch r.Kind {
	case RelocCall:
		return asm.FormatLLVM(ins) + " <" + r.Symbol + ">"
	case RelocMap:
		return fmt.Sprintf("r%d = map[%s] ll", ins.Dst, o.mapName(r.Map))
	case RelocMapValue:
		return fmt.Sprintf("r%d = map_value[%s]+%#x ll <%s>", ins.Dst, o.mapName(r.Map), r.Offset, r.Symbol)
	}
	return asm.FormatLLVM(ins)
}

func (o *Object) mapName(i int) string {
	if i < 0 || i >= len(o.Maps) {
		return fmt.Sprintf("#%d", i)
	}
	return o.Maps[i].Name
}
