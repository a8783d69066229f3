package vmm

import "golang.org/x/sys/unix"

func gettid() int { return unix.Gettid() }

// kick interrupts KVM_RUN on thread tid: SIGURG is the signal the Go
// runtime itself uses to preempt goroutines, so its handler is installed
// and harmless, and KVM_RUN returns EINTR when it arrives.
func kick(tid int) error {
	if tid == 0 {
		return nil
	}
	return unix.Tgkill(unix.Getpid(), tid, unix.SIGURG)
}
