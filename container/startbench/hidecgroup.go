package startbench

import (
	"errors"
	"os"
	"runtime"

	"golang.org/x/sys/unix"
)

// unifiedControllers is the file crun reads to decide the host runs
// cgroup v2; on our hybrid machines it lists only hugetlb.
const unifiedControllers = "/sys/fs/cgroup/unified/cgroup.controllers"

// nsThread runs jobs on one locked OS thread in its own mount namespace
// (method, step 2). A process started from a job is forked by that thread
// and inherits the namespace.
type nsThread struct{ jobs chan func() }

// hideControllers starts the thread: unshare(CLONE_NEWNS), / made rslave,
// and the empty file at empty bound over unifiedControllers (when the
// host has it; elsewhere the thread is an ordinary one).
func hideControllers(empty string) (*nsThread, error) {
	if err := os.WriteFile(empty, nil, 0o444); err != nil {
		return nil, err
	}
	t := &nsThread{jobs: make(chan func())}
	errc := make(chan error)
	go func() {
		// Never unlocked: the thread exits with this goroutine, so no
		// other goroutine ever runs in the namespace.
		runtime.LockOSThread()
		err := unshareAndHide(empty)
		errc <- err
		if err != nil {
			return
		}
		for job := range t.jobs {
			job()
		}
	}()
	return t, <-errc
}

func unshareAndHide(empty string) error {
	if err := unix.Unshare(unix.CLONE_NEWNS); err != nil {
		return &os.SyscallError{Syscall: "unshare(CLONE_NEWNS)", Err: err}
	}
	if err := unix.Mount("", "/", "", unix.MS_REC|unix.MS_SLAVE, ""); err != nil {
		return &os.PathError{Op: "mount --make-rslave", Path: "/", Err: err}
	}
	if _, err := os.Stat(unifiedControllers); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err := unix.Mount(empty, unifiedControllers, "", unix.MS_BIND, ""); err != nil {
		return &os.PathError{Op: "mount --bind " + empty, Path: unifiedControllers, Err: err}
	}
	return nil
}

// do runs job on the thread and returns when it is done.
func (t *nsThread) do(job func()) {
	done := make(chan struct{})
	t.jobs <- func() { job(); close(done) }
	<-done
}

func (t *nsThread) close() { close(t.jobs) }
