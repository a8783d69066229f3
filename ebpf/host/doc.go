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
//     address (link.go; the kernel's resolve_pseudo_ldimm64); then
//     compiles it on the chosen Engine with the helper table of its Kind
//     (helpers.go).
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
