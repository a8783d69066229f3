package startbench

import (
	"fmt"
	"os"
	"syscall"

	"golang.org/x/sys/unix"
)

// setSubreaper makes this process the reaper of its orphaned descendants
// (prctl(2) PR_SET_CHILD_SUBREAPER), or stops it being one (method, step 3).
func setSubreaper(on bool) error {
	v := uintptr(0)
	if on {
		v = 1
	}
	if err := unix.Prctl(unix.PR_SET_CHILD_SUBREAPER, v, 0, 0, 0); err != nil {
		return &os.SyscallError{Syscall: "prctl(PR_SET_CHILD_SUBREAPER)", Err: err}
	}
	return nil
}

// reap waits for pid, an orphaned container init that is now our child.
func reap(pid int) error {
	var ws syscall.WaitStatus
	for {
		_, err := syscall.Wait4(pid, &ws, 0, nil)
		if err == syscall.EINTR {
			continue
		}
		if err != nil {
			return fmt.Errorf("wait4 %d (the container's init): %w", pid, err)
		}
		return nil
	}
}
