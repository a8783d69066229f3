package maps

import (
	"fmt"
	"syscall"
	"unsafe"
)

// roundUp8 is the kernel's round_up(value_size, 8): the size of a value in
// an array, and of each CPU's copy of a per-CPU value.
func roundUp8(n uint32) int { return (int(n) + 7) &^ 7 }

// checkMemory refuses a map that would take more than maxSlabBytes, values
// and bookkeeping together, with ENOMEM (the kernel's answer when its
// allocation fails), before anything is allocated.
func checkMemory(spec Spec, n uint64) error {
	if n > maxSlabBytes {
		return specError(spec, syscall.ENOMEM, "%d bytes (this package allocates at most %d per map)", n, uint64(maxSlabBytes))
	}
	return nil
}

// newSlab allocates n zeroed bytes aligned to 8, so that programs may use
// 8-byte atomics on values, or ENOMEM past maxSlabBytes.
func newSlab(spec Spec, n uint64) ([]byte, error) {
	if err := checkMemory(spec, n); err != nil {
		return nil, err
	}
	if n == 0 {
		return []byte{}, nil
	}
	words := make([]uint64, (n+7)/8)
	return unsafe.Slice((*byte)(unsafe.Pointer(&words[0])), n), nil
}

// base holds what every map type shares: its spec, its CPU count and the
// size checks of the syscall face.
type base struct {
	spec Spec
	cpus int
}

func (b *base) Spec() Spec { return b.spec }

// percpu reports whether values have a copy per CPU.
func (b *base) percpu() bool {
	switch b.spec.Type {
	case PerCPUArray, PerCPUHash, LRUPerCPUHash:
		return true
	}
	return false
}

// copies is the number of copies of each value: the CPUs for per-CPU maps.
func (b *base) copies() int {
	if b.percpu() {
		return b.cpus
	}
	return 1
}

// elemSize is one copy of a value in the slab, padded to 8 bytes.
func (b *base) elemSize() int { return roundUp8(b.spec.ValueSize) }

// stride is one entry's values in the slab: every CPU's copy.
func (b *base) stride() int { return b.elemSize() * b.copies() }

// sysValueSize is the value bpf(2) copies in and out: value_size, or for
// per-CPU maps each CPU's value padded to 8 bytes.
func (b *base) sysValueSize() int {
	if b.percpu() {
		return b.stride()
	}
	return int(b.spec.ValueSize)
}

func (b *base) checkKey(key []byte) error {
	if len(key) != int(b.spec.KeySize) {
		return fmt.Errorf("maps: %q: key of %d bytes, want %d: %w", b.spec.Name, len(key), b.spec.KeySize, syscall.EINVAL)
	}
	return nil
}

func (b *base) checkValue(value []byte, want int) error {
	if len(value) != want {
		return fmt.Errorf("maps: %q: value of %d bytes, want %d: %w", b.spec.Name, len(value), want, syscall.EINVAL)
	}
	return nil
}

// checkFlags is the update flags every type but the program array takes.
func checkFlags(flags uint64) error {
	if flags > UpdateExist {
		return fmt.Errorf("maps: update flags %#x: %w", flags, syscall.EINVAL)
	}
	return nil
}

// canRead and canWrite are the fd's permissions, which BPF_F_RDONLY and
// BPF_F_WRONLY set for the syscall face.
func (b *base) canRead() error {
	if b.spec.Flags&FlagWrOnly != 0 {
		return syscall.EPERM
	}
	return nil
}

func (b *base) canWrite() error {
	if b.spec.Flags&FlagRdOnly != 0 {
		return syscall.EPERM
	}
	return nil
}

// progCanRead and progCanWrite stand for the verifier, which refuses a
// program that reads a BPF_F_WRONLY_PROG map or writes a BPF_F_RDONLY_PROG
// one; here the operation fails at run time instead.
func (b *base) progCanRead() bool { return b.spec.Flags&FlagWrOnlyProg == 0 }

func (b *base) progCanWrite() error {
	if b.spec.Flags&FlagRdOnlyProg != 0 {
		return syscall.EPERM
	}
	return nil
}

// cpuIndex checks a program face's CPU: per-CPU maps need one in range,
// the others ignore it.
func (b *base) cpuIndex(cpu int) (int, bool) {
	if !b.percpu() {
		return 0, true
	}
	return cpu, cpu >= 0 && cpu < b.cpus
}
