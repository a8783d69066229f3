package seccomp

import "github.com/opencontainers/runtime-spec/specs-go"

// Policy is a seccomp profile in the OCI runtime-spec's LinuxSeccomp format
// extended with Docker's profile fields (archMap, per-rule includes and
// excludes, the legacy single "name", comments). ParsePolicy reads it from
// JSON; a program may also build one directly.
type Policy struct {
	DefaultAction    specs.LinuxSeccompAction `json:"defaultAction"`
	DefaultErrnoRet  *uint                    `json:"defaultErrnoRet,omitempty"`
	Architectures    []specs.Arch             `json:"architectures,omitempty"`
	ArchMap          []ArchMap                `json:"archMap,omitempty"`
	Flags            []specs.LinuxSeccompFlag `json:"flags,omitempty"`
	ListenerPath     string                   `json:"listenerPath,omitempty"`
	ListenerMetadata string                   `json:"listenerMetadata,omitempty"`
	Syscalls         []Rule                   `json:"syscalls,omitempty"`
}

// ArchMap is one Docker archMap entry: a main architecture and the
// sub-architectures its kernel also runs (x86_64: x86 and x32).
type ArchMap struct {
	Architecture     specs.Arch   `json:"architecture"`
	SubArchitectures []specs.Arch `json:"subArchitectures"`
}

// Rule is one entry of "syscalls": the action for the named syscalls when
// all argument conditions hold.
type Rule struct {
	Names    []string                 `json:"names,omitempty"`
	Name     string                   `json:"name,omitempty"` // Docker's legacy single-name spelling
	Action   specs.LinuxSeccompAction `json:"action"`
	ErrnoRet *uint                    `json:"errnoRet,omitempty"`
	Args     []Arg                    `json:"args,omitempty"`
	Comment  string                   `json:"comment,omitempty"`
	Includes *Condition               `json:"includes,omitempty"`
	Excludes *Condition               `json:"excludes,omitempty"`
}

// Arg is a condition on syscall argument Index (0-5), compared as an
// unsigned 64-bit value: arg OP Value, or (arg & Value) == ValueTwo for
// SCMP_CMP_MASKED_EQ.
type Arg struct {
	Index    uint                       `json:"index"`
	Value    uint64                     `json:"value"`
	ValueTwo uint64                     `json:"valueTwo,omitempty"`
	Op       specs.LinuxSeccompOperator `json:"op"`
}

// Condition is Docker's includes/excludes filter: the capabilities of the
// container, the architecture (Go/libseccomp names: amd64, x32, arm64), and
// the minimum kernel ("5.8").
type Condition struct {
	Caps      []string `json:"caps,omitempty"`
	Arches    []string `json:"arches,omitempty"`
	MinKernel string   `json:"minKernel,omitempty"`
}

// FromOCI converts the runtime-spec's LinuxSeccomp (the "linux.seccomp" of
// a container's config.json) into a Policy.
func FromOCI(s *specs.LinuxSeccomp) *Policy {
	p := &Policy{
		DefaultAction:    s.DefaultAction,
		DefaultErrnoRet:  s.DefaultErrnoRet,
		Architectures:    s.Architectures,
		Flags:            s.Flags,
		ListenerPath:     s.ListenerPath,
		ListenerMetadata: s.ListenerMetadata,
	}
	for _, sc := range s.Syscalls {
		r := Rule{Names: sc.Names, Action: sc.Action, ErrnoRet: sc.ErrnoRet}
		for _, a := range sc.Args {
			r.Args = append(r.Args, Arg{Index: a.Index, Value: a.Value, ValueTwo: a.ValueTwo, Op: a.Op})
		}
		p.Syscalls = append(p.Syscalls, r)
	}
	return p
}
