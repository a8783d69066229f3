// Package jit is the eBPF JIT compiler of article 4: it translates RFC 9669
// bytecode into x86-64 machine code that runs inside the Go process, and
// agrees with the interpreter (ebpf/interp), its reference, bit for bit:
// the same r0, the same memory effects, the same errors at the same
// instructions, down to the instruction at which the budget runs out.
//
// How a program is compiled (Compile) and run (Run):
//
//  1. Validate (ebpf.Validate), resolve helper ids to slots (compile.go).
//  2. Cut the program into segments (segment.go): runs of instructions
//     entered only at the first and stoppable only at the last, where the
//     code charges the instruction budget.
//  3. Map the eBPF registers onto x86 registers for the whole program
//     (gen.go): r0-r9 to RBX, RSI, RCX, R8-R11, R13-R15, and r10 to RBP
//     as the host address of the frame top. RDI keeps the machine (the
//     context struct), R12 the fuel; RAX and RDX are scratch.
//  4. Emit each instruction with the encoder of internal/amd64 (alu.go,
//     jump.go, memory.go, atomic.go, legacy.go), after an entry and a
//     common exit (gen.go); faults and exits to Go go to out-of-line stubs.
//  5. Copy the code into W^X memory (internal/execmem).
//  6. Run takes an idle machine (machine.go): registers, the 8 512-byte
//     stack frames (of which it zeroes what the last run can have written),
//     the region table, the fuel. It calls the code
//     with the machine in RDI; the code returns an exit reason and Go
//     services it (run.go): fuel ran short (hand out more, or ErrBudget),
//     a helper call (call it and re-enter), a fault (build interp's error
//     from the saved registers), exit.
//
// The rules of DESIGN.md ("Generated machine code inside a Go process"):
// generated code never faults (every access is bounds-checked against the
// region table, division checks its divisor, atomics their alignment),
// never calls Go (helpers are exits), never holds the goroutine for long
// (the fuel forces a return to Go every fuelSlice instructions, where Go's
// stop-the-world can catch the goroutine), and pushes 40 bytes.
//
// Why this register map. The Linux JIT (arch/x86/net/bpf_jit_comp.c) puts
// r0 in RAX and r1-r5 in the SysV argument registers so that a helper call
// is a native call; ours never calls natively, so nothing favours those.
// What costs instructions here is x86's implicit operands: DIV and MUL use
// RDX:RAX, CMPXCHG uses RAX, shifts by a register use CL. Keeping RAX and
// RDX out of the map makes them the scratch pair every sequence needs
// (address translation, division) with no save and restore; RCX holds r2,
// and a shift by another register swaps it through RAX. With RDI for the
// machine (where execmem passes it) and R12 for the fuel (a register, so
// the charge is one subtraction), all 15 registers are used and no eBPF
// register ever lives in memory. r10 is kept as a host address because
// what programs do with r10 is address their stack: [r10-8] is then one
// instruction with no check (memory.go); reading r10 as a value, which is
// rarer, costs a subtraction.
//
// What a caller sees that differs from interp: nothing in results or
// errors; Run is faster (BenchmarkLoops) and costs more to start (an
// mmap per Compile; Close or the garbage collector frees it).
//
// Packets (packet.go): RunPacket maps a packet at window 0 as interp's
// RunPacket does; the helpers that move its bounds change the Space, and
// the table follows after each helper exit.
//
// Not done: what interp does not do either (calls by BTF id; linking, maps
// and tail calls are ebpf/host's, over either engine); no register allocation or
// optimisation across instructions beyond the r10 fast path and the
// per-segment budget charge; no constant blinding (a defence against JIT
// spraying by unprivileged users in the kernel); code is not shared
// between Programs compiled from the same bytecode.
package jit
