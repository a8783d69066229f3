package loader

// Relocations of the code sections (libbpf's bpf_program__record_reloc and
// bpf_object__relocate_data). A .rel<section> section of type SHT_REL
// lists 16-byte entries (ELF gABI, "Relocation"): r_offset, the byte of
// the section to patch, and r_info, the symbol (high 32 bits) and the type
// (low 32; R_BPF_64_64 on lddw, R_BPF_64_32 on calls). BPF uses REL, not
// RELA: the addend is what the instruction already holds. The instruction
// decides what the relocation means, then the symbol's section:
//
//	lddw -> "maps" or ".maps"     src=1 (BPF_PSEUDO_MAP_FD), imm = map index
//	lddw -> .data/.rodata/.bss    src=2 (BPF_PSEUDO_MAP_VALUE), imm = map index,
//	                              second imm = st_value + the lddw's imm
//	call src=1 -> code section    target slot = st_value/8 + imm + 1 in it
//
// Calls without a relocation stay in their own section (resolveCalls).

import (
	"debug/elf"
	"encoding/binary"
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

const relEntryLen = 16 // Elf64_Rel

// Relocation types of code (LLVM's BPF ELF relocation types,
// Documentation/bpf/llvm_reloc.rst). R_BPF_64_ABS64, ABS32 and NODYLD32
// only patch data (.BTF, .BTF.ext, DWARF), which the loader does not read.
const (
	relNone  = 0  // R_BPF_NONE
	rel64_64 = 1  // R_BPF_64_64: lddw
	rel64_32 = 10 // R_BPF_64_32: call
)

// rel is one Elf64_Rel entry.
type rel struct {
	off uint64
	sym uint32
	typ uint32
}

func (l *objLoader) applyRelocations() error {
	for _, sec := range l.f.Sections {
		target := l.section(elf.SectionIndex(sec.Info))
		if (sec.Type != elf.SHT_REL && sec.Type != elf.SHT_RELA) || target == nil || !isCode(target) {
			continue
		}
		if sec.Type == elf.SHT_RELA {
			return fmt.Errorf("section %q: RELA relocations for code are %w (BPF objects use REL)", sec.Name, ErrUnsupported)
		}
		if err := l.applySection(sec, elf.SectionIndex(sec.Info), target); err != nil {
			return fmt.Errorf("section %q: %w", sec.Name, err)
		}
	}
	return nil
}

// applySection applies the entries of one relocation section.
func (l *objLoader) applySection(sec *elf.Section, idx elf.SectionIndex, target *elf.Section) error {
	data, err := sectionData(sec)
	if err != nil {
		return err
	}
	if len(data)%relEntryLen != 0 {
		return fmt.Errorf("%d bytes is not a whole number of %d-byte entries", len(data), relEntryLen)
	}
	for i := 0; i < len(data); i += relEntryLen {
		info := binary.LittleEndian.Uint64(data[i+8:])
		r := rel{off: binary.LittleEndian.Uint64(data[i:]), sym: uint32(info >> 32), typ: uint32(info)}
		if r.typ == relNone {
			continue
		}
		if err := l.applyOne(r, idx, target); err != nil {
			return fmt.Errorf("entry %d (offset %#x): %w", i/relEntryLen, r.off, err)
		}
	}
	return nil
}

// applyOne applies one relocation to the instruction at r.off of target.
func (l *objLoader) applyOne(r rel, idx elf.SectionIndex, target *elf.Section) error {
	if r.typ != rel64_64 && r.typ != rel64_32 {
		return fmt.Errorf("relocation type %d in code (want R_BPF_64_64 = 1 or R_BPF_64_32 = 10)", r.typ)
	}
	if r.off%ebpf.SlotSize != 0 || r.off >= target.Size {
		return fmt.Errorf("offset is not an instruction of %q (%d bytes)", target.Name, target.Size)
	}
	if r.sym == 0 || int(r.sym) > len(l.syms) {
		return fmt.Errorf("symbol index %d outside the symbol table (1-%d)", r.sym, len(l.syms))
	}
	fn, i, err := l.functionAt(idx, r.off/ebpf.SlotSize)
	if err != nil {
		return err
	}
	sym := l.syms[r.sym-1]
	ins := &fn.prog.Insns[i]
	where := fmt.Sprintf("function %q instruction %d", fn.name, i)
	switch _, twice := fn.callAt[i]; {
	case twice || (ins.IsLDDW() && ins.Src != ebpf.PseudoImm64):
		err = fmt.Errorf("relocated twice, or an lddw already in pseudo form (src %d)", ins.Src)
	case ins.IsLDDW():
		err = l.relocateLDDW(fn, i, sym)
	case ins.IsLocalCall():
		err = l.relocateCall(fn, i, sym)
	case ins.Class() == ebpf.ClassJMP && ins.JumpOp() == ebpf.JumpCall:
		err = fmt.Errorf("call of symbol %q: kfuncs and extern functions are %w", sym.Name, ErrUnsupported)
	default:
		err = fmt.Errorf("relocation on opcode %#02x, which is neither lddw nor a call", ins.Opcode)
	}
	if err != nil {
		return fmt.Errorf("%s: %w", where, err)
	}
	return nil
}

// relocateLDDW turns lddw i of fn into a reference to a map or to global
// data.
func (l *objLoader) relocateLDDW(fn *function, i int, sym elf.Symbol) error {
	ins := &fn.prog.Insns[i]
	sec := l.section(sym.Section)
	if sec == nil {
		return fmt.Errorf("symbol %q is undefined (extern variables are %w)", sym.Name, ErrUnsupported)
	}
	if m, ok := l.dataOf[sym.Section]; ok {
		off := sym.Value + uint64(uint32(ins.Imm))
		if off > sec.Size {
			return fmt.Errorf("offset %d into %q is past its %d bytes", off, sec.Name, sec.Size)
		}
		name := sym.Name
		if name == "" { // a section symbol: string literals, static data
			name = sec.Name
		}
		*ins = mapInsn(*ins, ebpf.PseudoMapValue, m, uint32(off))
		fn.relocs = append(fn.relocs, Reloc{Insn: i, Kind: RelocMapValue, Map: m, Offset: uint32(off), Symbol: name})
		return nil
	}
	if isCode(sec) {
		return fmt.Errorf("lddw of function %q (a callback pointer) is %w", sym.Name, ErrUnsupported)
	}
	m, ok := l.mapAt[symAt{sym.Section, sym.Value}]
	if !ok {
		return fmt.Errorf("symbol %q at %q+%d is neither a map definition nor global data", sym.Name, sec.Name, sym.Value)
	}
	*ins = mapInsn(*ins, ebpf.PseudoMapFD, m, 0)
	fn.relocs = append(fn.relocs, Reloc{Insn: i, Kind: RelocMap, Map: m, Symbol: l.obj.Maps[m].Name})
	return nil
}

// mapInsn is ins as the kernel's pseudo lddw of map index m: src names
// the form, imm the map, and the second half's imm the offset in the value.
func mapInsn(ins ebpf.Instruction, src uint8, m int, off uint32) ebpf.Instruction {
	ins.Src = src
	ins.Imm = int32(m)
	ins.Imm64 = int64(uint64(uint32(m)) | uint64(off)<<32)
	return ins
}

// relocateCall records where call i of fn goes: a function symbol, or a
// section symbol plus the offset already in imm.
func (l *objLoader) relocateCall(fn *function, i int, sym elf.Symbol) error {
	sec := l.section(sym.Section)
	if sec == nil || !isCode(sec) {
		return fmt.Errorf("call target %q is not in a code section", sym.Name)
	}
	if sym.Value%ebpf.SlotSize != 0 {
		return fmt.Errorf("call target %q at %#x is not on an instruction", sym.Name, sym.Value)
	}
	slot := int64(sym.Value/ebpf.SlotSize) + int64(fn.prog.Insns[i].Imm) + 1
	if slot < 0 {
		return fmt.Errorf("call target %q%+d lands before its section", sym.Name, fn.prog.Insns[i].Imm)
	}
	fn.callAt[i] = symAt{sym.Section, uint64(slot)}
	return nil
}
