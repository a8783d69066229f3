package decode

// In-out arguments: the kernel reads them at entry and rewrites them by
// exit (a socklen_t, sendfile's offset); Enter saves what they held and
// Exit prints both, as strace does: [128 => 16].

import "fmt"

func savedU32(a arg) uint64 {
	v, ok := readU32(a.mem, a.v)
	if !ok {
		return 1 << 32
	}
	return uint64(v)
}

func savedU64(a arg) uint64 {
	v, ok := readU64(a.mem, a.v)
	if !ok {
		a.c.savedBad |= 1 << a.i
	}
	return v
}

// offInOut prints an in-out file offset (sendfile): [2] => [9].
func offInOut(a arg) string {
	if a.c.savedBad&(1<<a.i) != 0 || a.v == 0 {
		return pointer(a.v)
	}
	before := fmt.Sprintf("[%d]", int64(a.c.saved[a.i]))
	after, ok := readU64(a.mem, a.v)
	if !ok || a.c.Errno() != 0 || after == a.c.saved[a.i] {
		return before
	}
	return fmt.Sprintf("%s => [%d]", before, int64(after))
}

// socklen prints an in-out length: [16], or [128 => 16] when the kernel
// changed it.
func socklen(a arg) string {
	before := a.c.saved[a.i]
	if before > 0xffffffff {
		return pointer(a.v)
	}
	after, ok := readU32(a.mem, a.v)
	if !ok || a.c.Errno() != 0 || uint64(after) == before {
		return fmt.Sprintf("[%d]", uint32(before))
	}
	return fmt.Sprintf("[%d => %d]", uint32(before), after)
}

// fdPair prints pipe2's and socketpair's two descriptors: [3, 4].
func fdPair(a arg) string {
	b, ok := readFull(a.mem, a.v, 8)
	if !ok {
		return pointer(a.v)
	}
	return fmt.Sprintf("[%d, %d]", int32(le.Uint32(b)), int32(le.Uint32(b[4:])))
}
