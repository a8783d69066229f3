package host

// CPUs: a program runs on one CPU from its first instruction to its exit
// (the kernel disables migration around bpf_prog_run; test_run's
// bpf_test_timer_enter does too), so a per-CPU map value is never touched
// by two runs at once, and programs update them with plain loads and
// stores. Here a Collection has Options.CPUs mutexes; a run takes the
// first free one (TryLock, in order) and holds it to the end, tail calls
// included; when all are taken it waits for one (TestRun's loop takes one
// for all its repeats: testrun.go). Two concurrent runs therefore never
// share a CPU, and what they share (hash values, arrays) they share as
// programs on two kernel CPUs do: through atomics.

import "sync/atomic"

// next spreads waiting runs over the CPUs when all are taken.
var next atomic.Uint32

// takeCPU locks a CPU for a run and returns its number.
func (c *Collection) takeCPU() int {
	for i := range c.cpus {
		if c.cpus[i].TryLock() {
			return i
		}
	}
	i := int(next.Add(1)) % len(c.cpus)
	c.cpus[i].Lock()
	return i
}

// releaseCPU gives back the CPU takeCPU returned.
func (c *Collection) releaseCPU(i int) { c.cpus[i].Unlock() }
