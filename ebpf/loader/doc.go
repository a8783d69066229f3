// Package loader reads eBPF ELF objects — what `clang -target bpf -c`
// writes — into programs and map definitions ready for an engine or for
// bpf(2): the user-space half of article 4's "how a program gets into the
// kernel", done as libbpf does it (tools/lib/bpf/libbpf.c,
// bpf_object__open and bpf_object__relocate), with the standard library's
// debug/elf for the ELF container.
//
// Load works in six steps:
//
//  1. Check the ELF header (ELF gABI, "ELF Header"): 64-bit, little-endian
//     (big-endian objects are refused as unsupported), relocatable,
//     e_machine EM_BPF (247). Read the symbol table and the "license"
//     section.
//  2. Collect map definitions, in libbpf's order (maps.go): the legacy
//     "maps" section of struct bpf_map_def (maps_legacy.go), the BTF-defined
//     maps of the ".maps" section, read through a small BTF parser (btf.go,
//     maps_btf.go; Documentation/bpf/btf.rst), and one single-entry array map
//     per global-data section, .data*, .rodata* and .bss, whose value is the
//     section (maps_data.go; .rodata* read-only to programs).
//  3. Split every executable section into functions at its STT_FUNC symbols
//     and decode each one (functions.go). Functions outside .text are
//     programs; those in .text are subprograms (libbpf's rule).
//  4. Apply the .rel<section> relocations (relocations.go): an lddw that
//     names a map becomes the kernel's pseudo form src=1
//     (BPF_PSEUDO_MAP_FD) with imm = the map's index in Object.Maps; an lddw
//     into global data becomes src=2 (BPF_PSEUDO_MAP_VALUE) with imm = the
//     map's index and the second half = the offset in the value (the
//     symbol's value plus the addend already in the instruction). A call
//     with src=1 (BPF_PSEUDO_CALL) gets its target function.
//  5. Link each program (link.go): append, depth first in call order, a copy
//     of every subprogram it reaches, and rewrite each call's imm to the
//     slot distance to its callee in the linked program (libbpf's
//     bpf_object__reloc_code). Every program is self-contained.
//  6. Name each program's type from its section (progtypes.go: "xdp",
//     "socket", "tc", ...).
//
// The maps' imm fields are indexes into Object.Maps; whoever creates the
// maps replaces them with file descriptors (the kernel) or handles (our
// engines), at the instructions Program.Relocs lists.
//
// Not done, and why: CO-RE relocations (.BTF.ext field relocations) need
// the target kernel's BTF (vmlinux) to rewrite field offsets, and our
// engines have no kernel types to relocate against; extern variables
// (.kconfig, ksyms) and kfuncs name kernel objects, so they are refused
// with ErrUnsupported rather than guessed; function pointers (lddw of a
// function, for bpf_loop callbacks), initial values of program arrays and
// map-in-map (the "values" member) and struct_ops are not used by any
// program here yet. Sections the loader does not need (.BTF.ext, DWARF,
// .llvm_addrsig) are ignored.
package loader
