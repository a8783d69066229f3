package runtime

import (
	"maps"
	"slices"

	"github.com/deepsys/deepsys/syscalls/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/opencontainers/runtime-spec/specs-go/features"
)

// Features describes what this runtime implements, in the runtime-spec's
// features.md format (runc features prints the same document). Each list
// is derived from the code that does the work, so it stays true: the mount
// options are the tables of mountopts.go, the namespaces those
// validateNamespaces accepts, the capabilities caps.go's table, and the
// seccomp actions, operators and flags those the seccomp compiler accepts.
func Features() *features.Features {
	yes, no := true, false
	return &features.Features{
		OCIVersionMin: "1.0.0",
		OCIVersionMax: specs.Version,
		Hooks:         []string{"prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop"},
		MountOptions:  mountOptionNames(),
		Linux: &features.Linux{
			Namespaces:      supportedNamespaces(),
			Capabilities:    slices.Clone(capNames),
			Cgroup:          &features.Cgroup{V1: &yes, V2: &yes, Systemd: &no, SystemdUser: &no, Rdma: &no},
			Seccomp:         seccompFeatures(),
			Apparmor:        &features.Apparmor{Enabled: &no},
			Selinux:         &features.Selinux{Enabled: &no},
			IntelRdt:        &features.IntelRdt{Enabled: &no},
			MountExtensions: &features.MountExtensions{IDMap: &features.IDMap{Enabled: &no}},
			NetDevices:      &features.NetDevices{Enabled: &no},
		},
	}
}

// mountOptionNames are the options parseMountOptions turns into flags,
// sorted.
func mountOptionNames() []string {
	names := slices.Collect(maps.Keys(mountFlag))
	names = slices.AppendSeq(names, maps.Keys(propagationFlag))
	slices.Sort(names)
	return names
}

// supportedNamespaces are the namespace types a config may ask for anew.
func supportedNamespaces() []string {
	var out []string
	for t := range cloneFlag {
		nss := []specs.LinuxNamespace{{Type: specs.MountNamespace}}
		if t != specs.MountNamespace {
			nss = append(nss, specs.LinuxNamespace{Type: t})
		}
		if validateNamespaces(nss) == nil {
			out = append(out, string(t))
		}
	}
	slices.Sort(out)
	return out
}

// seccompFeatures asks the seccomp compiler which of the runtime-spec's
// actions, operators and flags it accepts. Filters are built for x86-64
// only (other architectures a policy lists get the bad-arch action).
func seccompFeatures() *features.Seccomp {
	yes := true
	s := &features.Seccomp{Enabled: &yes, Archs: []string{string(specs.ArchX86_64)}}
	for _, a := range []specs.LinuxSeccompAction{specs.ActKill, specs.ActKillProcess, specs.ActKillThread,
		specs.ActTrap, specs.ActErrno, specs.ActTrace, specs.ActAllow, specs.ActLog, specs.ActNotify} {
		if (&seccomp.Policy{DefaultAction: a}).Check() == nil {
			s.Actions = append(s.Actions, string(a))
		}
	}
	for _, op := range []specs.LinuxSeccompOperator{specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual,
		specs.OpEqualTo, specs.OpGreaterEqual, specs.OpGreaterThan, specs.OpMaskedEqual} {
		rule := seccomp.Rule{Names: []string{"read"}, Action: specs.ActAllow, Args: []seccomp.Arg{{Op: op}}}
		if (&seccomp.Policy{DefaultAction: specs.ActAllow, Syscalls: []seccomp.Rule{rule}}).Check() == nil {
			s.Operators = append(s.Operators, string(op))
		}
	}
	for _, f := range []specs.LinuxSeccompFlag{"SECCOMP_FILTER_FLAG_TSYNC", specs.LinuxSeccompFlagLog,
		specs.LinuxSeccompFlagSpecAllow, specs.LinuxSeccompFlagWaitKillableRecv} {
		if (&seccomp.Policy{DefaultAction: specs.ActAllow, Flags: []specs.LinuxSeccompFlag{f}}).Check() == nil {
			s.KnownFlags = append(s.KnownFlags, string(f))
		}
	}
	s.SupportedFlags = slices.Clone(s.KnownFlags)
	slices.Sort(s.Actions)
	slices.Sort(s.Operators)
	return s
}
