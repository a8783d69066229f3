package maps

import (
	"errors"
	"syscall"
	"testing"
	"unsafe"

	cebpf "github.com/cilium/ebpf"
	"golang.org/x/sys/unix"

	"github.com/deepsys/deepsys/internal/testenv"
)

// kernelMap is a real map: created with cilium/ebpf, operated on with raw
// bpf(2) commands so that every errno reaches the test unchanged.
type kernelMap struct {
	m    *cebpf.Map
	spec Spec
}

// bpf(2) commands.
const (
	cmdMapCreate  = 0
	cmdLookupElem = 1
	cmdUpdateElem = 2
	cmdDeleteElem = 3
	cmdNextKey    = 4
)

// elemAttr is union bpf_attr for the element commands.
type elemAttr struct {
	fd    uint32
	_     uint32
	key   uint64
	value uint64
	flags uint64
}

// createAttr is union bpf_attr for BPF_MAP_CREATE, the fields we set, then
// zeros up to the size the kernel reads.
type createAttr struct {
	mapType, keySize, valueSize, maxEntries, flags uint32
	_                                              [27]uint32
}

func newKernelMap(t testing.TB, spec Spec) *kernelMap {
	t.Helper()
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	m, err := cebpf.NewMap(&cebpf.MapSpec{
		Type: cebpf.MapType(spec.Type), KeySize: spec.KeySize, ValueSize: spec.ValueSize,
		MaxEntries: spec.MaxEntries, Flags: spec.Flags,
	})
	if err != nil {
		t.Fatalf("creating the kernel's %v map: %v", spec.Type, err)
	}
	t.Cleanup(func() { m.Close() })
	return &kernelMap{m: m, spec: spec}
}

// kernelCreate is a raw BPF_MAP_CREATE, bypassing cilium's own checks: the
// kernel's errno for spec, or 0.
func kernelCreate(spec Spec) syscall.Errno {
	attr := createAttr{mapType: uint32(spec.Type), keySize: spec.KeySize, valueSize: spec.ValueSize,
		maxEntries: spec.MaxEntries, flags: spec.Flags}
	fd, _, errno := unix.Syscall(unix.SYS_BPF, cmdMapCreate, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno == 0 {
		unix.Close(int(fd))
	}
	return errno
}

func ptr(b []byte) uint64 {
	if len(b) == 0 {
		return 0
	}
	return uint64(uintptr(unsafe.Pointer(&b[0])))
}

func (k *kernelMap) call(cmd uintptr, key, value []byte, flags uint64) error {
	attr := elemAttr{fd: uint32(k.m.FD()), key: ptr(key), value: ptr(value), flags: flags}
	_, _, errno := unix.Syscall(unix.SYS_BPF, cmd, uintptr(unsafe.Pointer(&attr)), unsafe.Sizeof(attr))
	if errno != 0 {
		return errno
	}
	return nil
}

func (k *kernelMap) Lookup(key []byte, size int) ([]byte, error) {
	v := make([]byte, size)
	if err := k.call(cmdLookupElem, key, v, 0); err != nil {
		return nil, err
	}
	return v, nil
}

func (k *kernelMap) Update(key, value []byte, flags uint64) error {
	return k.call(cmdUpdateElem, key, value, flags)
}

func (k *kernelMap) Delete(key []byte) error { return k.call(cmdDeleteElem, key, nil, 0) }

func (k *kernelMap) NextKey(key []byte) ([]byte, error) {
	next := make([]byte, k.spec.KeySize)
	if err := k.call(cmdNextKey, key, next, 0); err != nil {
		return nil, err
	}
	return next, nil
}

// errno is err's syscall.Errno, or 0.
func errno(err error) syscall.Errno {
	var e syscall.Errno
	if errors.As(err, &e) {
		return e
	}
	if err != nil {
		return syscall.Errno(0xffff)
	}
	return 0
}

// possibleCPUs is the kernel's num_possible_cpus(), Options.CPUs for maps
// compared with the kernel's.
func possibleCPUs(t *testing.T) int {
	n, err := cebpf.PossibleCPU()
	if err != nil {
		t.Fatalf("possible CPUs: %v", err)
	}
	return n
}
