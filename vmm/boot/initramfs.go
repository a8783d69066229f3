package boot

import (
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// An initramfs is a "newc" cpio archive the kernel unpacks into its root
// file system before running /init (Documentation/driver-api/early-userspace/
// buffer-format.rst). Each member is:
//
//  1. a 110-byte ASCII header: "070701", then 13 fields of 8 hex digits —
//     ino, mode, uid, gid, nlink, mtime, filesize, devmajor, devminor,
//     rdevmajor, rdevminor, namesize (with its NUL), check (0);
//  2. the name, NUL-terminated, padded so the data starts 4-byte aligned;
//  3. the data, padded to 4 bytes.
//
// The archive ends with a member named "TRAILER!!!".

// InitramfsFile is one member of an initramfs.
type InitramfsFile struct {
	Name string      // path inside the archive, without a leading "/"
	Mode fs.FileMode // fs.ModeDir, fs.ModeSymlink or a regular file, with permissions
	Data []byte      // file contents, or the symlink's target
}

const (
	newcMagic   = "070701"
	newcTrailer = "TRAILER!!!"
	// cpio mode bits (POSIX <cpio.h>: C_ISDIR, C_ISREG, C_ISLNK).
	cISDIR = 0o040000
	cISREG = 0o100000
	cISLNK = 0o120000
)

// Initramfs returns a newc archive of files, in order (a directory must come
// before what it holds, as the kernel creates them in archive order).
func Initramfs(files []InitramfsFile) ([]byte, error) {
	var b bytes.Buffer
	for i, f := range files {
		if err := checkInitramfsName(f.Name); err != nil {
			return nil, fmt.Errorf("initramfs member %d: %w", i, err)
		}
		mode, err := cpioMode(f.Mode)
		if err != nil {
			return nil, fmt.Errorf("initramfs member %d %q: %w", i, f.Name, err)
		}
		writeNewc(&b, uint32(i+1), mode, f.Name, f.Data)
	}
	writeNewc(&b, 0, 0, newcTrailer, nil)
	return b.Bytes(), nil
}

func checkInitramfsName(name string) error {
	switch {
	case name == "" || strings.HasPrefix(name, "/") || path.Clean(name) != name || strings.HasPrefix(name, ".."):
		return fmt.Errorf("name %q: want a clean relative path", name)
	case strings.IndexByte(name, 0) >= 0 || name == newcTrailer:
		return fmt.Errorf("name %q is not allowed", name)
	}
	return nil
}

// cpioMode converts m to the file type and permission bits of a cpio header.
func cpioMode(m fs.FileMode) (uint32, error) {
	perm := uint32(m.Perm())
	switch m.Type() {
	case fs.ModeDir:
		return cISDIR | perm, nil
	case fs.ModeSymlink:
		return cISLNK | perm, nil
	case 0:
		return cISREG | perm, nil
	}
	return 0, fmt.Errorf("mode %v: only directories, regular files and symlinks", m)
}

// writeNewc appends one member. The kernel ignores mtime and check; nlink
// is 2 for directories and 1 otherwise, as cpio writes them.
func writeNewc(b *bytes.Buffer, ino, mode uint32, name string, data []byte) {
	nlink := uint32(1)
	if mode&0o170000 == cISDIR {
		nlink = 2
	}
	fmt.Fprintf(b, "%s%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		newcMagic, ino, mode, 0, 0, nlink, 0, len(data), 0, 0, 0, 0, len(name)+1, 0)
	b.WriteString(name)
	b.WriteByte(0)
	pad4(b)
	b.Write(data)
	pad4(b)
}

func pad4(b *bytes.Buffer) {
	for b.Len()%4 != 0 {
		b.WriteByte(0)
	}
}
