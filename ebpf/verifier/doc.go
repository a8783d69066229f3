// Package verifier is the eBPF verifier of article 4: it proves, before a
// program runs, that every path through it is safe, by abstract
// interpretation over all paths in the way Linux's kernel/bpf/verifier.c
// does, and refuses it otherwise with the kernel's reason and the
// instruction at fault.
//
//	res, err := verifier.Verify(insns, verifier.Options{ProgType: loader.XDP, Maps: specs, LogLevel: 1})
//	var re *verifier.RejectError // err: Insn, Slot, Reason ("R1 invalid mem access 'scalar'"), Log
//
// How it works, from the bottom up:
//
//  1. Tracked numbers (tnum.go): a value some of whose bits are known, the
//     kernel's kernel/bpf/tnum.c domain (Vishwanathan et al., "Sound,
//     Precise, and Fast Abstract Interpretation with Tristate Numbers",
//     CGO 2022).
//  2. Scalars (bounds.go): a tnum plus unsigned and signed intervals over
//     64 and 32 bits, which tighten each other (reg_bounds_sync); ALU
//     transfer functions (scalar_alu.go) and branch refinement
//     (branch.go).
//  3. Registers (types.go): a type (scalar, or a pointer to the context,
//     stack, a map, a map value, the packet, ...), the number or the
//     pointer's fixed and variable offset, and ids tying registers
//     together for null checks, packet ranges and copies of one number.
//  4. States (state.go, stack.go): a frame per bpf-to-bpf call, each with
//     its registers and 512 bytes of stack tracked byte by byte, with
//     spilled registers kept whole.
//  5. Transfer functions: pointer arithmetic (ptr_alu.go), loads and
//     stores per pointer type (mem_access.go), the context per program
//     type (ctx_access.go), jumps with null checks and packet ranges
//     (jumps.go), helper calls against their prototypes and bpf-to-bpf
//     calls (helpers_proto.go, calls.go).
//  6. The walk (walk.go): the control-flow graph first (cfg.go: no dead
//     code; liveness.go: which registers are read later), then every path
//     depth first with a stack of pending branch states, pruned where a
//     verified state at the same instruction is at least as general on
//     what may still be read (prune.go; liveness.go's stack read marks),
//     within 1,000,000 processed instructions.
//  7. Errors and the log (errors.go, log.go) in the kernel's words and
//     format.
//
// What it is checked against: the kernel's own verdicts on the same
// programs (kernel_test.go's compareWithKernel: rule tables, the test
// objects, the bpf_conformance and uBPF corpora, random programs), and the
// checking interpreter, on which every accepted program must run without
// a memory fault (soundness_test.go, FuzzVerify); and PREVAIL's YAML
// test corpus, each case verified as a fragment from its given state
// (fragment.go, prevail_test.go). docs/ebpf.md has the counts and what is
// not done.
//
// It verifies as root does (CAP_BPF and CAP_PERFMON): Options.Unprivileged
// refuses reads of uninitialised stack, pointers stored into memory or
// returned, and pointer subtraction; the rest of the unprivileged rules
// (speculative-execution sanitation among them) is not done.
package verifier
