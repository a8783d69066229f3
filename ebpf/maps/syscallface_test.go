package maps

import (
	"encoding/binary"
	"syscall"
	"testing"
)

// syscallCases are single operations on fresh maps whose answer is fixed by
// the kernel: the ring buffer's and the program array's syscall faces, and
// the access flags. TestSyscallFace checks our answer against want;
// TestSyscallFaceAgainstKernel checks the kernel's against want.
var syscallCases = []struct {
	name  string
	spec  Spec
	op    string // lookup, update, delete, next
	key   []byte
	value []byte
	flags uint64
	want  syscall.Errno
}{
	{"ringbuf lookup", ringSpec, "lookup", nil, nil, 0, enotsupp},
	{"ringbuf update", ringSpec, "update", nil, nil, 0, enotsupp},
	{"ringbuf delete", ringSpec, "delete", nil, nil, 0, enotsupp},
	{"ringbuf next key", ringSpec, "next", nil, nil, 0, enotsupp},
	{"prog array lookup empty", progSpec, "lookup", u32(1), nil, 0, syscall.ENOENT},
	{"prog array lookup past the end", progSpec, "lookup", u32(9), nil, 0, syscall.ENOENT},
	{"prog array delete empty", progSpec, "delete", u32(1), nil, 0, syscall.ENOENT},
	{"prog array delete past the end", progSpec, "delete", u32(9), nil, 0, syscall.E2BIG},
	{"prog array update flags", progSpec, "update", u32(1), u32(0), UpdateNoExist, syscall.EINVAL},
	{"prog array update past the end", progSpec, "update", u32(9), u32(0), 0, syscall.E2BIG},
	{"prog array update a closed fd", progSpec, "update", u32(1), u32(100000), 0, syscall.EBADF},
	{"prog array next key", progSpec, "next", u32(1), nil, 0, 0},
	{"prog array next key after the last", progSpec, "next", u32(3), nil, 0, syscall.ENOENT},
	{"rdonly update", rdonlySpec, "update", u32(0), u32(0), 0, syscall.EPERM},
	{"rdonly delete", rdonlySpec, "delete", u32(0), nil, 0, syscall.EPERM},
	{"rdonly lookup", rdonlySpec, "lookup", u32(0), nil, 0, syscall.ENOENT},
	{"wronly lookup", wronlySpec, "lookup", u32(0), nil, 0, syscall.EPERM},
	{"wronly next key", wronlySpec, "next", nil, nil, 0, syscall.EPERM},
	{"wronly update", wronlySpec, "update", u32(0), u32(7), 0, 0},
	{"array update BPF_F_LOCK", arraySpec, "update", u32(0), u32(7), 4, syscall.EINVAL},
	{"hash update BPF_F_LOCK", hashSpec, "update", u32(0), u32(7), 4, syscall.EINVAL},
	{"hash delete missing", hashSpec, "delete", u32(0), nil, 0, syscall.ENOENT},
	{"hash next key of empty", hashSpec, "next", nil, nil, 0, syscall.ENOENT},
	{"array delete", arraySpec, "delete", u32(0), nil, 0, syscall.EINVAL},
	{"array next key past the end", arraySpec, "next", u32(100), nil, 0, 0},
}

var (
	ringSpec   = Spec{Type: RingBuf, MaxEntries: 4096}
	progSpec   = Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4}
	arraySpec  = Spec{Type: Array, KeySize: 4, ValueSize: 4, MaxEntries: 4}
	hashSpec   = Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 4}
	rdonlySpec = Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 4, Flags: FlagRdOnly}
	wronlySpec = Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 4, Flags: FlagWrOnly}
)

func u32(v uint32) []byte { return binary.NativeEndian.AppendUint32(nil, v) }

func TestSyscallFace(t *testing.T) {
	for _, c := range syscallCases {
		m, err := New(c.spec, Options{})
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		var got error
		switch c.op {
		case "lookup":
			_, got = m.Lookup(c.key)
		case "update":
			got = m.Update(c.key, c.value, c.flags)
		case "delete":
			got = m.Delete(c.key)
		case "next":
			_, got = m.NextKey(c.key)
		}
		if errno(got) != c.want {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSyscallFaceAgainstKernel(t *testing.T) {
	for _, c := range syscallCases {
		k := newKernelMap(t, c.spec)
		var got error
		switch c.op {
		case "lookup":
			_, got = k.Lookup(c.key, int(c.spec.ValueSize))
		case "update":
			got = k.Update(c.key, c.value, c.flags)
		case "delete":
			got = k.Delete(c.key)
		case "next":
			_, got = k.NextKey(c.key)
		}
		if errno(got) != c.want {
			t.Errorf("%s: the kernel says %v, the table %v", c.name, got, c.want)
		}
	}
}
