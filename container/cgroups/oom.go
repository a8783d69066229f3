package cgroups

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"unsafe"

	"golang.org/x/sys/unix"
)

// OOM notifications: what `runc events` reports as "oom" events.
//
// v1 (Documentation/admin-guide/cgroup-v1/memory.rst 9, "OOM Control"):
//  1. eventfd(2) makes a counter fd;
//  2. memory.oom_control is opened;
//  3. "<eventfd> <oom_control fd>" written to cgroup.event_control
//     registers the eventfd: the kernel adds 1 to it on every OOM of the
//     group, and also when the group is removed;
//  4. each read of the eventfd is one or more OOMs, unless the group's
//     directory is gone, which ends the stream.
//
// v2 (cgroup-v2.rst "memory.events"): memory.events is a flat-keyed file
// whose changes raise inotify(7) IN_MODIFY; each time its oom_kill count
// rises there was an OOM kill. IN_IGNORED (the file was removed with the
// group) ends the stream.
//
// Both fds are non-blocking and handed to os.NewFile, so reads wait in the
// Go runtime's poller and closing the file (when done closes) ends them.

// OOMEvents sends on the returned channel once for every OOM of the
// group (several close together may arrive as one) until done is closed
// or the group is removed; then the channel is closed.
func (m *v1) OOMEvents(done <-chan struct{}) (<-chan struct{}, error) {
	d := m.dir("memory")
	if d == "" {
		return nil, fmt.Errorf("cgroups: the memory controller is not mounted")
	}
	efd, err := unix.Eventfd(0, unix.EFD_CLOEXEC|unix.EFD_NONBLOCK)
	if err != nil {
		return nil, fmt.Errorf("cgroups: eventfd: %w", err)
	}
	if err := registerOOM(d, efd); err != nil {
		unix.Close(efd)
		return nil, err
	}
	f := os.NewFile(uintptr(efd), "oom eventfd")
	ch := make(chan struct{})
	go forward(f, done, ch, func([]byte) (bool, bool) {
		_, err := os.Stat(d)
		return err == nil, err == nil // removed: the kernel's last wake-up
	})
	return ch, nil
}

// registerOOM writes "<efd> <fd of memory.oom_control>" to
// cgroup.event_control (the kernel keeps its own reference to the file).
func registerOOM(dir string, efd int) error {
	oc, err := unix.Open(filepath.Join(dir, "memory.oom_control"), unix.O_RDONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("cgroups: %w", err)
	}
	defer unix.Close(oc)
	return writeFile(dir, "cgroup.event_control", strconv.Itoa(efd)+" "+strconv.Itoa(oc))
}

// OOMEvents watches memory.events with inotify and sends when its
// oom_kill count rises.
func (m *v2) OOMEvents(done <-chan struct{}) (<-chan struct{}, error) {
	d := m.dir()
	last, err := readKeyed(d, "memory.events")
	if err != nil {
		return nil, err
	}
	ifd, err := unix.InotifyInit1(unix.IN_NONBLOCK | unix.IN_CLOEXEC)
	if err != nil {
		return nil, fmt.Errorf("cgroups: inotify_init1: %w", err)
	}
	if _, err := unix.InotifyAddWatch(ifd, filepath.Join(d, "memory.events"), unix.IN_MODIFY); err != nil {
		unix.Close(ifd)
		return nil, fmt.Errorf("cgroups: inotify_add_watch memory.events: %w", err)
	}
	f := os.NewFile(uintptr(ifd), "memory.events inotify")
	ch := make(chan struct{})
	kills := last["oom_kill"]
	go forward(f, done, ch, func(b []byte) (bool, bool) {
		if ignored(b) {
			return false, false
		}
		ev, err := readKeyed(d, "memory.events")
		if err != nil {
			return false, false
		}
		rose := ev["oom_kill"] > kills
		kills = ev["oom_kill"]
		return rose, true
	})
	return ch, nil
}

// ignored reports whether a buffer of struct inotify_event holds
// IN_IGNORED (the watch is gone with its file).
func ignored(b []byte) bool {
	for len(b) >= unix.SizeofInotifyEvent {
		ev := (*unix.InotifyEvent)(unsafe.Pointer(&b[0]))
		if ev.Mask&unix.IN_IGNORED != 0 {
			return true
		}
		b = b[unix.SizeofInotifyEvent+int(ev.Len):]
	}
	return false
}

// forward reads f until it fails or done closes; after each read, check
// says whether to send an event and whether to go on. It closes f and ch.
func forward(f *os.File, done <-chan struct{}, ch chan<- struct{}, check func([]byte) (send, more bool)) {
	defer close(ch)
	stop := make(chan struct{})
	defer close(stop)
	go func() {
		select {
		case <-done:
		case <-stop:
		}
		f.Close() // wakes a Read waiting in the poller
	}()
	buf := make([]byte, 4096)
	for {
		n, err := f.Read(buf)
		if err != nil { // closed by done, or the fd failed
			return
		}
		send, more := check(buf[:n])
		if send {
			select {
			case ch <- struct{}{}:
			case <-done:
				return
			}
		}
		if !more {
			return
		}
	}
}
