// Package ebpfbench measures our eBPF engines side by side with the Linux
// kernel's JIT on the same programs, for `deepsys ebpf bench`. It is
// benchmark code; the kernel is reached through ebpf/kernel.
//
// The workloads (programs/*.s, in our assembly syntax) run on one 64-byte
// Ethernet/IPv4/UDP packet, r1 pointing at it and r2 holding its length:
//
//   - arith: a tight loop, 1000 iterations of 5 ALU operations;
//   - stack: 1000 iterations of 3 loads and 3 stores to r10-relative slots;
//   - fnv: FNV-1a over the packet's 64 bytes, one packet load a byte;
//   - xdp: parse Ethernet + IPv4 + the UDP port, verify the IPv4 header
//     checksum and compute an XDP verdict (XDP_TX for this DNS packet).
//
// None uses a map or a helper. The fifth workload, XDP parse + map update,
// is a C program with maps and helpers run at the XDP hook (object.go).
// The sixth times verification, not runs: our verifier against the
// kernel's load on the test objects and the conformance corpus (verify.go).
//
// Method: the metric is ns per program run, lower is better, rounds
// interleaved by internal/bench. Every contestant is measured the same way:
//
//  1. A batch is n runs of the program on the packet, timed around the
//     whole loop of n, by a clock that stops while the CPU runs something
//     else: for deepsys jit and deepsys interp a loop of jit.Program.Run or
//     interp.Program.Run in this process (each r0 checked), by the CPU time
//     of its thread; for linux jit one BPF_PROG_TEST_RUN with repeat n of
//     the program loaded as an XDP program through ebpf/kernel (behind its
//     9-instruction prolog, Options.Retval32), by the kernel's own clock
//     around its loop, which leaves out the time the loop yielded the CPU
//     (it reports the mean in whole ns; the syscall itself costs 16-30 ms
//     here, engines.go).
//  2. n is calibrated once per contestant so that a batch lasts about
//     Config.Round/4; a round takes the fastest of 4 batches (interference
//     only adds time).
//  3. Each contestant also has an empty program, "mov r0, 0; exit" (on the
//     kernel behind the same prolog), loaded the same way and timed the
//     same way, with the same n and the same packet, right after the
//     workload in every round (bench.Contestant.Overhead). What the table
//     reports is the per-round difference: the program's time net of what
//     running any program costs on that engine — for our engines the Run
//     call (machine from the pool, stack and register reset, entry and exit
//     of the generated code or the dispatch loop) and the batch loop, for
//     the kernel the test-run loop and the prolog. The difference is the
//     program's instructions less the empty program's two, on every
//     engine. The gross and empty figures are in the second table and in
//     the JSON (deepsys_gross, deepsys_overhead, peer_gross,
//     peer_overhead).
//  4. For the interpreter, one more row per workload: its net ns per run
//     over the instructions a run executes less the empty program's
//     (interp.Program.RunCount counts them), against the goal of
//     3 ns per instruction (bench.Derived).
//
// Every engine's r0 is checked against the interpreter's when the
// workloads are built, so no contestant is timed computing something else.
package ebpfbench

import (
	"embed"
	"encoding/binary"
	"fmt"
	"slices"
	"time"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/internal/bench"
)

//go:embed programs/*.s
var programs embed.FS

// Program is one workload's program and the memory it runs on.
type Program struct {
	Name  string // the workload's name
	File  string // programs/<File>
	Insns []ebpf.Instruction
	Mem   []byte
}

// programList names the workloads in table order.
var programList = []struct{ name, file string }{
	{"arith loop (1000 iterations)", "arith.s"},
	{"stack loop (1000 iterations)", "stack.s"},
	{"fnv-1a over 64 bytes", "fnv.s"},
	{"xdp parse eth+ipv4+udp", "xdp.s"},
}

