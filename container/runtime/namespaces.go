package runtime

import (
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// cloneFlag maps each runtime-spec namespace type to its clone(2) flag
// (namespaces(7)).
var cloneFlag = map[specs.LinuxNamespaceType]uintptr{
	specs.PIDNamespace:     unix.CLONE_NEWPID,
	specs.NetworkNamespace: unix.CLONE_NEWNET,
	specs.MountNamespace:   unix.CLONE_NEWNS,
	specs.IPCNamespace:     unix.CLONE_NEWIPC,
	specs.UTSNamespace:     unix.CLONE_NEWUTS,
	specs.UserNamespace:    unix.CLONE_NEWUSER,
	specs.CgroupNamespace:  unix.CLONE_NEWCGROUP,
	specs.TimeNamespace:    unix.CLONE_NEWTIME,
}

// cloneFlags is the OR of the flags of the config's new namespaces but
// time, which clone(2) cannot take and the launch thread unshares
// (timens.go).
func cloneFlags(nss []specs.LinuxNamespace) uintptr {
	var f uintptr
	for _, ns := range nss {
		if ns.Path == "" && ns.Type != specs.TimeNamespace {
			f |= cloneFlag[ns.Type]
		}
	}
	return f
}

// hasNamespace reports whether the config asks for a namespace of type t.
func hasNamespace(s *specs.Spec, t specs.LinuxNamespaceType) bool {
	for _, ns := range s.Linux.Namespaces {
		if ns.Type == t {
			return true
		}
	}
	return false
}
