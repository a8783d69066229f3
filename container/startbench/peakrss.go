package startbench

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

// Peak RSS of a runtime command (method, step 4). wait4(2)'s ru_maxrss of
// a child is not its own peak alone: the child starts on a copy of (fork)
// or a share in (vfork, which Go's os/exec uses) its parent's memory, and
// exec(2) records that memory's high-water mark in the process's maxrss
// (fs/exec.c exec_mmap, setmax_mm_hiwater_rss). Spawned from the bench, a
// 17 MiB Go process, every runtime would read 17 MiB. So the runtime is
// spawned by a small process, static busybox's `time -f %M` (about
// 1.4 MiB, the floor of the figure), whose report is read from a file.
//
// Busybox 1.35's `time` prints ru_maxrss as if it counted pages
// (time.c ptok: kilobytes times pagesize/1024); rssScale measures which
// unit this busybox prints, once, against a shell's own VmHWM.

// rssTimer runs commands under busybox time.
type rssTimer struct {
	busybox string
	scale   int64 // bytes per unit busybox prints
	out     string
}

// newRSSTimer calibrates busybox time in dir.
func newRSSTimer(busybox, dir string) (*rssTimer, error) {
	t := &rssTimer{busybox: busybox, scale: 1024, out: filepath.Join(dir, "maxrss")}
	script := `sed -n 's/^VmHWM:[^0-9]*\([0-9]*\) kB/\1/p' /proc/$$/status`
	cmd := exec.Command(busybox, t.args(busybox, "sh", "-c", script)...)
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("busybox time: %w", err)
	}
	hwm, err := strconv.ParseInt(strings.TrimSpace(string(out)), 10, 64)
	if err != nil {
		return nil, fmt.Errorf("busybox sh: VmHWM %q: %w", out, err)
	}
	reported, err := t.read()
	if err != nil {
		return nil, err
	}
	if reported >= 2*hwm*1024 { // pages taken for kilobytes
		t.scale = 1024 * 1024 / int64(os.Getpagesize())
	}
	return t, nil
}

// args are busybox's arguments to time argv.
func (t *rssTimer) args(argv ...string) []string {
	return append([]string{"time", "-f", "%M", "-o", t.out}, argv...)
}

// read is the last report, in bytes.
func (t *rssTimer) read() (int64, error) {
	b, err := os.ReadFile(t.out)
	if err != nil {
		return 0, fmt.Errorf("busybox time's report: %w", err)
	}
	n, err := parseReport(b)
	if err != nil {
		return 0, err
	}
	return n * t.scale, nil
}

// parseReport is the number on the last line of a `time -f %M` report
// (a line "Command exited with non-zero status N" may come before it).
func parseReport(b []byte) (int64, error) {
	fields := strings.Fields(string(b))
	if len(fields) == 0 {
		return 0, fmt.Errorf("busybox time's report is empty")
	}
	n, err := strconv.ParseInt(fields[len(fields)-1], 10, 64)
	if err != nil || n < 0 || n > 1<<40 {
		return 0, fmt.Errorf("busybox time's report %q: not a size in its units", b)
	}
	return n, nil
}
