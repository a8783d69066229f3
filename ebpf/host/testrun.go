package host

// TestRun: BPF_PROG_TEST_RUN (net/bpf/test_run.c) on our engines. The
// program runs Repeat times on one packet, as the kernel's bpf_test_run
// loop does: the runs share the buffer and context, so what one run writes
// or adjusts the next one sees, and the result is the last run's. The
// duration is the mean wall time per run, measured around the whole loop
// (the kernel's is too, less the time it spends rescheduling). The loop
// holds one CPU throughout (cpu.go), as bpf_test_timer_enter disables
// migration once for the kernel's.

import (
	"bytes"
	"fmt"
	"time"
)

// TestRunResult is what BPF_PROG_TEST_RUN reports, and the verdict named.
type TestRunResult struct {
	Retval   uint64        // r0 of the last run
	Verdict  string        // XDP action, TC verdict, or the bytes a socket filter keeps
	Packet   []byte        // data_out: the packet after the last run
	Duration time.Duration // per run
	Redirect uint32        // bpf_redirect's ifindex, for a redirect verdict
}

// TestRun runs p repeat times (at least once) on a copy of data.
func (p *Program) TestRun(data []byte, repeat int) (TestRunResult, error) {
	repeat = max(repeat, 1)
	switch p.Kind {
	case XDP:
		return p.testRunXDP(data, repeat)
	case SocketFilter, SchedCLS:
		return p.testRunSkb(data, repeat)
	}
	return TestRunResult{}, fmt.Errorf("host: no test run for %v programs", p.Kind)
}

func (p *Program) testRunXDP(data []byte, repeat int) (TestRunResult, error) {
	r, err := newXDPRun(data, XDPMeta{IngressIfindex: loIfindex})
	if err != nil {
		return TestRunResult{}, err
	}
	defer r.release()
	var res XDPResult
	cpu := p.c.takeCPU()
	defer p.c.releaseCPU(cpu)
	start := time.Now()
	for range repeat {
		if res, err = p.runXDP(r, cpu); err != nil {
			return TestRunResult{}, err
		}
	}
	d := time.Since(start) / time.Duration(repeat)
	return TestRunResult{Retval: res.Retval, Verdict: Verdict(XDP, res.Retval, res.Packet), Packet: bytes.Clone(res.Packet), Duration: d, Redirect: res.Redirect}, nil
}

func (p *Program) testRunSkb(data []byte, repeat int) (TestRunResult, error) {
	r, err := newSkbRun(p.Kind, data)
	if err != nil {
		return TestRunResult{}, err
	}
	defer r.release()
	var res SkbResult
	cpu := p.c.takeCPU()
	defer p.c.releaseCPU(cpu)
	start := time.Now()
	for range repeat {
		if res, err = p.runSkb(r, cpu); err != nil {
			return TestRunResult{}, err
		}
	}
	d := time.Since(start) / time.Duration(repeat)
	return TestRunResult{Retval: res.Retval, Verdict: Verdict(p.Kind, res.Retval, res.Packet), Packet: bytes.Clone(res.Packet), Duration: d, Redirect: res.Redirect}, nil
}

// Verdict names what retval means for a program of kind whose run left
// packet (data_out): an XDP action, a TC verdict, or what a socket filter
// keeps of the packet it saw (from the network header).
func Verdict(kind Kind, retval uint64, packet []byte) string {
	switch kind {
	case XDP:
		return XDPAction(uint32(retval)).String()
	case SocketFilter:
		r := SkbResult{Retval: retval, Packet: packet}
		return fmt.Sprintf("keep %d of %d bytes", len(r.Kept()), max(len(packet)-ethHLen, 0))
	}
	return TCActionName(retval)
}
