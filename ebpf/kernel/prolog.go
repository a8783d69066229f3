package kernel

// The instructions Load puts in front of a program (see the package
// comment): the 9-slot XDP prolog of bpf_conformance's runner, and, unless
// Options.Retval32, the 5-slot main that calls prolog + program as a
// function and stores its 64-bit r0 in the result map.

import (
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// MaxMemLen bounds Options.MemLen. The kernel's own limit for an XDP test
// packet is lower (a page less headroom and tail room, 3520 bytes on
// x86-64); it reports that one itself.
const MaxMemLen = 4096

// PrologSlots is the length of the XDP prolog in slots.
const PrologSlots = 9

// WrapperSlots is the length of the result wrapper in slots.
const WrapperSlots = 5

// prologSource is bpf_conformance's _generate_xdp_prolog in our syntax;
// both %d are the memory length.
const prologSource = `
	mov %%r0, -1
	mov %%r6, %%r1
	ldxw %%r1, [%%r6+0]
	ldxw %%r2, [%%r6+4]
	mov %%r3, %%r1
	add %%r3, %d
	jle %%r3, %%r2, +1
	exit
	mov %%r2, %d
`

// wrapperSource calls the function 4 slots on (the prolog) and stores its
// r0 at the address the lddw is patched to load: the result map's value.
const wrapperSource = `
	call local +4
	lddw %r1, 0
	stxdw [%r1+0], %r0
	exit
`

// Prolog returns bpf_conformance's XDP prolog for memLen bytes of memory:
// r1 = data after proving data + memLen <= data_end, r2 = memLen. Put in
// front of a corpus program, it makes an XDP program of it, as the kernel
// runs the corpus; the verifier's tests and the bench use it too.
func Prolog(memLen int) []ebpf.Instruction {
	insns, err := asm.Assemble(fmt.Sprintf(prologSource, memLen, memLen))
	if err != nil || ebpf.NewProgram(insns).NumSlots() != PrologSlots {
		panic(fmt.Sprintf("BUG: kernel: the XDP prolog does not assemble to %d slots: %v", PrologSlots, err))
	}
	return insns
}

// wrapper returns the result wrapper storing r0 into the first value of
// the array map with file descriptor mapFD.
func wrapper(mapFD int) []ebpf.Instruction {
	insns, err := asm.Assemble(wrapperSource)
	if err != nil || ebpf.NewProgram(insns).NumSlots() != WrapperSlots {
		panic(fmt.Sprintf("BUG: kernel: the result wrapper does not assemble to %d slots: %v", WrapperSlots, err))
	}
	// BPF_PSEUDO_MAP_VALUE: imm is the map's fd, the second slot's imm the
	// offset into its value (0).
	insns[1].Src = ebpf.PseudoMapValue
	insns[1].Imm = int32(mapFD)
	insns[1].Imm64 = int64(uint32(mapFD))
	return insns
}
