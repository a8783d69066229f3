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
// None uses a map or a helper: maps are not implemented in our engines
// yet (docs/ebpf.md, "Not done yet").
//
// Method: the metric is ns per program run, lower is better, rounds
// interleaved by internal/bench. Each contestant is calibrated once so
// that a round lasts about Config.Round.
//
//  1. deepsys jit (the figure the table calls deepsys) and deepsys interp:
//     jit.Program.Run and interp.Program.Run on the packet, timed
//     in-process over many runs (bench.NsPerOp). The time includes the
//     per-run entry cost (the JIT's register save and restore, about 120
//     ns; the interpreter's pooled machine and zeroed stack, about 60 ns),
//     which every caller pays and which is not subtracted, unlike the
//     kernel's test-run overhead below: on short programs (fnv, xdp) it
//     dominates our figure.
//  2. linux jit: the program loaded into the kernel as an XDP program
//     (ebpf/kernel, Options.Retval32: no result wrapper) and run Repeat
//     times by one BPF_PROG_TEST_RUN; the kernel reports the mean ns per
//     run. An empty program behind the same prolog is measured in the same
//     round and subtracted: what remains is the JIT-compiled program, not
//     the test-run loop (about 30-40 ns a run here). A round alternates 4
//     (program, empty) pairs and keeps the fastest of each, since
//     interference only adds time. The kernel's figure is in whole
//     nanoseconds, and a ~15 ns difference of two ~40 ns figures moves by
//     several ns from one invocation to the next on a shared VM: read the
//     xdp row's ratio as an order of magnitude.
//
// Every engine's r0 is checked against the interpreter's when the
// workloads are built, so no contestant is timed computing something else.
package ebpfbench

import (
	"embed"
	"encoding/binary"
	"fmt"
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

// Workloads builds one workload per program, every engine a contestant.
func Workloads(cfg Config) ([]bench.Workload, error) {
	cfg = cfg.withDefaults()
	progs, err := Programs()
	if err != nil {
		return nil, err
	}
	var out []bench.Workload
	for _, p := range progs {
		w := bench.Workload{Name: p.Name, Metric: "program run", Unit: "ns/run", Better: bench.LowerIsBetter}
		want, err := interpR0(p)
		if err != nil {
			return nil, err
		}
		for _, e := range engines {
			c, err := e.build(p, want, cfg)
			if err != nil {
				return nil, fmt.Errorf("ebpfbench: %s on %s: %w", p.Name, e.name, err)
			}
			w.Contestants = append(w.Contestants, bench.Contestant{Name: e.name, Run: c})
		}
		out = append(out, w)
	}
	return out, nil
}