// Programs assembles the workloads' programs, each with its own copy of
// the packet.
func Programs() ([]Program, error) {
	var out []Program
	for _, p := range programList {
		src, err := programs.ReadFile("programs/" + p.file)
		if err != nil {
			return nil, fmt.Errorf("ebpfbench: %w", err)
		}
		insns, err := asm.Assemble(string(src))
		if err != nil {
			return nil, fmt.Errorf("ebpfbench: %s: %w", p.file, err)
		}
		out = append(out, Program{Name: p.name, File: p.file, Insns: insns, Mem: Packet()})
	}
	return out, nil
}

// Packet is the workloads' input: a 64-byte Ethernet frame carrying an
// IPv4/UDP datagram from 192.0.2.1 to 198.51.100.53, port 53 (DNS), with a
// correct IPv4 header checksum.
func Packet() []byte {
	pkt := make([]byte, 64)
	copy(pkt[0:], []byte{0x02, 0, 0, 0, 0, 0x02, 0x02, 0, 0, 0, 0, 0x01, 0x08, 0x00}) // dst, src MAC, IPv4
	ip := pkt[14:34]
	copy(ip, []byte{0x45, 0, 0, 50, 0x12, 0x34, 0x40, 0, 64, 17, 0, 0, 192, 0, 2, 1, 198, 51, 100, 53})
	binary.BigEndian.PutUint16(ip[10:], ipChecksum(ip))
	udp := pkt[34:]
	binary.BigEndian.PutUint16(udp[0:], 40000)
	binary.BigEndian.PutUint16(udp[2:], 53)
	binary.BigEndian.PutUint16(udp[4:], 30)
	for i := 42; i < len(pkt); i++ {
		pkt[i] = byte(i * 7)
	}
	return pkt
}

// ipChecksum is the Internet checksum of hdr (RFC 1071).
func ipChecksum(hdr []byte) uint16 {
	var sum uint32
	for i := 0; i+1 < len(hdr); i += 2 {
		sum += uint32(binary.BigEndian.Uint16(hdr[i:]))
	}
	for sum > 0xffff {
		sum = sum&0xffff + sum>>16
	}
	return ^uint16(sum)
}

// Config scales the workloads.
type Config struct {
	// Round is about how long one contestant's round lasts; default 40 ms.
	Round time.Duration
}

// Quick is a configuration for smoke runs and tests.
var Quick = Config{Round: 2 * time.Millisecond}

func (c Config) withDefaults() Config {
	if c.Round <= 0 {
		c.Round = 40 * time.Millisecond
	}
	return c
}

// InterpGoal is the goal for the interpreter, in ns per executed
// instruction (uBPF's interpreter: about 33).
const InterpGoal = 3

// Workloads builds one workload per program, every engine a contestant,
// with the interpreter's ns per instruction derived from it, then the
// object workload (object.go) and the verification workload (verify.go).
func Workloads(cfg Config) ([]bench.Workload, error) {
	cfg = cfg.withDefaults()
	progs, err := Programs()
	if err != nil {
		return nil, err
	}
	var out []bench.Workload
	for _, p := range progs {
		w := bench.Workload{Name: p.Name, Metric: "program run", Unit: "ns/run", Better: bench.LowerIsBetter}
		want, executed, err := interpCount(p)
		if err != nil {
			return nil, err
		}
		for _, e := range engines {
			c, err := contestant(e, p, want, cfg)
			if err != nil {
				return nil, fmt.Errorf("ebpfbench: %s on %s: %w", p.Name, e.name, err)
			}
			w.Contestants = append(w.Contestants, c)
		}
		w.Derived = []bench.Derived{{Name: p.Name + ", per instruction", Metric: "executed instruction", Unit: "ns/insn",
			Contestant: slices.IndexFunc(engines, func(e engine) bool { return e.name == "deepsys interp" }),
			Per:        float64(executed - emptyExecuted), Goal: InterpGoal}}
		out = append(out, w)
	}
	w, err := objectWorkload(cfg)
	if err != nil {
		return nil, err
	}
	v, err := verifyWorkload(cfg)
	if err != nil {
		return nil, err
	}
	return append(out, w, v), nil
}
