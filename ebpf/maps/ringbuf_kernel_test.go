package maps

import (
	"bytes"
	"encoding/binary"
	"math/rand/v2"
	"os"
	"sync/atomic"
	"syscall"
	"testing"
	"unsafe"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"golang.org/x/sys/unix"
)

// kernelRing is a kernel ring buffer that XDP programs write through
// bpf_ringbuf_output and bpf_ringbuf_reserve+discard, and that the test
// reads through its mmap'ed pages as libbpf does: the consumer page
// (read-write), then the producer page and the data pages mapped twice
// (read-only).
type kernelRing struct {
	m          *kernelMap
	cons, prod []byte
	data       []byte // 2*size: the double mapping
	size       int
}

func newKernelRing(t *testing.T, size uint32) *kernelRing {
	k := newKernelMap(t, Spec{Type: RingBuf, MaxEntries: size})
	page := os.Getpagesize()
	cons, err := unix.Mmap(k.m.FD(), 0, page, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_SHARED)
	if err != nil {
		t.Fatalf("mmap of the consumer page: %v", err)
	}
	prod, err := unix.Mmap(k.m.FD(), int64(page), page+2*int(size), unix.PROT_READ, unix.MAP_SHARED)
	if err != nil {
		t.Fatalf("mmap of the producer and data pages: %v", err)
	}
	t.Cleanup(func() { unix.Munmap(cons); unix.Munmap(prod) })
	return &kernelRing{m: k, cons: cons, prod: prod, data: prod[page:], size: int(size)}
}

func (k *kernelRing) pos(b []byte) uint64 {
	return atomic.LoadUint64((*uint64)(unsafe.Pointer(&b[0])))
}

// run loads and runs prog once; r0 is what it returns.
func (k *kernelRing) run(t *testing.T, insns asm.Instructions) int32 {
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{Type: cebpf.XDP, License: "GPL", Instructions: insns})
	if err != nil {
		t.Fatalf("loading: %v", err)
	}
	defer prog.Close()
	ret, err := prog.Run(&cebpf.RunOptions{Data: make([]byte, 14)})
	if err != nil {
		t.Fatalf("running: %v", err)
	}
	return int32(ret)
}

// output runs bpf_ringbuf_output(ring, stack copy of data, len, 0) and
// returns its result.
func (k *kernelRing) output(t *testing.T, data []byte) int32 {
	var insns asm.Instructions
	padded := append(bytes.Clone(data), make([]byte, 3)...)
	for i := 0; i < len(data); i += 4 {
		w := int32(binary.NativeEndian.Uint32(padded[i:]))
		insns = append(insns, asm.StoreImm(asm.RFP, int16(i-256), int64(w), asm.Word))
	}
	return k.run(t, append(insns,
		asm.LoadMapPtr(asm.R1, k.m.m.FD()),
		asm.Mov.Reg(asm.R2, asm.RFP), asm.Add.Imm(asm.R2, -256),
		asm.Mov.Imm(asm.R3, int32(len(data))), asm.Mov.Imm(asm.R4, 0),
		asm.FnRingbufOutput.Call(), asm.Return()))
}

// reserveDiscard reserves size bytes and discards them at once: 1 if the
// reservation succeeded.
func (k *kernelRing) reserveDiscard(t *testing.T, size int) int32 {
	return k.run(t, asm.Instructions{
		asm.LoadMapPtr(asm.R1, k.m.m.FD()),
		asm.Mov.Imm(asm.R2, int32(size)), asm.Mov.Imm(asm.R3, 0),
		asm.FnRingbufReserve.Call(),
		asm.JEq.Imm(asm.R0, 0, "fail"),
		asm.Mov.Reg(asm.R1, asm.R0), asm.Mov.Imm(asm.R2, 0),
		asm.FnRingbufDiscard.Call(),
		asm.Mov.Imm(asm.R0, 1), asm.Return(),
		asm.Mov.Imm(asm.R0, 0).WithSymbol("fail"), asm.Return(),
	})
}

// read is libbpf's ringbuf_process_ring for one record.
func (k *kernelRing) read() ([]byte, error) {
	mask := uint64(k.size - 1)
	for cons := k.pos(k.cons); cons < k.pos(k.prod); {
		h := binary.NativeEndian.Uint32(k.data[cons&mask:])
		if h&RingBusyBit != 0 {
			break
		}
		cons += recordLen(h)
		atomic.StoreUint64((*uint64)(unsafe.Pointer(&k.cons[0])), cons)
		if h&RingDiscardBit == 0 {
			start := (cons-recordLen(h))&mask + RingHeaderSize
			return bytes.Clone(k.data[start : start+uint64(h)]), nil
		}
	}
	return nil, syscall.EAGAIN
}

// TestRingBytesAgainstKernel writes the same records, with discards and
// reads in between, to a kernel ring buffer from programs and to ours:
// after every step the data area is the same byte for byte (headers with
// their bits and pg_off, samples, padding, stale bytes), and so are the
// producer and consumer positions and every result.
func TestRingBytesAgainstKernel(t *testing.T) {
	const size = 4096
	kern := newKernelRing(t, size)
	ours := newRing(t, size)
	rd := ours.NewReader()
	r := rand.New(rand.NewPCG(3, 4))
	for step := range 300 {
		var what string
		switch op := r.IntN(4); op {
		case 0, 1:
			data := randBytes(r, r.IntN(257))
			what = "output"
			kr, err := kern.output(t, data), ours.Output(data, 0)
			if (kr == 0) != (err == nil) {
				t.Fatalf("step %d: output of %d bytes: kernel %d, ours %v", step, len(data), kr, err)
			}
		case 2:
			n := r.IntN(300)
			what = "reserve+discard"
			off, err := ours.Reserve(uint64(n), 0)
			if err == nil {
				_ = ours.Discard(off, 0)
			}
			if kr := kern.reserveDiscard(t, n); (kr == 1) != (err == nil) {
				t.Fatalf("step %d: reserve of %d: kernel %d, ours %v", step, n, kr, err)
			}
		case 3:
			what = "read"
			a, errA := kern.read()
			b, errB := rd.Read()
			if errno(errA) != errno(errB) || !bytes.Equal(a, b) {
				t.Fatalf("step %d: read: kernel %d bytes %v, ours %d bytes %v", step, len(a), errA, len(b), errB)
			}
		}
		if kp, op := kern.pos(kern.prod), ours.Query(RingProdPos); kp != op {
			t.Fatalf("step %d (%s): producer at %d, ours at %d", step, what, kp, op)
		}
		if kc, oc := kern.pos(kern.cons), ours.Query(RingConsPos); kc != oc {
			t.Fatalf("step %d (%s): consumer at %d, ours at %d", step, what, kc, oc)
		}
		if i := firstDiff(kern.data[:size], ours.Memory()[:size]); i >= 0 {
			t.Fatalf("step %d (%s): data differs at byte %d: kernel %x, ours %x", step, what, i,
				kern.data[i&^7:i&^7+8], ours.Memory()[i&^7:i&^7+8])
		}
	}
	if ours.Query(RingProdPos) < 3*size {
		t.Errorf("the test wrapped the ring fewer than 3 times (producer at %d)", ours.Query(RingProdPos))
	}
}

func firstDiff(a, b []byte) int {
	for i := range a {
		if a[i] != b[i] {
			return i
		}
	}
	return -1
}
