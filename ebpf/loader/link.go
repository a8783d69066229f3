package loader

// Linking bpf-to-bpf calls (libbpf's bpf_object__reloc_code). The kernel
// loads a program as one array of instructions, so every subprogram a
// program calls, directly or not, must follow it in that array, and each
// call's imm must become the slot distance from the call to its callee
// (RFC 9669 §4.3.2: the target is pc + imm + 1).
//
//  1. resolveCalls finds each local call's callee in the object: a
//     relocated call's target comes from its symbol (relocations.go); any
//     other call is relative to its own section: slot = the call's slot
//     in the section + imm + 1.
//  2. linkProgram lays the program out depth first in call order (the
//     program, its first callee, that callee's first callee, ...), as
//     libbpf appends subprograms, each function once per program: every
//     program gets its own copy of what it calls, so programs never share
//     code and each loads on its own.
//  3. Every call's imm is rewritten to the callee's slot in the layout, plus
//     the target's offset inside the callee (a call into the middle of a
//     function keeps its meaning), minus the call's slot + 1.

import (
	"debug/elf"
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// textSection is where clang puts functions that are not programs.
const textSection = ".text"

func (l *objLoader) resolveCalls() error {
	for _, fns := range l.funcs {
		for _, fn := range fns {
			if err := l.resolveFunctionCalls(fn); err != nil {
				return err
			}
		}
	}
	return nil
}

// resolveFunctionCalls fills fn.calls from its local call instructions.
func (l *objLoader) resolveFunctionCalls(fn *function) error {
	for i, ins := range fn.prog.Insns {
		if !ins.IsLocalCall() {
			continue
		}
		at, ok := fn.callAt[i]
		if !ok {
			slot := int64(fn.start) + int64(fn.prog.Slot(i)) + int64(ins.Imm) + 1
			if slot < 0 {
				return fmt.Errorf("section %q: function %q instruction %d: call target slot %d is before the section", fn.sec, fn.name, i, slot)
			}
			at = symAt{fn.secIdx, uint64(slot)}
		}
		callee, target, err := l.functionAt(at.sec, at.off)
		if err != nil {
			return fmt.Errorf("section %q: function %q instruction %d: bad call target: %w", fn.sec, fn.name, i, err)
		}
		fn.calls = append(fn.calls, call{insn: i, callee: callee, target: target})
	}
	return nil
}

// linkPrograms links every function outside .text as a program, in
// section order.
func (l *objLoader) linkPrograms() error {
	for i, sec := range l.f.Sections {
		if sec.Name == textSection {
			continue
		}
		for _, fn := range l.funcs[elf.SectionIndex(i)] {
			p, err := linkProgram(fn)
			if err != nil {
				return err
			}
			p.Type = progTypeOf(sec.Name)
			l.obj.Programs = append(l.obj.Programs, p)
		}
	}
	return nil
}

// linkProgram lays out main and what it calls (steps 2 and 3).
func linkProgram(main *function) (*Program, error) {
	order := callOrder(main)
	startSlot := map[*function]int{}
	p := &Program{Name: main.name, Section: main.sec}
	slot := 0
	for _, fn := range order {
		startSlot[fn] = slot
		p.Funcs = append(p.Funcs, Func{Name: fn.name, Insn: len(p.Insns)})
		p.Insns = append(p.Insns, fn.prog.Insns...)
		slot += fn.prog.NumSlots()
	}
	for k, fn := range order {
		base := p.Funcs[k].Insn
		for _, r := range fn.relocs {
			r.Insn += base
			p.Relocs = append(p.Relocs, r)
		}
		for _, c := range fn.calls {
			from := startSlot[fn] + fn.prog.Slot(c.insn)
			to := startSlot[c.callee] + c.callee.prog.Slot(c.target)
			p.Insns[base+c.insn].Imm = int32(to - from - 1)
			p.Relocs = append(p.Relocs, Reloc{Insn: base + c.insn, Kind: RelocCall, Symbol: c.callee.name})
		}
	}
	sortRelocs(p.Relocs)
	if len(p.Insns) > 0 && ebpf.NewProgram(p.Insns).NumSlots() != slot {
		return nil, fmt.Errorf("BUG: linked %q to %d slots, expected %d", main.name, ebpf.NewProgram(p.Insns).NumSlots(), slot)
	}
	return p, nil
}

// callOrder is main and every function it reaches, depth first in the
// order of the calls.
func callOrder(main *function) []*function {
	var order []*function
	seen := map[*function]bool{}
	var visit func(fn *function)
	visit = func(fn *function) {
		if seen[fn] {
			return
		}
		seen[fn] = true
		order = append(order, fn)
		for _, c := range fn.calls {
			visit(c.callee)
		}
	}
	visit(main)
	return order
}

// sortRelocs orders relocations by instruction (insertion sort: they are
// nearly sorted already, a few per function).
func sortRelocs(rs []Reloc) {
	for i := 1; i < len(rs); i++ {
		for j := i; j > 0 && rs[j].Insn < rs[j-1].Insn; j-- {
			rs[j], rs[j-1] = rs[j-1], rs[j]
		}
	}
}
