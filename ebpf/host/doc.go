// Package host is the kernel's side of article 4's eBPF runtime: what
// happens around the instructions that ebpf/interp and ebpf/jit execute.
// It binds an object's maps into its programs, implements the helpers,
// provides the XDP, socket-filter and TC hooks with their contexts,
// follows tail calls, and runs programs the way bpf(BPF_PROG_TEST_RUN)
// does, so that the same program and packet give the same verdict, packet
// and maps here as in Linux (kernel_test.go, object_test.go and
// random_test.go check that against the kernel).
//
// How a program gets from an object file to a verdict:
//
//  1. NewCollection takes the object's maps (ebpf/maps) in the order its
//     map indexes count them and gives each map with values a region of
//     the engines' address space: its Memory() slab (link.go).
//     NewObjectCollection makes them from an ebpf/loader object first,
//     global data included (object.go).
//  2. Collection.Load links a program: pseudo 64-bit loads naming a map
//     become its handle, those naming a map value become the value's
//     address (link.go; the kernel's resolve_pseudo_ldimm64); patches
//     array lookups and tail calls (steps 1-2 below); then compiles it on
//     the chosen Engine with the helper table of its Kind (helpers.go).
//  3. A run (RunXDP, RunSocketFilter, RunTC, TestRun) lays the packet out
//     in a page-sized frame in window 0 of the address space, below 4 GiB,
//     so that the 32-bit data and data_end of xdp_md and __sk_buff are
//     addresses the program can use (xdp.go, skb.go; interp's packet.go),
//     and runs the program on a CPU no other run holds (cpu.go) with a
//     per-run state its helpers share.
//  4. Helpers (helpers*.go, trace.go, tailcall.go) reach the program's
//     memory through interp.Env with the program's own bounds checks; the
//     XDP adjust helpers move the packet window's bounds, which both
//     engines see at the next access.
//  5. bpf_tail_call ends the current program with a sentinel error that
//     the run loop catches to start the target (tailcall.go), at most
//     MaxTailCalls times per run.
//
// What a run costs, and what Load and the hooks do to make it cheap, in
// the kernel's own terms (BenchmarkRunXDP, BenchmarkTailCall; docs/ebpf.md
// has the figures):
//
//  1. Array lookups never leave the program: a bpf_map_lookup_elem whose
//     map a local analysis proves to be an array or a per-CPU array (the
//     program is then compiled once per CPU, each with its CPU's copy),
//     with its key on the stack, is replaced at load time by the
//     instructions that compute the value's address, as the verifier's
//     do_misc_fixups does with array_map_gen_lookup and
//     percpu_array_map_gen_lookup (kernel/bpf/verifier.c,
//     kernel/bpf/arraymap.c); the patcher re-targets the branches across
//     each site as bpf_patch_insn_single's adjust_jmp_off does, and errors
//     still name the instructions of the program as written (inline.go,
//     patch.go).
//  2. A tail call in a program without local calls is followed by an exit
//     that the helper's 0 takes, so the run loop starts the target without
//     an error to build (tailcall.go, step 4); the kernel's JIT jumps to
//     the target (emit_bpf_tail_call_indirect in
//     arch/x86/net/bpf_jit_comp.c), the run loop is our jump.
//  3. A pooled frame is cleared only where runs could have written: the
//     packet window's extent over the runs, which the adjust helpers widen
//     (xdp.go, step 4), so that every packet finds the zeroed frame of
//     bpf_test_init's kzalloc (net/bpf/test_run.c) for the price of its
//     own bytes, not of 8 KiB.
//  4. TestRun takes a CPU once for all its repeats, as bpf_test_run's
//     bpf_test_timer_enter disables migration once (testrun.go, cpu.go).
//
// What is left is the engines' entry for each run and an exit to Go for
// each hash-map helper (ebpf/jit's doc): the kernel calls
// htab_map_lookup_elem natively, our generated code cannot call Go.
//
// Why maps are regions and not host pointers: the engines cannot hand a
// program a Go pointer (memory.go of interp: a made-up address space with
// one 4 GiB window per region), so a map value is reached as
// RegionAddr(map's region) + offset in its slab, and the slab never moves
// (maps.Elems). A map itself is never dereferenced by a program, only
// passed to helpers: its handle lies outside every window, so a program
// that reads through it faults instead of reading a kernel struct bpf_map.
// The cost is one region per map: at most interp.MaxRegions (13) maps with
// values per collection.
//
// Why the packet lives in window 0 at 0x1000: the kernel rewrites loads of
// xdp_md.data into loads of a 64-bit pointer; we have no such rewrite (it
// is the verifier's job, issue 04), so the 32-bit value must itself be the
// address. Window 0 was unmapped so that NULL faults; with the packet
// there, the window's lower bound (the packet's data) keeps NULL and small
// integers faulting.
//
// What differs from the kernel, on purpose or not yet: see docs/ebpf.md
// ("Not done yet") and the comments of each file.
package host
