package cgroups

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// Joining late. Apply moves a whole process (cgroup.procs), which takes
// the kernel's cgroup_threadgroup_rwsem for writing; that waits for an RCU
// grace period, 5-18 ms on our machines, on the critical path of every
// container start. A runtime can do without it:
//
//  1. Prepare makes the group and writes nothing to it but its limits
//     (Set), checks no process is in it, and opens what a process needs
//     to enter it later without a path walk: each v1 hierarchy's `tasks`
//     file, and the cgroup2 directory.
//  2. The process is born in the cgroup2 group: clone3(2)
//     CLONE_INTO_CGROUP with that directory (Go: SysProcAttr.UseCgroupFD),
//     which also needs no write lock.
//  3. JoinThread, run by the thread that is about to execve the
//     container's process, writes "0" to each v1 `tasks` file: a single
//     thread moving itself skips the threadgroup lock
//     (kernel/cgroup/cgroup.c cgroup_procs_write_start). execve then ends
//     the other threads (de_thread), so the process is wholly in the
//     group. Until then nothing of the process (a Go init's threads and
//     heap) is counted by pids or charged to memory: v1 charges stay
//     where they were made (cgroup-v1/memory.rst 8, "Move charges at
//     task migration" is deprecated and off).

// Prepared is a group made ahead of its process.
type Prepared struct {
	Tasks   []*os.File // v1: each hierarchy's tasks file, open for writing
	Unified *os.File   // cgroup2 directory (clone3 CLONE_INTO_CGROUP); nil without one
}

// Prepare makes m's group, sets r in it and opens its join files (step
// 1). The group must hold no process; on any other error Prepare removes
// what it made.
func Prepare(m Manager, r *specs.LinuxResources) (*Prepared, error) {
	var dirs []string
	var unified string
	var err error
	switch m := m.(type) {
	case *v1:
		err, dirs, unified = m.create(), m.dirs(), m.dir(hybridKey)
	case *v2:
		err, unified = m.create(), m.dir()
	default:
		return nil, fmt.Errorf("cgroups: cannot prepare a %T", m)
	}
	if err == nil {
		if err := checkEmpty(append(dirs, unified)...); err != nil {
			return nil, err // another container's group: leave it alone
		}
	}
	p := &Prepared{}
	if err == nil && r != nil {
		err = m.Set(r)
	}
	if err == nil {
		err = p.open(dirs, unified)
	}
	if err != nil {
		p.Close()
		m.Destroy()
		return nil, err
	}
	return p, nil
}

// open opens the v1 tasks files (unified excepted) and the cgroup2
// directory.
func (p *Prepared) open(dirs []string, unified string) error {
	for _, d := range dirs {
		if d == unified {
			continue
		}
		f, err := os.OpenFile(filepath.Join(d, "tasks"), os.O_WRONLY, 0)
		if err != nil {
			return fmt.Errorf("cgroups: %w", err)
		}
		p.Tasks = append(p.Tasks, f)
	}
	if unified == "" {
		return nil
	}
	f, err := os.OpenFile(unified, os.O_RDONLY|unix.O_DIRECTORY, 0)
	if err != nil {
		return fmt.Errorf("cgroups: %w", err)
	}
	p.Unified = f
	return nil
}

// checkEmpty refuses a group that already holds a process in any
// hierarchy (another container's).
func checkEmpty(dirs ...string) error {
	for _, d := range dirs {
		if d == "" {
			continue
		}
		pids, err := readPids(d)
		if err != nil {
			return err
		}
		if len(pids) > 0 {
			return fmt.Errorf("cgroups: %s is not empty (pids %v)", d, pids)
		}
	}
	return nil
}

// Close closes the files; the group stays.
func (p *Prepared) Close() {
	if p == nil {
		return
	}
	for _, f := range p.Tasks {
		f.Close()
	}
	if p.Unified != nil {
		p.Unified.Close()
	}
}

// JoinThread moves the calling OS thread into the group whose v1 tasks
// files are open as fds (step 3), then closes them. The caller must be
// locked to its thread (runtime.LockOSThread) and exec next.
func JoinThread(fds []int) error {
	var errs []error
	for _, fd := range fds {
		if _, err := unix.Write(fd, []byte("0")); err != nil {
			errs = append(errs, fmt.Errorf("cgroups: joining through fd %d (%s): %w", fd, fdPath(fd), err))
		}
		unix.Close(fd)
	}
	return errors.Join(errs...)
}

// fdPath names an fd's file for an error message.
func fdPath(fd int) string {
	p, err := os.Readlink(fmt.Sprintf("/proc/self/fd/%d", fd))
	if err != nil {
		return "?"
	}
	return strings.TrimSpace(p)
}
