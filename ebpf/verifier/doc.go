// Package verifier is the eBPF verifier of article 4: it proves, before a
// program runs, that every path through it is safe, by abstract
// interpretation over all paths in the way Linux's kernel/bpf/verifier.c
// does.
//
// This is the start of issue 04. What exists:
//
//  1. Tracked numbers (tnum.go): a value some of whose bits are known, the
//     kernel's kernel/bpf/tnum.c domain (Vishwanathan et al., "Sound,
//     Precise, and Fast Abstract Interpretation with Tristate Numbers",
//     CGO 2022), with each ALU operation's abstract transfer function.
//
// Still to come, in the order the kernel applies them: signed and unsigned
// 64- and 32-bit bounds and their refinement with the tnum
// (reg_bounds_sync), register types and pointer arithmetic, stack slots,
// the walk over all paths with state pruning, helper prototypes, and the
// log.
package verifier
