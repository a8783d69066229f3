package vmm

import "sync"

// Pausing the VM: every vCPU leaves the guest and parks on its own thread
// until Resume, with guest memory and vCPU state quiet, as a snapshot
// needs. The steps:
//
//  1. Pause sets paused, then does what Stop does to get a vCPU out of
//     KVM_RUN: kvm_run.immediate_exit (if it is about to enter) and SIGURG
//     (if it is inside). KVM_RUN returns EINTR.
//  2. The vCPU's loop clears immediate_exit, sees paused, and parks: it
//     counts itself in parked and waits on the condition.
//  3. Pause returns when parked equals active (the vCPUs inside Run).
//  4. Resume clears paused and wakes them; each re-enters the guest where
//     it left off (KVM_RUN resumes from the saved guest state).
//
// pauser's mu guards paused, parked and active; cond is signalled when any
// of them or the VM's stopping flag changes.
type pauser struct {
	mu     sync.Mutex
	cond   *sync.Cond
	paused bool
	parked int
	active int
}

func (p *pauser) init() { p.cond = sync.NewCond(&p.mu) }

// Pause stops every running vCPU at its next instruction boundary and
// returns once all are parked. It is safe before Run, which then parks.
func (v *VM) Pause() {
	p := &v.pause
	p.mu.Lock()
	p.paused = true
	v.pausing.Store(true)
	p.mu.Unlock()
	v.kickAll()
	p.mu.Lock()
	for p.parked < p.active && !v.stopping.Load() {
		p.cond.Wait()
	}
	p.mu.Unlock()
}

// Resume lets parked vCPUs run again.
func (v *VM) Resume() {
	p := &v.pause
	p.mu.Lock()
	p.paused = false
	v.pausing.Store(false)
	p.cond.Broadcast()
	p.mu.Unlock()
}

// park blocks the calling vCPU while the VM is paused and not stopping.
func (v *VM) park() {
	p := &v.pause
	p.mu.Lock()
	p.parked++
	p.cond.Broadcast()
	for p.paused && !v.stopping.Load() {
		p.cond.Wait()
	}
	p.parked--
	p.mu.Unlock()
}

// enter and leave count the vCPUs inside Run, for Pause to wait on.
func (v *VM) enter() {
	v.pause.mu.Lock()
	v.pause.active++
	v.pause.mu.Unlock()
}

func (v *VM) leave() {
	p := &v.pause
	p.mu.Lock()
	p.active--
	p.cond.Broadcast()
	p.mu.Unlock()
}
