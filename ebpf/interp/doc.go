// Package interp is the eBPF interpreter of article 4: it runs RFC 9669
// bytecode in Go, checks every memory access, and is the reference the JIT
// and the verifier are tested against.
//
// How a program runs:
//
//  1. Compile (compile.go) validates the instructions (ebpf.Validate),
//     then predecodes them once: each opcode, refined by its offset or imm
//     where RFC 9669 says so, becomes one of ~150 compact operations
//     (ops.go); branch targets become instruction indexes; helper ids
//     become slots. The result is a []inst of 16-byte entries.
//  2. Run (machine.go) takes a machine from a pool, zeroes registers and
//     stack, and points r1 at the context (r2 = its length).
//  3. The dispatch loop (run.go) switches on the compact operation of each
//     instruction; Go compiles the switch into a jump table. A function per
//     operation, or a closure per instruction, measured slower (run.go).
//  4. Every load and store translates a 64-bit program address into a
//     region (stack, context, Options.Regions) and checks its bounds
//     (memory.go); a bad access stops the run with a *RunError naming the
//     instruction. The checks are always on: there is no unchecked mode,
//     and this is the checking mode the verifier's tests use as an oracle.
//     Only accesses through r10 inside the current frame, which no check
//     could refuse, index the stack directly (frame.go).
//  5. Local calls push a frame with its own 512-byte stack and the caller's
//     r6-r9, at most 8 deep; helper calls go through Options.Helpers
//     (calls.go). Atomics (atomic.go) and legacy packet loads (legacy.go)
//     have their own files. RunPacket (packet.go) adds a packet at window 0
//     whose bounds helpers may move, for the hooks of ebpf/host.
//  6. A budget of executed instructions (Options.Budget, DefaultBudget)
//     ends runaway loops with ErrBudget.
//
// Semantics chosen where sources differ: shifts by an immediate >= the
// width or negative are masked (RFC 9669; the kernel verifier rejects such
// programs, the conformance suite expects masking); INT_MIN / -1 = INT_MIN
// and INT_MIN % -1 = 0 (Go, the kernel since 2025, the suite); a legacy
// packet load outside the packet ends the program with r0 = 0 (the
// kernel), also from inside a callee (the kernel forbids mixing the two).
//
// Not done yet: calls by BTF id. What the kernel adds around the
// instructions is ebpf/host's: linking lddw's pseudo sources other than 0,
// maps and their helpers (interp.Helper over Env), tail calls, the XDP and
// skb contexts.
package interp
