package runtime

import (
	"fmt"
	"os"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// deviceType maps linux.devices[].type to the file type of mknod(2).
var deviceType = map[string]uint32{"c": unix.S_IFCHR, "u": unix.S_IFCHR, "b": unix.S_IFBLK, "p": unix.S_IFIFO}

// makeDevices creates linux.devices in the rootfs with mknod(2) at paths
// resolved inside it, then sets owner and mode (runtime-spec
// config-linux.md "Devices"). Which devices the container may open is the
// cgroup device controller's part (linux.resources.devices).
func makeDevices(root string, devs []specs.LinuxDevice) error {
	for i, d := range devs {
		if err := makeDevice(root, d); err != nil {
			return fmt.Errorf("linux.devices[%d] (%s): %w", i, d.Path, err)
		}
	}
	return nil
}

func makeDevice(root string, d specs.LinuxDevice) error {
	typ, ok := deviceType[d.Type]
	if !ok {
		return fmt.Errorf("type %q: want c, u, b or p", d.Type)
	}
	dest, err := resolveIn(root, d.Path)
	if err != nil {
		return err
	}
	mode := uint32(0o666)
	if d.FileMode != nil {
		mode = uint32(*d.FileMode) & 0o7777
	}
	os.Remove(dest) // a default device of the same name gives way
	if err := unix.Mknod(dest, typ|mode, int(unix.Mkdev(uint32(d.Major), uint32(d.Minor)))); err != nil {
		return fmt.Errorf("mknod: %w", err)
	}
	uid, gid := 0, 0
	if d.UID != nil {
		uid = int(*d.UID)
	}
	if d.GID != nil {
		gid = int(*d.GID)
	}
	if err := unix.Chown(dest, uid, gid); err != nil {
		return err
	}
	return unix.Chmod(dest, mode) // mknod's mode went through the umask
}
