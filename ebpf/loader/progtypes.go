package loader

// Program types from section names, as libbpf's section_defs table
// (tools/lib/bpf/libbpf.c) names them: a section is either exactly a
// name ("xdp") or a prefix followed by "/" and an attach target
// ("kprobe/do_sys_open", "xdp/devmap").

import (
	"fmt"
	"strings"
)

// ProgType is the kernel's enum bpf_prog_type.
type ProgType uint32

// The program types the loader recognises (uapi/linux/bpf.h).
const (
	Unspec        ProgType = 0
	SocketFilter  ProgType = 1
	Kprobe        ProgType = 2
	SchedCLS      ProgType = 3
	SchedACT      ProgType = 4
	TracePoint    ProgType = 5
	XDP           ProgType = 6
	PerfEvent     ProgType = 7
	CGroupSKB     ProgType = 8
	RawTracepoint ProgType = 17
)

var progTypeNames = map[ProgType]string{
	Unspec: "unspec", SocketFilter: "socket_filter", Kprobe: "kprobe", SchedCLS: "sched_cls",
	SchedACT: "sched_act", TracePoint: "tracepoint", XDP: "xdp", PerfEvent: "perf_event",
	CGroupSKB: "cgroup_skb", RawTracepoint: "raw_tracepoint",
}

func (t ProgType) String() string {
	if s, ok := progTypeNames[t]; ok {
		return s
	}
	return fmt.Sprintf("prog_type(%d)", uint32(t))
}

// sectionTypes maps a section name, or its part before "/", to a type.
var sectionTypes = map[string]ProgType{
	"socket": SocketFilter, "kprobe": Kprobe, "kretprobe": Kprobe, "tc": SchedCLS, "classifier": SchedCLS,
	"tcx": SchedCLS, "action": SchedACT, "tracepoint": TracePoint, "tp": TracePoint, "xdp": XDP,
	"perf_event": PerfEvent, "cgroup_skb": CGroupSKB, "raw_tracepoint": RawTracepoint, "raw_tp": RawTracepoint,
}

// progTypeOf is the program type of a section; Unspec when unknown.
func progTypeOf(section string) ProgType {
	prefix, _, _ := strings.Cut(section, "/")
	return sectionTypes[prefix]
}
