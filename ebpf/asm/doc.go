// Package asm is the text side of the eBPF instruction set of article 4
// (eBPF Internals): an assembler and two disassemblers for the encoding of
// package ebpf, and a reader for the .data test files of the two corpora
// the project runs against, bpf_conformance and uBPF.
//
// # Assembly syntax
//
// Assemble reads the syntax of uBPF and bpf_conformance, one instruction a
// line, registers %r0-%r10, "#" or "//" comments:
//
//	mov32 %r0, 0              add %r1, %r2            neg %r3
//	sdiv %r1, 3               smod32 %r1, %r2         movsx1664 %r0, %r1
//	be16 %r0                  le32 %r0                bswap64 %r0
//	lddw %r1, 0x1122334455667788
//	ldxw %r0, [%r1+4]         ldxsb %r0, [%r10-1]     stxdw [%r10-8], %r0
//	stw [%r1+2], 5            lock add [%r10-8], %r1  lock fetch xor32 [%r10-4], %r1
//	lock xchg [%r10-8], %r1   lock cmpxchg32 [%r10-4], %r1
//	ja +2                     jeq %r1, 0x20, +1       jne32 %r0, %r1, exit
//	ja32 far                  call 1                  call local func
//	call %r2                  exit                    ldabsw 0x3   ldindh %r1, 0x3
//	label:
//
// The mnemonic says the operation and the width: a "32" suffix is the ALU or
// JMP32 class, none is 64-bit; sdiv and smod are div and mod with offset 1;
// movsx<from><to> is a sign-extending move (movsx832: 8 bits into a 32-bit
// register); le/be/bswap carry their width; lock takes an optional fetch and
// an operation, add, or, and, xor, xchg or cmpxchg, with a 32 suffix for 4
// bytes. "call N" calls helper N, "call local L" a function at label L (or a
// +offset), "call runtime N" a kernel function, "call %rX" the helper whose
// id is in %rX (callx). ja32 (also spelled gotol) jumps with a 32-bit
// distance in imm. ldabs and ldind are the legacy packet loads, spelled as
// GNU as does. Aliases: swap16 for bswap16, callx for call %rX.
//
// Jump targets are labels or signed distances in 8-byte slots (lddw is two
// slots): "+0" falls through. A jump to "exit" with no label of that name
// goes to the first exit instruction, as in bpf_conformance. Immediates are
// decimal (signed, 32 bits) or hexadecimal (a 32-bit pattern: 0xffffffff is
// -1); anything out of range is an error, never truncated. Every error is
// an *Error naming the line and its text.
//
// # Disassembly
//
// Disassemble prints the same syntax, with jump distances rather than
// labels, so that Assemble(Disassemble(p)) == p for every well-formed
// program p; an instruction that is not well formed (an unknown opcode, or
// a field the instruction does not use left non-zero, RFC 9669 §3) prints as
// ".invalid 0x<word> # why", which Assemble rejects. DisassembleLLVM prints
// the kernel and LLVM syntax, C-like assignments, as llvm-objdump -d
// --mcpu=v4 does:
//
//	w0 = w3           r0 = *(u32 *)(r1 + 0x4)     r1 = 0x1122334455667788 ll
//	r5 s>>= 0x1       if r1 == 0x20 goto +0x1     lock *(u64 *)(r10 - 0x8) += r1
//	call 0x1          r0 = cmpxchg_64(r10 - 0x8, r0, r1)
//
// The first is the syntax of the conformance corpora and of this project's
// tests; the second is what clang, bpftool and the verifier log show.
//
// AssembleLLVM reads the second syntax back: what DisassembleLLVM and
// llvm-objdump print, with decimal or hexadecimal numbers, labels written
// "LBB0_2:" (LLVM) or "<out>:" (PREVAIL), "call bpf_map_lookup_elem" by
// helper name, "call pc+3" for a local call, ';', '#' or "//" comments, and
// the verifier log's spellings ("12: (18) r1 = 0x5" is lddw,
// "(r10 -8)", "atomic64_fetch_add", "goto pc+1"). LLVM's text drops two
// fields (a call's src, ldind's imm); apart from those,
// AssembleLLVM(DisassembleLLVM(p)) == p. Errors name line and column.
//
// # Test files
//
// ParseTestFile and ReadTestFile read the .data format ("-- asm", "-- raw",
// "-- mem", "-- result", "-- error", ...) of both corpora; TestFile.Program
// assembles or decodes the program and checks raw code is well formed.
package asm
