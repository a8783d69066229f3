package decode

import (
	"testing"

	"golang.org/x/sys/unix"
)

// BenchmarkDecode is the decoder's share of a traced syscall: an openat
// (a path to read) and a read (a buffer at exit), entry to String.
func BenchmarkDecode(b *testing.B) {
	mem := fakeMem{p1: cstr("/usr/lib/locale/locale-archive"), p2: []byte("root:x:0:0:root:/root:/bin/bash\nmore")}
	b.Run("openat", func(b *testing.B) {
		for b.Loop() {
			c := Enter(unix.SYS_OPENAT, [6]uint64{0xffffff9c, p1, 0x80000}, mem)
			c.Exit(3, mem)
			_ = c.String()
		}
	})
	b.Run("read", func(b *testing.B) {
		for b.Loop() {
			c := Enter(unix.SYS_READ, [6]uint64{3, p2, 4096}, mem)
			c.Exit(36, mem)
			_ = c.String()
		}
	})
	b.Run("close", func(b *testing.B) {
		for b.Loop() {
			c := Enter(unix.SYS_CLOSE, [6]uint64{3}, mem)
			c.Exit(0, mem)
			_ = c.String()
		}
	})
}
