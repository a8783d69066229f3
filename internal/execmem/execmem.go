// Package execmem holds machine code that deepsys generates at run time
// (the eBPF JIT, later the Wasm, Lua and C code generators) and calls it from
// Go. It knows nothing of any of them.
//
// The life of a code segment, W^X throughout:
//
//  1. Map fresh anonymous memory read+write (never executable), rounded up
//     to whole pages.
//  2. Copy the machine code in.
//  3. mprotect it to read+execute. From then on it is never writable: no
//     page of ours is writable and executable at once, so a bug that writes
//     through a stray pointer cannot plant code.
//  4. Call it through the trampoline (call_amd64.s), passing one pointer;
//     the code returns one 64-bit value.
//  5. Free unmaps it; calling freed code is a bug and Call refuses it.
//
// The calling convention between Go and generated code (see DESIGN.md,
// "Generated machine code inside a Go process"):
//
//   - Entry: RDI holds the single argument (a pointer to a context the
//     generator defines, allocated and kept alive by the caller); the return
//     value comes back in RAX. If the generator also writes addresses of
//     that context (or of anything it points to) into code or data as plain
//     integers, the memory must be on the heap or mmapped: a goroutine
//     stack moves, and an address Go does not know about is not updated
//     (found the hard way by the encoder's tests). Generated code must preserve RSP, RBP, R12-R15
//     and the direction flag, and may clobber every other register.
//   - Generated code runs on the goroutine stack, which is small and may not
//     grow under it: it may push at most MaxStackBytes (its data, such as an
//     eBPF program's 512-byte frames, belongs in the context).
//   - It never calls Go. It returns an exit code, and Go services the
//     request (a helper call, a safepoint) and re-enters — wazero's model.
//   - It must not fault: a fault inside generated code kills the Go runtime,
//     so generators bounds-check every memory access themselves, and loops
//     poll a flag so that a long run can yield to Go's stop-the-world.
package execmem

import (
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"unsafe"

	"golang.org/x/sys/unix"
)

// MaxStackBytes bounds what generated code may push on the goroutine stack.
const MaxStackBytes = 256

// Segment is one block of executable code.
type Segment struct {
	mu   sync.Mutex // guards mem across Free, Addr and Code
	mem  []byte     // the whole mapping, read+execute; nil once freed
	size int        // bytes of code
	// base is the address of mem, 0 once freed: what Call reads, with one
	// atomic load instead of the mutex, which cost a JIT's every Run two
	// atomic read-modify-writes (about 5 ns). It only detects a Call after
	// Free; a Call during Free is the caller's bug either way (Free).
	base atomic.Uintptr
}

// ErrFreed is Call on a freed segment.
var ErrFreed = errors.New("execmem: segment was freed")

// New maps code into a fresh executable segment (steps 1-3).
func New(code []byte) (*Segment, error) {
	if len(code) == 0 {
		panic("BUG: execmem.New with no code")
	}
	page := unix.Getpagesize()
	n := (len(code) + page - 1) / page * page
	mem, err := unix.Mmap(-1, 0, n, unix.PROT_READ|unix.PROT_WRITE, unix.MAP_PRIVATE|unix.MAP_ANONYMOUS)
	if err != nil {
		return nil, fmt.Errorf("execmem: mmap %d bytes: %w", n, err)
	}
	copy(mem, code)
	if err := unix.Mprotect(mem, unix.PROT_READ|unix.PROT_EXEC); err != nil {
		_ = unix.Munmap(mem)
		return nil, fmt.Errorf("execmem: mprotect read+exec: %w", err)
	}
	s := &Segment{mem: mem, size: len(code)}
	s.base.Store(uintptr(unsafe.Pointer(&mem[0])))
	return s, nil
}

// Addr is the address of the first instruction, for generators that patch
// relative addresses before New (they compute them from a planned layout)
// and for disassembly listings.
func (s *Segment) Addr() uintptr {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem == nil {
		return 0
	}
	return uintptr(unsafe.Pointer(&s.mem[0]))
}

// Code returns a copy of the machine code, for disassembly.
func (s *Segment) Code() []byte {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]byte(nil), s.mem[:s.size]...)
}

// Call runs the code at offset entry with arg in RDI and returns RAX (step
// 4). arg must point to memory the caller keeps alive for the duration.
func (s *Segment) Call(entry int, arg unsafe.Pointer) (uint64, error) {
	base := s.base.Load()
	if base == 0 {
		return 0, ErrFreed
	}
	if entry < 0 || entry >= s.size {
		return 0, fmt.Errorf("execmem: entry %d outside the %d bytes of code", entry, s.size)
	}
	return callCode(base+uintptr(entry), uintptr(arg)), nil
}

// Free unmaps the segment (step 5). It must not run while a Call does.
func (s *Segment) Free() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.mem == nil {
		return nil
	}
	s.base.Store(0)
	err := unix.Munmap(s.mem)
	s.mem = nil
	return err
}

// callCode is the trampoline in call_amd64.s.
//
//go:noescape
func callCode(code, arg uintptr) uint64
