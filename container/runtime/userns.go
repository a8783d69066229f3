package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"syscall"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// User namespaces (user_namespaces(7); runtime-spec config-linux.md "User
// namespace mappings").
//
//  1. The init is cloned with CLONE_NEWUSER together with the other new
//     namespaces, which the new user namespace then owns; Go's fork path
//     holds the child until the parent has written /proc/<pid>/uid_map and
//     gid_map from linux.uidMappings and gidMappings (SysProcAttr), with
//     setgroups allowed (the process may need process.user's groups).
//  2. The child then sets its uid and gid to 0 — container root, which is
//     host uid/gid hostID of the mapping of 0 — before execve, so the init
//     runs as root of its namespace with all capabilities there
//     (capabilities(7) "Capabilities and execution of programs by root").
//  3. It starts from the launch thread's cwd, /proc, and execs the relative
//     path self/exe (launch.go), which needs no search permission on /.
//
// What it cannot do: the init reaches root.path, bind mount sources and
// /dev by host paths, so the mapped root must be able to search every
// directory on the way. A capability in a child user namespace overrides
// permissions only on files whose owner and group are mapped into it
// (capabilities(7) "Interaction with user namespaces"), so with / of mode
// 0640 root:root (as on our machines) a mapping that leaves out host uid
// and gid 0 cannot get past /. create checks that before it starts
// anything (reachable) and names the directory; runc 1.1.5 fails with the
// same mapping here ("open /proc/self/mountinfo: permission denied").

// validateUserNS checks mappings against the namespaces.
func validateUserNS(l *specs.Linux) error {
	newUser := hasNSType(l.Namespaces, specs.UserNamespace) && nsPath(l.Namespaces, specs.UserNamespace) == ""
	if !newUser {
		if len(l.UIDMappings)+len(l.GIDMappings) > 0 {
			return errors.New("linux.uidMappings: mappings need a new user namespace (type \"user\" without a path)")
		}
		return nil
	}
	if err := checkMappings("linux.uidMappings", l.UIDMappings); err != nil {
		return err
	}
	return checkMappings("linux.gidMappings", l.GIDMappings)
}

// checkMappings: non-empty, at most 340 ranges (user_namespaces(7)),
// sizes above zero, no overflow, no overlaps, and container id 0 mapped.
func checkMappings(field string, m []specs.LinuxIDMapping) error {
	if len(m) == 0 {
		return fmt.Errorf("%s: a new user namespace needs at least one mapping", field)
	}
	if len(m) > 340 {
		return fmt.Errorf("%s: %d ranges, the kernel takes at most 340", field, len(m))
	}
	for i, r := range m {
		switch {
		case r.Size == 0:
			return fmt.Errorf("%s[%d].size: 0", field, i)
		case uint64(r.ContainerID)+uint64(r.Size) > 1<<32-1, uint64(r.HostID)+uint64(r.Size) > 1<<32-1:
			return fmt.Errorf("%s[%d]: range runs past id 4294967294", field, i)
		}
		for j := range i {
			if overlap(m[j].ContainerID, m[j].Size, r.ContainerID, r.Size) {
				return fmt.Errorf("%s[%d]: containerID range overlaps %s[%d]", field, i, field, j)
			}
			if overlap(m[j].HostID, m[j].Size, r.HostID, r.Size) {
				return fmt.Errorf("%s[%d]: hostID range overlaps %s[%d]", field, i, field, j)
			}
		}
	}
	if _, ok := toHost(m, 0); !ok {
		return fmt.Errorf("%s: container id 0 is not mapped (the init runs as root of the namespace)", field)
	}
	return nil
}

func overlap(a, an, b, bn uint32) bool {
	return uint64(a) < uint64(b)+uint64(bn) && uint64(b) < uint64(a)+uint64(an)
}

// toHost maps container id id to the host through m.
func toHost(m []specs.LinuxIDMapping, id uint32) (uint32, bool) {
	for _, r := range m {
		if id >= r.ContainerID && uint64(id) < uint64(r.ContainerID)+uint64(r.Size) {
			return r.HostID + (id - r.ContainerID), true
		}
	}
	return 0, false
}

// idMaps converts mappings for SysProcAttr.
func idMaps(m []specs.LinuxIDMapping) []syscall.SysProcIDMap {
	out := make([]syscall.SysProcIDMap, len(m))
	for i, r := range m {
		out[i] = syscall.SysProcIDMap{ContainerID: int(r.ContainerID), HostID: int(r.HostID), Size: int(r.Size)}
	}
	return out
}

// userNSAttr sets step 1 and 2 on attr when the config makes a user
// namespace.
func userNSAttr(attr *syscall.SysProcAttr, l *specs.Linux) {
	if attr.Cloneflags&syscall.CLONE_NEWUSER == 0 {
		return
	}
	attr.UidMappings, attr.GidMappings = idMaps(l.UIDMappings), idMaps(l.GIDMappings)
	attr.GidMappingsEnableSetgroups = true
	attr.Credential = &syscall.Credential{Uid: 0, Gid: 0}
}

// reachable checks that the container's root, as mapped to the host, can
// search every directory from / down to rootfs.
func reachable(l *specs.Linux, rootfs string) error {
	if len(l.UIDMappings) == 0 {
		return nil
	}
	uid, _ := toHost(l.UIDMappings, 0)
	gid, _ := toHost(l.GIDMappings, 0)
	for dir := rootfs; ; dir = filepath.Dir(dir) {
		if err := searchable(l, dir, uid, gid); err != nil {
			return err
		}
		if dir == "/" {
			return nil
		}
	}
}

// searchable applies the permission check of path_resolution(7) for
// MAY_EXEC on dir to host uid/gid, with CAP_DAC_OVERRIDE in the new
// namespace when dir's owner and group are both mapped.
func searchable(l *specs.Linux, dir string, uid, gid uint32) error {
	fi, err := os.Stat(dir)
	if err != nil {
		return fmt.Errorf("root.path: %w", err)
	}
	st := fi.Sys().(*syscall.Stat_t)
	mode := fi.Mode().Perm()
	var ok bool
	switch {
	case st.Uid == uid:
		ok = mode&0o100 != 0
	case st.Gid == gid:
		ok = mode&0o010 != 0
	default:
		ok = mode&0o001 != 0
	}
	ok = ok || (mappedOnHost(l.UIDMappings, st.Uid) && mappedOnHost(l.GIDMappings, st.Gid))
	if !ok {
		return fmt.Errorf("linux.uidMappings: the container's root is host uid %d gid %d, which cannot search %s "+
			"(mode %04o, owner %d:%d) on the way to root.path; map host uid and gid %d:%d too, or make it searchable",
			uid, gid, dir, mode, st.Uid, st.Gid, st.Uid, st.Gid)
	}
	return nil
}

// mappedOnHost reports whether host id h is in one of m's ranges.
func mappedOnHost(m []specs.LinuxIDMapping, h uint32) bool {
	for _, r := range m {
		if h >= r.HostID && uint64(h) < uint64(r.HostID)+uint64(r.Size) {
			return true
		}
	}
	return false
}
