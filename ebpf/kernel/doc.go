// Package kernel runs eBPF programs of package ebpf in the Linux kernel: the
// kernel's verifier and JIT are the oracle our interpreter (and JIT) are
// checked against, and the rival they are measured against. It is used by
// tests, benchmarks, `deepsys ebpf conformance --engine linux` and
// `deepsys ebpf test-run --engine linux` (object.go) only: it is the
// reference, not one of deepsys's engines.
//
// # BPF_PROG_TEST_RUN
//
// bpf(BPF_PROG_TEST_RUN) runs a loaded program on a buffer supplied from
// user space, without attaching it anywhere: for an XDP program the buffer
// becomes the packet (xdp_md.data .. xdp_md.data_end), the kernel runs the
// JIT-compiled program Repeat times and reports the 32-bit return value of
// the last run (retval, a __u32) and the mean time per run in whole
// nanoseconds (duration). The packet must be at least an Ethernet header
// (14 bytes). Loading goes through github.com/cilium/ebpf: our encoding is
// turned into its asm.Instructions by Unmarshal, byte for byte (a test
// checks the round trip over the conformance corpus).
//
// # From the conformance convention to xdp_md
//
// The conformance corpora run a program with r1 pointing at a memory
// buffer and r2 holding its length. An XDP program instead starts with r1
// pointing at its context, struct xdp_md { __u32 data; __u32 data_end; ...},
// whose first two fields the verifier rewrites into packet pointers. Load
// puts in front of the program the prolog of bpf_conformance's runner
// (lib/src/bpf_conformance.cc, _generate_xdp_prolog), with SIZE the length
// of the memory the program will be run on:
//
//	mov %r0, -1            r0 = -1: the answer if the packet is too short
//	mov %r6, %r1           r6 = ctx
//	ldxw %r1, [%r6+0]      r1 = ctx->data       (a packet pointer)
//	ldxw %r2, [%r6+4]      r2 = ctx->data_end
//	mov %r3, %r1
//	add %r3, SIZE
//	jle %r3, %r2, +1       data + SIZE <= data_end: SIZE bytes readable
//	exit
//	mov %r2, SIZE          r2 = the length, a constant the verifier knows
//
// The bounds check is what lets the verifier accept r1-relative loads and
// stores below SIZE. Jump offsets in the program are relative, so they
// are unaffected; the verifier log's instruction numbers are shifted by
// Program.Offset (the slots in front of the program). Unlike the upstream
// runner, the prolog is there for an empty memory too (SIZE 0): r1 and r2
// then mean the same as in our interpreter, and any access through r1 is
// refused. The prolog leaves r0 = -1, r3 = data+SIZE and r6 = ctx; our
// interpreter starts them at 0, so a program that reads them before
// writing them differs (the verifier refuses reads of r4, r5, r7-r9).
//
// # r0 is 64 bits, retval is 32
//
// BPF_PROG_TEST_RUN reports retval as a __u32, the width of an XDP verdict.
// The current bpf_conformance libbpf plugin gets all 64 bits of r0 the way
// this package does by default: the program becomes a bpf-to-bpf function
// called by a 5-slot main that stores the callee's r0 into a one-element
// array map, read back after the run:
//
//	call local +4          call the prolog + program
//	lddw %r1, map_value    r1 = &result[0] (BPF_PSEUDO_MAP_VALUE, src 2)
//	stxdw [%r1+0], %r0
//	exit
//
// (KERNEL_6.18_RESULTS_v4.txt was measured that way: be64.data, which
// expects 0x1122334455667788, passes.) Options.Retval32 loads the prolog
// and program alone, as an attached XDP program would run, and reports
// r0's low 32 bits: the form the benchmarks time.
//
// What the kernel refuses that our interpreter runs: shift counts by an
// immediate >= the width or negative (RFC 9669 masks them; the verifier
// says "invalid shift"), callx, legacy packet loads (XDP is not an skb
// program), and the uBPF test helpers (a helper id means a kernel helper
// here: 5 is bpf_ktime_get_ns, not uBPF's unwind).
package kernel
