package runtime

import (
	"strings"

	"golang.org/x/sys/unix"
)

// mountFlag maps fstab-style options (mount(8)) to mount(2) flags; clear
// means the option turns the flag off.
var mountFlag = map[string]struct {
	clear bool
	flag  uintptr
}{
	"ro": {false, unix.MS_RDONLY}, "rw": {true, unix.MS_RDONLY},
	"nosuid": {false, unix.MS_NOSUID}, "suid": {true, unix.MS_NOSUID},
	"nodev": {false, unix.MS_NODEV}, "dev": {true, unix.MS_NODEV},
	"noexec": {false, unix.MS_NOEXEC}, "exec": {true, unix.MS_NOEXEC},
	"sync": {false, unix.MS_SYNCHRONOUS}, "async": {true, unix.MS_SYNCHRONOUS},
	"noatime": {false, unix.MS_NOATIME}, "atime": {true, unix.MS_NOATIME},
	"nodiratime": {false, unix.MS_NODIRATIME}, "diratime": {true, unix.MS_NODIRATIME},
	"relatime": {false, unix.MS_RELATIME}, "norelatime": {true, unix.MS_RELATIME},
	"strictatime": {false, unix.MS_STRICTATIME}, "nostrictatime": {true, unix.MS_STRICTATIME},
	"bind": {false, unix.MS_BIND}, "rbind": {false, unix.MS_BIND | unix.MS_REC},
	"remount": {false, unix.MS_REMOUNT}, "mand": {false, unix.MS_MANDLOCK},
	"dirsync": {false, unix.MS_DIRSYNC},
}

// propagationFlag maps propagation options (mount_namespaces(7)).
var propagationFlag = map[string]uintptr{
	"private": unix.MS_PRIVATE, "rprivate": unix.MS_PRIVATE | unix.MS_REC,
	"shared": unix.MS_SHARED, "rshared": unix.MS_SHARED | unix.MS_REC,
	"slave": unix.MS_SLAVE, "rslave": unix.MS_SLAVE | unix.MS_REC,
	"unbindable": unix.MS_UNBINDABLE, "runbindable": unix.MS_UNBINDABLE | unix.MS_REC,
}

// mountOptions splits options into mount flags, propagation flags and
// the data string handed to the filesystem.
type mountOptions struct {
	flags uintptr
	prop  []uintptr
	data  string
}

func parseMountOptions(opts []string) mountOptions {
	var m mountOptions
	var data []string
	for _, o := range opts {
		if f, ok := mountFlag[o]; ok {
			if f.clear {
				m.flags &^= f.flag
			} else {
				m.flags |= f.flag
			}
		} else if p, ok := propagationFlag[o]; ok {
			m.prop = append(m.prop, p)
		} else {
			data = append(data, o)
		}
	}
	m.data = strings.Join(data, ",")
	return m
}
