package runtime

import (
	"errors"
	"fmt"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// A container without a mount namespace (no "mount" in linux.namespaces:
// it inherits the runtime's, runtime-spec config-linux.md "Namespaces").
// runc sets such a container up in the host's mount namespace and jails it
// with chroot(2) instead of pivot_root; runtime-tools' linux_ns_itype
// checks it. Here:
//
//  1. the init does not change the propagation of / (that would be the
//     host's) and binds the rootfs on itself, so that every mount of the
//     container hangs below that one bind mount;
//  2. the config's mounts, /dev, devices, masked and readonly paths are
//     made as usual, below it;
//  3. chroot(rootfs) replaces pivot_root (the host's root must stay);
//  4. the runtime notes the rootfs's mount id (statx(2) STATX_MNT_ID)
//     before the init starts; delete — and a create that fails — detaches
//     the bind with umount2(MNT_DETACH), taking every container mount with
//     it, but only if the mount at the rootfs is no longer the one noted
//     (so a rootfs that is itself a mount, e.g. an overlay, is never
//     detached in its place).

// sharedRoot is the rootfs of a container without a mount namespace and
// the id of the mount it was on before create (empty Path otherwise).
type sharedRoot struct {
	Path string `json:"path,omitempty"`
	ID   uint64 `json:"mountID,omitempty"`
}

// sharedMountNS reports whether the container has no mount namespace of
// its own (neither new nor joined).
func sharedMountNS(s *specs.Spec) bool { return !hasNamespace(s, specs.MountNamespace) }

// prepareSharedRoot is step 1.
func prepareSharedRoot(s *specs.Spec) error {
	r := s.Root.Path
	if err := unix.Mount(r, r, "", unix.MS_BIND|unix.MS_REC, ""); err != nil {
		return fmt.Errorf("binding rootfs %s: %w", r, err)
	}
	return nil
}

// chrootRoot is step 3.
func chrootRoot(rootfs string) error {
	if err := unix.Chdir(rootfs); err != nil {
		return fmt.Errorf("chdir %s: %w", rootfs, err)
	}
	if err := unix.Chroot("."); err != nil {
		return fmt.Errorf("chroot %s: %w", rootfs, err)
	}
	return unix.Chdir("/")
}

// mountID is the id of the mount that path is on (statx(2)).
func mountID(path string) (uint64, error) {
	var st unix.Statx_t
	if err := unix.Statx(unix.AT_FDCWD, path, unix.AT_STATX_SYNC_AS_STAT, unix.STATX_MNT_ID, &st); err != nil {
		return 0, err
	}
	if st.Mask&unix.STATX_MNT_ID == 0 {
		return 0, errors.New("statx: no mount id")
	}
	return st.Mnt_id, nil
}

// detachRootfs is step 4: it detaches the container's bind of rootfs if
// it is on top (its mount id differs from before, which was before).
func detachRootfs(rootfs string, before uint64) error {
	if rootfs == "" {
		return nil
	}
	now, err := mountID(rootfs)
	if err != nil || now == before {
		return err
	}
	if err := unix.Unmount(rootfs, unix.MNT_DETACH); err != nil {
		return fmt.Errorf("detaching the container's mounts at %s: %w", rootfs, err)
	}
	return nil
}
