package loader

// Functions: an executable section is split at its STT_FUNC symbols, each
// covering [st_value, st_value+st_size) in bytes. A section without any
// (hand-written assembly) is one function named after the section. Every
// function is decoded on its own, so instruction indexes and slots in a
// function start at 0; start is the function's first slot in its section,
// which call offsets and relocations are counted from.

import (
	"debug/elf"
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// function is one function of an executable section.
type function struct {
	name   string
	sec    string
	secIdx elf.SectionIndex
	start  uint64 // first slot in the section
	prog   *ebpf.Program
	relocs []Reloc // Insn relative to the function
	// callAt holds, for calls that had a relocation, the target's section
	// and slot in it; resolveCalls turns every local call into calls.
	callAt map[int]symAt
	calls  []call
}

// call is a resolved local call: the instruction, and where it goes.
type call struct {
	insn   int
	callee *function
	target int // instruction index in callee
}

// isCode reports whether sec holds instructions.
func isCode(sec *elf.Section) bool {
	return sec.Type == elf.SHT_PROGBITS && sec.Flags&elf.SHF_EXECINSTR != 0
}

func (l *objLoader) loadFunctions() error {
	for i, sec := range l.f.Sections {
		if !isCode(sec) || sec.Size == 0 {
			continue
		}
		fns, err := l.sectionFunctions(elf.SectionIndex(i), sec)
		if err != nil {
			return err
		}
		l.funcs[elf.SectionIndex(i)] = fns
	}
	return nil
}

// sectionFunctions decodes the functions of one executable section.
func (l *objLoader) sectionFunctions(idx elf.SectionIndex, sec *elf.Section) ([]*function, error) {
	data, err := sectionData(sec)
	if err != nil {
		return nil, err
	}
	if len(data)%ebpf.SlotSize != 0 {
		return nil, fmt.Errorf("section %q: %d bytes is not a whole number of 8-byte instructions (truncated?)", sec.Name, len(data))
	}
	syms := l.sortedSymbols(idx, func(s elf.Symbol) bool { return elf.ST_TYPE(s.Info) == elf.STT_FUNC })
	if len(syms) == 0 {
		syms = []elf.Symbol{{Name: sec.Name, Value: 0, Size: uint64(len(data))}}
	}
	var fns []*function
	for _, s := range syms {
		fn, err := decodeFunction(sec.Name, idx, s, data)
		if err != nil {
			return nil, err
		}
		if n := len(fns); n > 0 && fns[n-1].start+uint64(fns[n-1].prog.NumSlots()) > fn.start {
			return nil, fmt.Errorf("section %q: functions %q and %q overlap", sec.Name, fns[n-1].name, fn.name)
		}
		fns = append(fns, fn)
	}
	return fns, nil
}

// decodeFunction decodes the bytes of function symbol s.
func decodeFunction(secName string, idx elf.SectionIndex, s elf.Symbol, data []byte) (*function, error) {
	if s.Value%ebpf.SlotSize != 0 || s.Size%ebpf.SlotSize != 0 || s.Size == 0 {
		return nil, fmt.Errorf("section %q: function %q at %#x, %d bytes: not whole 8-byte instructions", secName, s.Name, s.Value, s.Size)
	}
	if s.Value > uint64(len(data)) || s.Size > uint64(len(data))-s.Value {
		return nil, fmt.Errorf("section %q: function %q [%#x, %#x) is past the section's end (%#x)", secName, s.Name, s.Value, s.Value+s.Size, len(data))
	}
	insns, err := ebpf.Decode(data[s.Value : s.Value+s.Size])
	if err != nil {
		return nil, fmt.Errorf("section %q: function %q: %w", secName, s.Name, err)
	}
	return &function{name: s.Name, sec: secName, secIdx: idx, start: s.Value / ebpf.SlotSize,
		prog: ebpf.NewProgram(insns), callAt: map[int]symAt{}}, nil
}

// functionAt finds the function of section idx that contains slot, and the
// instruction starting there.
func (l *objLoader) functionAt(idx elf.SectionIndex, slot uint64) (*function, int, error) {
	for _, fn := range l.funcs[idx] {
		if slot < fn.start || slot >= fn.start+uint64(fn.prog.NumSlots()) {
			continue
		}
		i, ok := fn.prog.Index(int(slot - fn.start))
		if !ok {
			return nil, 0, fmt.Errorf("slot %d is the second half of an lddw in function %q", slot, fn.name)
		}
		return fn, i, nil
	}
	name := "?"
	if sec := l.section(idx); sec != nil {
		name = sec.Name
	}
	return nil, 0, fmt.Errorf("no function of section %q contains slot %d", name, slot)
}
