package cgroups

import (
	"bufio"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
)

// v1Controllers are the controller names that may appear in the super
// options of a v1 "cgroup" mount (cgroups(7), "Cgroups version 1
// controllers"). Named hierarchies such as name=systemd carry none.
var v1Controllers = map[string]bool{
	"cpu": true, "cpuacct": true, "cpuset": true, "memory": true, "devices": true,
	"freezer": true, "net_cls": true, "net_prio": true, "blkio": true, "perf_event": true,
	"hugetlb": true, "pids": true, "rdma": true, "misc": true,
}

// Layout is where the host's cgroup hierarchies are mounted.
type Layout struct {
	// V1 maps each v1 controller to its hierarchy's mount point; co-mounted
	// controllers ("cpu,cpuacct") share one.
	V1 map[string]string
	// Unified is the mount point of the cgroup2 hierarchy, "" if none.
	Unified string
}

// Mode names the layout: "v1", "v2" or "hybrid" (v1 controllers and a
// cgroup2 mount), or "none".
func (l *Layout) Mode() string {
	switch {
	case len(l.V1) > 0 && l.Unified != "":
		return "hybrid"
	case len(l.V1) > 0:
		return "v1"
	case l.Unified != "":
		return "v2"
	}
	return "none"
}

// Manager returns the driver for cgroup path p: v1 wherever v1 controllers
// are mounted (also on hybrid hosts, whose cgroup2 mount holds what v1 does
// not; the group is made there too), otherwise v2.
func (l *Layout) Manager(p string) (Manager, error) {
	rel, err := cleanPath(p)
	if err != nil {
		return nil, err
	}
	switch l.Mode() {
	case "v1", "hybrid":
		return newV1(l.V1, l.Unified, rel), nil
	case "v2":
		return &v2{root: l.Unified, rel: rel}, nil
	}
	return nil, fmt.Errorf("cgroups: no cgroup or cgroup2 file system is mounted")
}

// Detect reads a mountinfo file (proc(5), /proc/[pid]/mountinfo) and finds
// the cgroup mounts in it. When a hierarchy is mounted twice the first mount
// wins, as the kernel lists the oldest first.
func Detect(r io.Reader) (*Layout, error) {
	l := &Layout{V1: map[string]string{}}
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64<<10), 1<<20)
	for n := 1; sc.Scan(); n++ {
		m, err := parseMountinfoLine(sc.Text())
		if err != nil {
			return nil, fmt.Errorf("cgroups: mountinfo line %d: %w", n, err)
		}
		l.add(m)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cgroups: reading mountinfo: %w", err)
	}
	return l, nil
}

func (l *Layout) add(m mountEntry) {
	switch m.fstype {
	case "cgroup2":
		if l.Unified == "" {
			l.Unified = m.point
		}
	case "cgroup":
		for _, opt := range strings.Split(m.superOpts, ",") {
			if _, seen := l.V1[opt]; v1Controllers[opt] && !seen {
				l.V1[opt] = m.point
			}
		}
	}
}

// Controllers lists the v1 controllers found, sorted.
func (l *Layout) Controllers() []string {
	var cs []string
	for c := range l.V1 {
		cs = append(cs, c)
	}
	sort.Strings(cs)
	return cs
}

// mountEntry is the part of a mountinfo line that detection needs.
type mountEntry struct {
	point     string // field 5, unescaped
	fstype    string // first field after "-"
	superOpts string // third field after "-"
}

// parseMountinfoLine splits "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3
// /dev/root rw,errors=continue": six fixed fields, optional fields ended by
// "-", then fstype, source and super options.
func parseMountinfoLine(s string) (mountEntry, error) {
	f := strings.Fields(s)
	if len(f) < 10 {
		return mountEntry{}, fmt.Errorf("%d fields, want at least 10: %q", len(f), s)
	}
	sep := -1
	for i := 6; i < len(f); i++ {
		if f[i] == "-" {
			sep = i
			break
		}
	}
	if sep < 0 || len(f) < sep+4 {
		return mountEntry{}, fmt.Errorf("no \"- fstype source options\" tail: %q", s)
	}
	point, err := unescapeOctal(f[4])
	if err != nil {
		return mountEntry{}, fmt.Errorf("mount point %q: %w", f[4], err)
	}
	return mountEntry{point: point, fstype: f[sep+1], superOpts: f[sep+3]}, nil
}

// unescapeOctal undoes the kernel's \ooo escaping of space, tab, newline
// and backslash in mountinfo paths (fs/proc_namespace.c, mangle()).
func unescapeOctal(s string) (string, error) {
	if !strings.Contains(s, `\`) {
		return s, nil
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] != '\\' {
			b.WriteByte(s[i])
			continue
		}
		if i+4 > len(s) {
			return "", fmt.Errorf("truncated escape at byte %d", i)
		}
		v, err := strconv.ParseUint(s[i+1:i+4], 8, 8)
		if err != nil {
			return "", fmt.Errorf("bad escape %q at byte %d", s[i:i+4], i)
		}
		b.WriteByte(byte(v))
		i += 3
	}
	return b.String(), nil
}
