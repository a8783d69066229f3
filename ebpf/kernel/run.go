package kernel

import (
	"fmt"
	"time"

	cebpf "github.com/cilium/ebpf"
)

// ethHeaderLen is the shortest packet BPF_PROG_TEST_RUN takes for XDP; a
// shorter memory is padded with zeros the prolog keeps the program from
// seeing.
const ethHeaderLen = 14

// outputRoom is extra room for the packet coming back, in case a program
// grows it (bpf_xdp_adjust_tail); our memory gets its first len(mem) bytes.
const outputRoom = 256

// packet is mem as the kernel's input: a copy, padded to an Ethernet header.
func (p *Program) packet(mem []byte) ([]byte, error) {
	if len(mem) != p.memLen {
		return nil, fmt.Errorf("kernel: %d bytes of memory, but the program was loaded for %d (Options.MemLen)", len(mem), p.memLen)
	}
	pkt := make([]byte, max(len(mem), ethHeaderLen))
	copy(pkt, mem)
	return pkt, nil
}

// Run runs the program once on mem with BPF_PROG_TEST_RUN and returns r0
// (its low 32 bits with Options.Retval32). Like our interpreter, it runs
// on mem in place: what the program stores to the packet is copied back.
func (p *Program) Run(mem []byte) (uint64, error) {
	pkt, err := p.packet(mem)
	if err != nil {
		return 0, err
	}
	out := make([]byte, len(pkt)+outputRoom)
	p.mu.Lock()
	defer p.mu.Unlock()
	opts := cebpf.RunOptions{Data: pkt, DataOut: out, Repeat: 1}
	retval, err := p.prog.Run(&opts)
	if err != nil {
		return 0, fmt.Errorf("kernel: BPF_PROG_TEST_RUN: %w", err)
	}
	copy(mem, opts.DataOut)
	if p.result == nil {
		return uint64(retval), nil
	}
	var r0 uint64
	if err := p.result.Lookup(uint32(0), &r0); err != nil {
		return 0, fmt.Errorf("kernel: reading r0 from the result map: %w", err)
	}
	if uint32(r0) != retval {
		return 0, fmt.Errorf("kernel: the result map holds r0 = %#x but retval is %#x: the wrapper is broken", r0, retval)
	}
	return r0, nil
}

// Bench runs the program repeat times on mem in one BPF_PROG_TEST_RUN and
// returns the mean time per run the kernel measured, in whole nanoseconds.
// That time includes the test-run loop's own cost per run (about 20 ns
// for an empty XDP program); subtract an empty program's figure to get the
// program's. The packet is not restored between runs.
func (p *Program) Bench(mem []byte, repeat int) (time.Duration, error) {
	if repeat < 1 {
		return 0, fmt.Errorf("kernel: Bench with repeat %d", repeat)
	}
	pkt, err := p.packet(mem)
	if err != nil {
		return 0, err
	}
	_, d, err := p.prog.Benchmark(pkt, repeat, nil)
	if err != nil {
		return 0, fmt.Errorf("kernel: BPF_PROG_TEST_RUN with repeat %d: %w", repeat, err)
	}
	return d, nil
}
