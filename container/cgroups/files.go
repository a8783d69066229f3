package cgroups

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"golang.org/x/sys/unix"
)

// writeFile writes one value to an existing cgroup control file. cgroupfs
// files exist from mkdir on; O_CREATE is never used, so a missing file (a
// controller the kernel lacks) is an error naming it, not a stray file.
func writeFile(dir, name, val string) error {
	p := filepath.Join(dir, name)
	f, err := os.OpenFile(p, os.O_WRONLY|os.O_TRUNC, 0)
	if err != nil {
		return fmt.Errorf("cgroups: %w", err)
	}
	_, err = f.WriteString(val)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("cgroups: writing %q to %s: %w", val, p, err)
	}
	return nil
}

// readFile reads a control file, trimmed.
func readFile(dir, name string) (string, error) {
	b, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		return "", fmt.Errorf("cgroups: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

// readUint reads a file holding one number or "max" (Unlimited).
func readUint(dir, name string) (uint64, error) {
	s, err := readFile(dir, name)
	if err != nil {
		return 0, err
	}
	return parseUint(s, filepath.Join(dir, name))
}

// parseUint parses a control-file number; "max" is Unlimited.
func parseUint(s, where string) (uint64, error) {
	if s == "max" {
		return Unlimited, nil
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil {
		return 0, fmt.Errorf("cgroups: %s: %q is not a number", where, s)
	}
	return v, nil
}

// readKeyed reads a flat-keyed file ("key value" lines: cpu.stat,
// memory.events, memory.oom_control) into a map; lines whose value is not a
// number are skipped.
func readKeyed(dir, name string) (map[string]uint64, error) {
	s, err := readFile(dir, name)
	if err != nil {
		return nil, err
	}
	return parseKeyed(s), nil
}

// parseKeyed is readKeyed's parser.
func parseKeyed(s string) map[string]uint64 {
	m := map[string]uint64{}
	sc := bufio.NewScanner(strings.NewReader(s))
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) != 2 {
			continue
		}
		if v, err := strconv.ParseUint(f[1], 10, 64); err == nil {
			m[f[0]] = v
		}
	}
	return m
}

// readPids parses cgroup.procs, one pid per line.
func readPids(dir string) ([]int, error) {
	s, err := readFile(dir, "cgroup.procs")
	if err != nil {
		return nil, err
	}
	var pids []int
	for _, l := range strings.Fields(s) {
		p, err := strconv.Atoi(l)
		if err != nil {
			return nil, fmt.Errorf("cgroups: %s/cgroup.procs: %q is not a pid", dir, l)
		}
		pids = append(pids, p)
	}
	return pids, nil
}

// rmdirRetry removes cgroup directories. rmdir answers EBUSY while a task is
// still leaving the group (kernel/cgroup/cgroup.c, cgroup_destroy_locked
// checks cgroup_is_populated), so the directories still busy are retried
// together for up to a second. A missing directory is already removed.
func rmdirRetry(dirs ...string) error {
	for delay := time.Millisecond; ; delay *= 2 {
		var busy []string
		for _, d := range dirs {
			err := unix.Rmdir(d)
			switch {
			case err == nil || errors.Is(err, unix.ENOENT):
			case errors.Is(err, unix.EBUSY) && delay < time.Second:
				busy = append(busy, d)
			default:
				return fmt.Errorf("cgroups: rmdir %s: %w", d, err)
			}
		}
		if len(busy) == 0 {
			return nil
		}
		dirs = busy
		time.Sleep(delay)
	}
}

// waitFor polls cond every few milliseconds until it holds or a second passes.
func waitFor(what string, cond func() (bool, error)) error {
	deadline := time.Now().Add(time.Second)
	for delay := time.Millisecond; ; delay = min(2*delay, 50*time.Millisecond) {
		ok, err := cond()
		if err != nil || ok {
			return err
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("cgroups: %s: still not done after 1s", what)
		}
		time.Sleep(delay)
	}
}
