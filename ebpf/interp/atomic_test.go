package interp

import (
	"encoding/binary"
	"errors"
	"sync"
	"testing"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
)

// atomicCase runs "mem = old; r1 = v; r0 = cmp; <op> [r10-8], r1" and
// checks the memory, r1 and r0 afterwards.
type atomicCase struct {
	name         string
	size         ebpf.Size
	aop          ebpf.AtomicOp
	old, v, cmp  uint64
	mem, r1, r0x uint64
}

func (c atomicCase) prog() []ebpf.Instruction {
	// r0 <- memory, then r0 <- r1, then r0 <- r0 (cmp), packed by storing
	// them into the context for the test to read.
	return prog(
		lddw(2, c.old), stx(ebpf.SizeDW, 10, 2, -8),
		lddw(2, c.v), movx(3, 1), movx(1, 2), lddw(0, c.cmp),
		atomicOp(c.size, c.aop, 10, 1, -8),
		ldx(ebpf.SizeDW, 2, 10, -8), stx(ebpf.SizeDW, 3, 2, 0), stx(ebpf.SizeDW, 3, 1, 8), stx(ebpf.SizeDW, 3, 0, 16),
		exit())
}

func TestAtomics(t *testing.T) {
	var old, v uint64 = 0xf0f0f0f0_0000000f, 0x0ff00ff0_800000f1
	for _, c := range []atomicCase{
		{"add", szDW, ebpf.AtomicAdd, old, v, 0, old + v, v, 0},
		{"add32", szW, ebpf.AtomicAdd, old, v, 0, old&^0xffffffff | 0x80000100, v, 0},
		{"or", szDW, ebpf.AtomicOr, old, v, 0, old | v, v, 0},
		{"and32", szW, ebpf.AtomicAnd, old, v, 0, old&^0xffffffff | 0x1, v, 0},
		{"xor", szDW, ebpf.AtomicXor, old, v, 0, old ^ v, v, 0},
		{"fetch add", szDW, ebpf.AtomicAdd | ebpf.AtomicFetch, old, v, 0, old + v, old, 0},
		{"fetch add32 zero-extends", szW, ebpf.AtomicAdd | ebpf.AtomicFetch, old, v, 0, old&^0xffffffff | 0x80000100, 0xf, 0},
		{"fetch or32", szW, ebpf.AtomicOr | ebpf.AtomicFetch, old, v, 0, old | 0x800000ff, 0xf, 0},
		{"fetch and", szDW, ebpf.AtomicAnd | ebpf.AtomicFetch, old, v, 0, old & v, old, 0},
		{"fetch xor32", szW, ebpf.AtomicXor | ebpf.AtomicFetch, old, v, 0, old&^0xffffffff | 0x800000fe, 0xf, 0},
		{"xchg", szDW, ebpf.AtomicXchg, old, v, 0, v, old, 0},
		{"xchg32", szW, ebpf.AtomicXchg, old, v, 0, old&^0xffffffff | 0x800000f1, 0xf, 0},
		{"cmpxchg hit", szDW, ebpf.AtomicCmpXchg, old, v, old, v, v, old},
		{"cmpxchg miss", szDW, ebpf.AtomicCmpXchg, old, v, 5, old, v, old},
		{"cmpxchg32 compares the low half", szW, ebpf.AtomicCmpXchg, old, v, 0xdead_0000000f, old&^0xffffffff | 0x800000f1, v, 0xf},
		{"cmpxchg32 miss", szW, ebpf.AtomicCmpXchg, old, v, 0xe, old, v, 0xf},
	} {
		out := make([]byte, 24)
		run(t, c.prog(), out, Options{})
		mem, r1, r0 := binary.LittleEndian.Uint64(out), binary.LittleEndian.Uint64(out[8:]), binary.LittleEndian.Uint64(out[16:])
		if mem != c.mem || r1 != c.r1 || r0 != c.r0x {
			t.Errorf("%s: memory %#x r1 %#x r0 %#x; want %#x %#x %#x", c.name, mem, r1, r0, c.mem, c.r1, c.r0x)
		}
	}
}

func TestAtomicOnContextAndFaults(t *testing.T) {
	ctx := make([]byte, 16)
	binary.LittleEndian.PutUint32(ctx[4:], 41)
	run(t, prog(mov(2, 1), atomicOp(szW, ebpf.AtomicAdd, 1, 2, 4), exit()), ctx, Options{})
	if got := binary.LittleEndian.Uint32(ctx[4:]); got != 42 {
		t.Errorf("context word = %d, want 42", got)
	}
	_, err := runErr(t, prog(mov(2, 1), atomicOp(szW, ebpf.AtomicAdd, 10, 2, -6), exit()), nil, Options{})
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, ErrMisaligned) || re.Index != 1 {
		t.Errorf("misaligned: %v, want ErrMisaligned at instruction 1", err)
	}
	_, err = runErr(t, prog(mov(2, 1), atomicOp(szDW, ebpf.AtomicAdd, 1, 2, 16), exit()), ctx, Options{})
	if !errors.Is(err, ErrMemory) {
		t.Errorf("past the context: %v, want ErrMemory", err)
	}
}

// TestAtomicMisalignedHostSlice: a context slice that starts at an odd host
// address still gets the right answer (by plain read-modify-write).
func TestAtomicMisalignedHostSlice(t *testing.T) {
	buf := make([]byte, 17)
	ctx := buf[1:]
	binary.LittleEndian.PutUint64(ctx[8:], 5)
	run(t, prog(mov(2, 3), atomicOp(szDW, ebpf.AtomicAdd|ebpf.AtomicFetch, 1, 2, 8), exit()), ctx, Options{})
	if got := binary.LittleEndian.Uint64(ctx[8:]); got != 8 {
		t.Errorf("word = %d, want 8", got)
	}
}

// TestAtomicsAreAtomic runs one counter-incrementing program from many
// goroutines over a shared region.
func TestAtomicsAreAtomic(t *testing.T) {
	counter := make([]byte, 8)
	p, err := Compile(prog(
		lddw(1, RegionAddr(0)), mov(2, 1), mov(3, 1000),
		atomicOp(szDW, ebpf.AtomicAdd, 1, 2, 0), a64(ebpf.ALUSub, 3, 1), jK(ebpf.ClassJMP, ebpf.JumpNE, 3, 0, -3),
		exit()), Options{Regions: []Region{{Name: "counter", Data: counter}}})
	if err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for range 8 {
		wg.Go(func() {
			if _, err := p.Run(nil); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	if got := binary.LittleEndian.Uint64(counter); got != 8000 {
		t.Errorf("counter = %d, want 8000", got)
	}
}

// TestStackIsAligned: atomics on the stack are real atomics only if the
// stack is 8-byte aligned in host memory.
func TestStackIsAligned(t *testing.T) {
	var m machine
	if off := unsafe.Offsetof(m.stack); off%8 != 0 {
		t.Errorf("machine.stack at offset %d, not 8-byte aligned", off)
	}
}
