package cgroups

import (
	"strconv"
	"strings"
)

// Block I/O accounting, per device, in the shape runc reports it (bytes
// and operations, each by direction):
//
//   - v1 (cgroup-v1/blkio-controller.rst): blkio.throttle.io_service_bytes
//     _recursive and blkio.throttle.io_serviced_recursive hold lines
//     "MAJ:MIN Op N" (Op Read, Write, Sync, Async, Discard, Total) and a
//     last "Total N". The throttle files count every bio of the group, with
//     or without limits, and exist without CFQ/BFQ (whose blkio.io_*
//     files runc prefers when present).
//   - v2 (cgroup-v2.rst "io.stat"): one line per device,
//     "MAJ:MIN rbytes=N wbytes=N rios=N wios=N dbytes=N dios=N"; as runc
//     does, rbytes/wbytes become Read/Write bytes and rios/wios Read/Write
//     operations.

// BlockIOStats is per-device block I/O.
type BlockIOStats struct {
	ServiceBytes []BlkioEntry // bytes transferred
	Serviced     []BlkioEntry // I/O operations
}

// BlkioEntry is one device's count for one operation kind.
type BlkioEntry struct {
	Major, Minor uint64
	Op           string // Read, Write, Sync, Async, Discard, Total
	Value        uint64
}

// blkioStats reads the v1 throttle counters, if the blkio controller is
// mounted.
func (m *v1) blkioStats(s *Stats) error {
	d := m.dir("blkio")
	if d == "" || !exists(d, "blkio.throttle.io_service_bytes_recursive") {
		return nil
	}
	for _, f := range []struct {
		name string
		dst  *[]BlkioEntry
	}{
		{"blkio.throttle.io_service_bytes_recursive", &s.BlockIO.ServiceBytes},
		{"blkio.throttle.io_serviced_recursive", &s.BlockIO.Serviced},
	} {
		text, err := readFile(d, f.name)
		if err != nil {
			return err
		}
		*f.dst = parseBlkioV1(text)
	}
	return nil
}

// parseBlkioV1 parses "MAJ:MIN Op N" lines; the closing "Total N" and
// lines that do not parse are skipped.
func parseBlkioV1(text string) []BlkioEntry {
	var out []BlkioEntry
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) != 3 {
			continue
		}
		major, minor, ok := parseDevice(f[0])
		v, err := strconv.ParseUint(f[2], 10, 64)
		if ok && err == nil {
			out = append(out, BlkioEntry{Major: major, Minor: minor, Op: f[1], Value: v})
		}
	}
	return out
}

// blkioStats reads io.stat, if the io controller is enabled.
func (m *v2) blkioStats(s *Stats) error {
	if !exists(m.dir(), "io.stat") {
		return nil
	}
	text, err := readFile(m.dir(), "io.stat")
	if err != nil {
		return err
	}
	s.BlockIO = parseIOStat(text)
	return nil
}

// parseIOStat parses io.stat's "MAJ:MIN key=N ..." lines.
func parseIOStat(text string) BlockIOStats {
	var b BlockIOStats
	for _, line := range strings.Split(text, "\n") {
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		major, minor, ok := parseDevice(f[0])
		if !ok {
			continue
		}
		for _, kv := range f[1:] {
			k, val, _ := strings.Cut(kv, "=")
			v, err := strconv.ParseUint(val, 10, 64)
			if err != nil {
				continue
			}
			e := BlkioEntry{Major: major, Minor: minor, Value: v}
			switch k {
			case "rbytes", "wbytes":
				e.Op = ioOp(k)
				b.ServiceBytes = append(b.ServiceBytes, e)
			case "rios", "wios":
				e.Op = ioOp(k)
				b.Serviced = append(b.Serviced, e)
			}
		}
	}
	return b
}

func ioOp(key string) string {
	if key[0] == 'r' {
		return "Read"
	}
	return "Write"
}

// parseDevice parses "MAJ:MIN".
func parseDevice(s string) (major, minor uint64, ok bool) {
	a, b, found := strings.Cut(s, ":")
	if !found {
		return 0, 0, false
	}
	major, err1 := strconv.ParseUint(a, 10, 32)
	minor, err2 := strconv.ParseUint(b, 10, 32)
	return major, minor, err1 == nil && err2 == nil
}
