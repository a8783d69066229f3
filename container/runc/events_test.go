package runc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// statsEvent is what the tests read of a stats event.
type statsEvent struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data struct {
		CPU struct {
			Usage struct {
				Total  uint64   `json:"total"`
				PerCPU []uint64 `json:"percpu"`
			} `json:"usage"`
			Throttling struct {
				Periods          uint64 `json:"periods"`
				ThrottledPeriods uint64 `json:"throttledPeriods"`
			} `json:"throttling"`
		} `json:"cpu"`
		Memory struct {
			Usage struct {
				Limit uint64 `json:"limit"`
				Usage uint64 `json:"usage"`
			} `json:"usage"`
			Swap struct {
				Usage uint64 `json:"usage"`
			} `json:"swap"`
			OOMKills uint64 `json:"oomKills"`
		} `json:"memory"`
		Pids struct {
			Current uint64 `json:"current"`
			Limit   uint64 `json:"limit"`
		} `json:"pids"`
	} `json:"data"`
}

// stats runs events --stats and decodes its one line.
func (c *liveContainer) stats(t *testing.T) statsEvent {
	t.Helper()
	code, out, errs := c.run("events", "--stats", c.id)
	var ev statsEvent
	if code != 0 || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("events --stats: exit %d, %q, %s", code, out, errs)
	}
	return ev
}

func TestEventsStats(t *testing.T) {
	c := startLive(t, nil, "sh", "-c", "touch /shared/ready; exec sleep 100")
	c.waitFile(t, "ready")
	ev := c.stats(t)
	// touch has made the file but may not have exited yet: wait for it.
	for deadline := time.Now().Add(10 * time.Second); ev.Data.Pids.Current != 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		ev = c.stats(t)
	}
	if ev.Type != "stats" || ev.ID != c.id || ev.Data.Pids.Current != 1 || ev.Data.Memory.Usage.Usage == 0 ||
		ev.Data.CPU.Usage.Total == 0 || ev.Data.Pids.Limit != 0 || len(ev.Data.CPU.Usage.PerCPU) == 0 ||
		ev.Data.Memory.Swap.Usage == 0 {
		// (memory+swap and memory are read one after the other, so the
		// first may be the smaller while the container allocates.)
		t.Errorf("stats event %+v: want pids.current 1, no pids limit, memory (and memory+swap) and cpu (per CPU too) used", ev)
	}
	if code, _, errs := c.run("events", "--interval", "0s", c.id); code != 2 || !strings.Contains(errs, "interval") {
		t.Errorf("events --interval 0s: exit %d, %q", code, errs)
	}
	if code, _, errs := c.run("events", "--stats", "nosuch"); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("events of a missing container: exit %d, %q", code, errs)
	}
}

// TestEventsStreamEndsWithTheContainer: without --stats, stats events
// come every interval until the container stops.
func TestEventsStreamEndsWithTheContainer(t *testing.T) {
	c := startLive(t, nil, "sh", "-c", "while [ ! -e /shared/stop ]; do sleep 0.05; done")
	ev := background(t, c.root, "events", "--interval", "50ms", c.id)
	ev.waitLines(t, 2)
	touch(t, c, "stop")
	code := ev.wait(t)
	lines := ev.lines()
	if code != 0 || len(lines) < 2 {
		t.Fatalf("events: exit %d, lines %q", code, lines)
	}
	for _, l := range lines {
		var e statsEvent
		if json.Unmarshal([]byte(l), &e) != nil || e.Type != "stats" || e.ID != c.id {
			t.Errorf("event line %q", l)
		}
	}
}

// bgRun is a verb running in the background with its output collected.
type bgRun struct {
	mu   sync.Mutex
	out  bytes.Buffer
	errs bytes.Buffer
	code chan int
}

// Write is the verb's stdout.
func (b *bgRun) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Write(p)
}

// background runs a verb with --root root in a goroutine.
func background(t *testing.T, root string, args ...string) *bgRun {
	b := &bgRun{code: make(chan int, 1)}
	go func() {
		var errs bytes.Buffer
		code := Main("deepsys-runc", "test", append([]string{"--root", root}, args...), b, &errs)
		b.mu.Lock()
		b.errs = errs
		b.mu.Unlock()
		b.code <- code
	}()
	return b
}

