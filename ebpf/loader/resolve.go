package loader

// Turning map indexes into what an execution environment uses. A loaded
// program's map lddws carry indexes into Object.Maps (relocations.go);
// before it runs:
//
//   - the kernel wants the pseudo forms with file descriptors: WithFDs
//     keeps src 1 and 2 and puts fds[index] in imm (libbpf's
//     bpf_object__relocate_data once the maps exist);
//   - an engine without file descriptors (our interpreter and JIT, whose
//     Validate accepts only src 0) wants plain 64-bit constants: Resolve
//     asks for the constant of each relocated lddw (a map handle, or the
//     address of a map value plus the relocation's offset) and writes it
//     with src 0.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
)

// WithFDs returns a copy of p.Insns whose map references name fds[i] for
// Object.Maps[i], in the kernel's pseudo form.
func (p *Program) WithFDs(fds []int) ([]ebpf.Instruction, error) {
	out := append([]ebpf.Instruction(nil), p.Insns...)
	for _, r := range p.Relocs {
		if r.Kind == RelocCall {
			continue
		}
		if r.Map < 0 || r.Map >= len(fds) {
			return nil, fmt.Errorf("loader: program %q instruction %d: map %d has no fd (%d given)", p.Name, r.Insn, r.Map, len(fds))
		}
		src := uint8(ebpf.PseudoMapFD)
		if r.Kind == RelocMapValue {
			src = ebpf.PseudoMapValue
		}
		out[r.Insn] = mapInsn(out[r.Insn], src, fds[r.Map], r.Offset)
	}
	return out, nil
}

// Resolve returns a copy of p.Insns in which every map reference is the
// plain constant value(r) (src 0).
func (p *Program) Resolve(value func(Reloc) (uint64, error)) ([]ebpf.Instruction, error) {
	out := append([]ebpf.Instruction(nil), p.Insns...)
	for _, r := range p.Relocs {
		if r.Kind == RelocCall {
			continue
		}
		v, err := value(r)
		if err != nil {
			return nil, fmt.Errorf("loader: program %q instruction %d (%s): %w", p.Name, r.Insn, r.Symbol, err)
		}
		ins := &out[r.Insn]
		ins.Src, ins.Imm64, ins.Imm = ebpf.PseudoImm64, int64(v), int32(uint32(v))
	}
	return out, nil
}
