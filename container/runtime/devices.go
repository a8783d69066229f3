package runtime

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// defaultDevices are the device nodes every container gets (runtime-spec
// config-linux.md "Default Devices"). They are bind-mounted from the host,
// as runc does in user namespaces, rather than made with mknod(2).
var defaultDevices = []string{"null", "zero", "full", "random", "urandom", "tty"}

// defaultLinks are /dev's standard symlinks (runtime-spec config-linux.md
// "Default Devices", /dev/fd and the stdio links).
var defaultLinks = [][2]string{
	{"/proc/self/fd", "fd"}, {"/proc/self/fd/0", "stdin"}, {"/proc/self/fd/1", "stdout"},
	{"/proc/self/fd/2", "stderr"}, {"pts/ptmx", "ptmx"},
}

// setupDev fills <rootfs>/dev when the config mounted something there (a
// tmpfs, usually); a rootfs without a /dev mount is left as it is.
func setupDev(root string, devMounted bool) error {
	if !devMounted {
		return nil
	}
	dev, err := resolveIn(root, "/dev")
	if err != nil {
		return err
	}
	for _, d := range defaultDevices {
		if err := bindDevice(filepath.Join(dev, d), "/dev/"+d); err != nil {
			return fmt.Errorf("/dev/%s: %w", d, err)
		}
	}
	for _, l := range defaultLinks {
		err := os.Symlink(l[0], filepath.Join(dev, l[1]))
		if err != nil && !errors.Is(err, os.ErrExist) {
			return fmt.Errorf("/dev/%s: %w", l[1], err)
		}
	}
	return nil
}

func bindDevice(dest, src string) error {
	f, err := os.OpenFile(dest, os.O_CREATE, 0o666)
	if err != nil {
		return err
	}
	f.Close()
	return unix.Mount(src, dest, "", unix.MS_BIND, "")
}
