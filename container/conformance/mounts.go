package conformance

import (
	"bufio"
	"os"
	"sort"
	"strings"

	"golang.org/x/sys/unix"
)

// detachUnder lazily unmounts (umount2 MNT_DETACH) every mount at or
// below dir, deepest first, and returns how many there were. runc, given
// a config without a mount namespace (validation/linux_ns_itype), builds
// the container's rootfs mounts in its caller's mount namespace and
// leaves them there.
func detachUnder(dir string) int {
	mps := mountsUnder(dir)
	sort.Sort(sort.Reverse(sort.StringSlice(mps)))
	for _, mp := range mps {
		unix.Unmount(mp, unix.MNT_DETACH)
	}
	return len(mps)
}

// mountsUnder lists the mount points of /proc/self/mountinfo (field 5,
// proc(5)) at or below dir.
func mountsUnder(dir string) []string {
	f, err := os.Open("/proc/self/mountinfo")
	if err != nil {
		return nil
	}
	defer f.Close()
	var out []string
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		if len(fields) < 5 {
			continue
		}
		if mp := fields[4]; mp == dir || strings.HasPrefix(mp, dir+"/") {
			out = append(out, mp)
		}
	}
	return out
}
