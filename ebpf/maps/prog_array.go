package maps

import (
	"encoding/binary"
	"sync/atomic"
	"syscall"
)

// The program array (BPF_MAP_TYPE_PROG_ARRAY), kernel/bpf/arraymap.c's fd
// arrays: max_entries slots indexed like an array, each empty or holding a
// program, which bpf_tail_call(ctx, map, index) jumps to. This package does
// not know engines, so a program is any value; the host that runs programs
// stores its own and performs the tail call (an empty slot or an index
// past the end makes bpf_tail_call fall through).
//
// The syscall face follows bpf(2): an update's value is a program fd, which
// a ProgramResolver turns into a program (without one, every fd is EBADF,
// the kernel's answer for an fd that is not open); the only flag is
// BPF_ANY (others EINVAL); an index past the end is E2BIG for updates and
// deletes, ENOENT for lookups; a lookup returns the program's ID, as
// current kernels do (prog_fd_array_sys_lookup_elem; checked on 6.18 by
// TestProgramArrayLookupGivesIDAgainstKernel; kernels before the fd maps
// had a sys_lookup answered ENOTSUPP), here the ID the resolver gave, or
// for SetProgram an ID() uint32 method of the program if it has one, else
// 0; a delete of an empty slot is ENOENT. Next key is the array's.
//
// Slots are atomic pointers: tail calls read them without a lock, as the
// kernel's READ_ONCE does, while updates swap them.
type progArray struct {
	base
	slots    []atomic.Pointer[progSlot]
	resolver atomic.Pointer[ProgramResolver]
}

type progSlot struct {
	prog any
	id   uint32
}

// ProgramResolver turns the fd of a bpf(2) update into the host's program
// and its ID; its error (EBADF, EINVAL) is the update's.
type ProgramResolver func(fd uint32) (prog any, id uint32, err error)

// ProgramArray is the program array's program face, for the host.
type ProgramArray interface {
	Map
	// SetProgram puts prog in slot index (nil empties it); E2BIG past
	// the end.
	SetProgram(index uint32, prog any) error
	// Program is what bpf_tail_call jumps to, if anything.
	Program(index uint32) (prog any, ok bool)
	// SetResolver lets the syscall face take program fds.
	SetResolver(r ProgramResolver)
}

func newProgArray(spec Spec) (*progArray, error) {
	if err := checkMemory(spec, 8*uint64(spec.MaxEntries)); err != nil {
		return nil, err
	}
	return &progArray{base: base{spec: spec, cpus: 1}, slots: make([]atomic.Pointer[progSlot], spec.MaxEntries)}, nil
}

func (p *progArray) SetResolver(r ProgramResolver) { p.resolver.Store(&r) }

func (p *progArray) SetProgram(index uint32, prog any) error {
	if index >= p.spec.MaxEntries {
		return syscall.E2BIG
	}
	if prog == nil {
		p.slots[index].Store(nil)
		return nil
	}
	s := &progSlot{prog: prog}
	if ider, ok := prog.(interface{ ID() uint32 }); ok {
		s.id = ider.ID()
	}
	p.slots[index].Store(s)
	return nil
}

func (p *progArray) Program(index uint32) (any, bool) {
	if index >= p.spec.MaxEntries {
		return nil, false
	}
	s := p.slots[index].Load()
	if s == nil {
		return nil, false
	}
	return s.prog, true
}

func (p *progArray) Lookup(key []byte) ([]byte, error) {
	if err := p.canRead(); err != nil {
		return nil, err
	}
	if err := p.checkKey(key); err != nil {
		return nil, err
	}
	i := index(key)
	if i >= p.spec.MaxEntries {
		return nil, syscall.ENOENT
	}
	s := p.slots[i].Load()
	if s == nil {
		return nil, syscall.ENOENT
	}
	return binary.NativeEndian.AppendUint32(nil, s.id), nil
}

// Update is bpf_fd_array_map_update_elem.
func (p *progArray) Update(key, value []byte, flags uint64) error {
	if err := p.canWrite(); err != nil {
		return err
	}
	if err := p.checkKey(key); err != nil {
		return err
	}
	if err := p.checkValue(value, 4); err != nil {
		return err
	}
	if flags != UpdateAny {
		return syscall.EINVAL
	}
	i := index(key)
	if i >= p.spec.MaxEntries {
		return syscall.E2BIG
	}
	r := p.resolver.Load()
	if r == nil {
		return syscall.EBADF
	}
	prog, id, err := (*r)(binary.NativeEndian.Uint32(value))
	if err != nil {
		return err
	}
	if prog == nil {
		return syscall.EINVAL
	}
	p.slots[i].Store(&progSlot{prog: prog, id: id})
	return nil
}

// Delete is fd_array_map_delete_elem.
func (p *progArray) Delete(key []byte) error {
	if err := p.canWrite(); err != nil {
		return err
	}
	if err := p.checkKey(key); err != nil {
		return err
	}
	i := index(key)
	if i >= p.spec.MaxEntries {
		return syscall.E2BIG
	}
	if p.slots[i].Swap(nil) == nil {
		return syscall.ENOENT
	}
	return nil
}

func (p *progArray) NextKey(key []byte) ([]byte, error) {
	if err := p.canRead(); err != nil {
		return nil, err
	}
	return arrayNextKey(&p.base, key)
}
