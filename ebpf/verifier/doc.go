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
//  2. Scalars (bounds.go): a tnum plus unsigned and signed intervals over
//     64 and 32 bits, which tighten each other (reg_bounds_sync).
//  3. Arithmetic on scalars (scalar_alu.go): each ALU64/ALU32 operation's
//     transfer function (adjust_scalar_min_max_vals).
//  4. Branches (branch.go): what each outcome of a conditional jump
//     teaches about its operands, and when the outcome is known
//     (reg_set_min_max, is_branch_taken).
//
// Each is tested for soundness the same way: random small sets of
// concrete values, their abstraction, the operation applied to both, and
// every concrete result must lie in the abstract one.
//
// Still to come, in the order the kernel applies them: register types and
// pointer arithmetic, stack slots, the walk over all paths with state
// pruning, helper prototypes, and the log.
package verifier