func (b *bgRun) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b.out.Bytes()))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// waitLines waits up to 20 s for n lines of output.
func (b *bgRun) waitLines(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); len(b.lines()) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d lines after 20 s: %q", n, b.lines())
		}
	}
}

// wait waits up to 30 s for the verb to return and gives its exit status.
func (b *bgRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-b.code:
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after 30 s; output %q", b.lines())
		return -1
	}
}

// TestEventsBlkioCountsDirectReads: the container reads busybox (on the
// rootfs, a directory on the host's disk) with O_DIRECT, which bypasses
// the page cache, so the bytes are charged to its blkio cgroup: events
// --stats reports at least that many Read bytes for the disk. On Linux
// 6.x the v1 throttle counters count only once blk-throttle is active on
// the disk, so the config sets a 1 GiB/s read limit on it.
func TestEventsBlkioCountsDirectReads(t *testing.T) {
	var disk specs.LinuxThrottleDevice
	c := newLive(t, func(s *specs.Spec) {
		disk = rootfsDisk(t, os.TempDir()) // where t.TempDir() puts the bundle
		disk.Rate = 1 << 30
		s.Linux.Resources = &specs.LinuxResources{BlockIO: &specs.LinuxBlockIO{
			ThrottleReadBpsDevice: []specs.LinuxThrottleDevice{disk}}}
	}, "sh", "-c", "busybox dd if=/bin/busybox of=/dev/null bs=65536 iflag=direct 2>/shared/dd; "+
		"touch /shared/ready; exec sleep 100")
	if code, _, errs := c.run("run", "-d", "-b", c.bundle, c.id); code != 0 {
		t.Fatalf("run -d: exit %d: %s", code, errs)
	}
	c.waitFile(t, "ready")
	dd := c.waitFile(t, "dd")
	fi, err := os.Stat(filepath.Join(c.bundle, "rootfs/bin/busybox"))
	if err != nil {
		t.Fatal(err)
	}
	code, out, errs := c.run("events", "--stats", c.id)
	var ev struct {
		Data struct {
			Blkio struct {
				Bytes []struct {
					Major, Minor int64
					Op           string
					Value        uint64
				} `json:"ioServiceBytesRecursive"`
			} `json:"blkio"`
		} `json:"data"`
	}
	if code != 0 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("events --stats: exit %d, %q, %s", code, out, errs)
	}
	var read uint64
	for _, e := range ev.Data.Blkio.Bytes {
		if e.Op == "Read" && e.Major == disk.Major && e.Minor == disk.Minor {
			read = e.Value
		}
	}
	if read < uint64(fi.Size()) {
		t.Errorf("blkio Read bytes of %d:%d: %d after a direct read of %d bytes (dd said %q); events %s",
			disk.Major, disk.Minor, read, fi.Size(), dd, out)
	}
}

// rootfsDisk is the whole disk under the file system of dir (a partition's
// parent: throttle rules name disks). A directory not on a block device
// (tmpfs) lacks the capability the test needs.
func rootfsDisk(t *testing.T, dir string) specs.LinuxThrottleDevice {
	t.Helper()
	var st unix.Stat_t
	if err := unix.Stat(dir, &st); err != nil {
		t.Fatal(err)
	}
	sys := fmt.Sprintf("/sys/dev/block/%d:%d", unix.Major(st.Dev), unix.Minor(st.Dev))
	if _, err := os.Stat(filepath.Join(sys, "partition")); err == nil {
		sys = filepath.Join(sys, "..")
	}
	b, err := os.ReadFile(filepath.Join(sys, "dev"))
	var d specs.LinuxThrottleDevice
	if _, serr := fmt.Sscanf(string(b), "%d:%d", &d.Major, &d.Minor); err != nil || serr != nil {
		msg := fmt.Sprintf("%s (the temp dir's file system) is not on a block device: %v", dir, err)
		if testenv.RequireAll() {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	return d
}
