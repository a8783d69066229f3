package trace

import (
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// attach seizes every thread of process pid (all of /proc/PID/task,
// re-read until no new thread appears) and interrupts each, so that its
// first stop starts its trace. Without Follow only pid itself is traced.
func (t *tracer) attach(pid int) error {
	t.leader = pid
	opts := ptraceOptions(t.opts.Follow, false)
	if !t.opts.Follow {
		return t.attachThread(pid, opts)
	}
	tried := map[int]bool{}
	for {
		tids, err := taskIDs(pid)
		if err != nil {
			return err
		}
		added := 0
		for _, tid := range tids {
			if tried[tid] {
				continue
			}
			tried[tid] = true
			added++
			if err := t.attachThread(tid, opts); err != nil && tid == pid {
				return err
			}
		}
		if added == 0 {
			return nil
		}
	}
}

func (t *tracer) attachThread(tid, opts int) error {
	if err := seize(tid, opts); err != nil {
		return fmt.Errorf("attach to %d: %w", tid, err)
	}
	if err := ptrace(unix.PTRACE_INTERRUPT, tid, 0, 0); err != nil {
		return fmt.Errorf("PTRACE_INTERRUPT %d: %w", tid, err)
	}
	t.addThread(tid).announced = true
	return nil
}

func taskIDs(pid int) ([]int, error) {
	ents, err := os.ReadDir("/proc/" + strconv.Itoa(pid) + "/task")
	if err != nil {
		return nil, fmt.Errorf("list the threads of process %d: %w", pid, err)
	}
	var tids []int
	for _, e := range ents {
		if n, err := strconv.Atoi(e.Name()); err == nil {
			tids = append(tids, n)
		}
	}
	return tids, nil
}
