package cgroups

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestPrepareJoinThread: Prepare makes the group and sets its limits with
// nothing in it; JoinThread moves the calling thread alone into every v1
// hierarchy; a group that holds a process is refused and left as it is.
func TestPrepareJoinThread(t *testing.T) {
	m := testGroup(t)
	p, err := Prepare(m, &specs.LinuxResources{Pids: &specs.LinuxPids{Limit: ptr(int64(7))}})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	dir := m.(*v1).dir("pids")
	if max, _ := readFile(dir, "pids.max"); max != "7" {
		t.Errorf("pids.max = %q, want 7", max)
	}
	if pids, _ := m.Pids(); len(pids) != 0 {
		t.Fatalf("prepared group holds %v", pids)
	}
	cg, procs := joinAndLeave(t, p, hostLayout(t))
	rel := "/" + m.(*v1).rel
	for _, c := range []string{"memory", "pids", "cpuset", "freezer"} {
		if !strings.Contains(cg, ":"+c+":"+rel+"\n") {
			t.Errorf("the joined thread's cgroups lack %s:%s:\n%s", c, rel, cg)
		}
	}
	if procs == "" {
		t.Errorf("the group's tasks file was empty while the thread was in it")
	}
	h := startHelper(t, "spin", nil)
	if err := m.Apply(h.cmd.Process.Pid); err != nil {
		t.Fatal(err)
	}
	if _, err := Prepare(m, nil); err == nil || !strings.Contains(err.Error(), "not empty") {
		t.Fatalf("Prepare of a group in use: %v, want a refusal", err)
	}
	if pids, _ := m.Pids(); len(pids) != 1 {
		t.Fatalf("the refused group was changed: pids %v", pids)
	}
}

// joinAndLeave runs JoinThread on a locked thread, reads that thread's
// /proc/thread-self/cgroup and the pids group's tasks, and moves it back
// to each hierarchy's root; the thread is then discarded (never unlocked).
func joinAndLeave(t *testing.T, p *Prepared, l *Layout) (cg, tasks string) {
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		var fds []int
		for _, f := range p.Tasks {
			fd, err := unix.Dup(int(f.Fd()))
			if err != nil {
				done <- err
				return
			}
			fds = append(fds, fd)
		}
		err := JoinThread(fds)
		b, _ := os.ReadFile("/proc/thread-self/cgroup")
		cg = string(b)
		b, _ = os.ReadFile(filepath.Join(filepath.Dir(p.Tasks[0].Name()), "tasks"))
		tasks = strings.TrimSpace(string(b))
		for _, mp := range l.V1 {
			if f, err := os.OpenFile(filepath.Join(mp, "tasks"), os.O_WRONLY, 0); err == nil {
				f.WriteString("0")
				f.Close()
			}
		}
		done <- err
	}()
	if err := <-done; err != nil {
		t.Fatal(err)
	}
	return cg, tasks
}
