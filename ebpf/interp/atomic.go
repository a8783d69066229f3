package interp

// Atomic operations, RFC 9669 §5.3: add, or, and, xor (each optionally
// fetching the old value into src), xchg, and cmpxchg (compare with r0,
// old value into r0), on 4- or 8-byte words.
//
//  1. The address must be aligned to the width, or the access fails with
//     ErrMisaligned (the kernel verifier insists on it too; CPUs other than
//     x86 cannot do unaligned atomics).
//  2. The word must be inside a writable region (memory.store).
//  3. apply computes the new value from the old one; a compare-and-swap
//     loop makes the update atomic with respect to other goroutines running
//     the same program over shared regions (map values). If the Go slice
//     behind an aligned program address is itself misaligned (a context
//     slice that starts at an odd host address), the update is a plain
//     read-modify-write: still correct for one Run, not atomic across Runs.
//  4. 32-bit results are zero-extended into src or r0.

import (
	"fmt"
	"sync/atomic"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
)

func (m *machine) atomic(in *inst) error {
	size := uint64(4)
	if in.op == opAtomic64 {
		size = 8
	}
	addr := m.regs[in.dst&15] + uint64(int64(in.off))
	if addr%size != 0 {
		return fmt.Errorf("%w: %d-byte atomic operation at %#x", ErrMisaligned, size, addr)
	}
	b := m.mem.slice(addr, size, true)
	if b == nil {
		return m.mem.accessError(addr, size, true, m.prog.regions)
	}
	aop := ebpf.AtomicOp(in.imm)
	var old uint64
	if size == 4 {
		old = uint64(update(b, le.Uint32, le.PutUint32, (*atomic.Uint32)(unsafe.Pointer(&b[0])), aop, uint32(m.regs[in.src&15]), uint32(m.regs[0])))
	} else {
		old = update(b, le.Uint64, le.PutUint64, (*atomic.Uint64)(unsafe.Pointer(&b[0])), aop, m.regs[in.src&15], m.regs[0])
	}
	switch {
	case aop == ebpf.AtomicCmpXchg:
		m.regs[0] = old
	case aop&ebpf.AtomicFetch != 0:
		m.regs[in.src&15] = old
	}
	return nil
}

type word interface{ ~uint32 | ~uint64 }

// atomicWord is the part of atomic.Uint32 and atomic.Uint64 update uses.
type atomicWord[T word] interface {
	Load() T
	CompareAndSwap(old, new T) bool
}

// update applies aop to the word in b and returns the old value.
func update[T word](b []byte, get func([]byte) T, put func([]byte, T), a atomicWord[T], aop ebpf.AtomicOp, v, cmp T) T {
	if uintptr(unsafe.Pointer(&b[0]))%unsafe.Sizeof(v) != 0 {
		old := get(b)
		if next, write := apply(aop, old, v, cmp); write {
			put(b, next)
		}
		return old
	}
	for {
		old := a.Load()
		next, write := apply(aop, old, v, cmp)
		if !write || a.CompareAndSwap(old, next) {
			return old
		}
	}
}

// apply is the new value of a word holding old, and whether to write it.
func apply[T word](aop ebpf.AtomicOp, old, v, cmp T) (T, bool) {
	switch aop &^ ebpf.AtomicFetch {
	case ebpf.AtomicAdd:
		return old + v, true
	case ebpf.AtomicOr:
		return old | v, true
	case ebpf.AtomicAnd:
		return old & v, true
	case ebpf.AtomicXor:
		return old ^ v, true
	case ebpf.AtomicXchg &^ ebpf.AtomicFetch:
		return v, true
	}
	return v, old == cmp // cmpxchg
}
