package maps

import (
	"bytes"
	"syscall"
	"testing"

	cebpf "github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
)

type fakeProg struct{ id uint32 }

func (p fakeProg) ID() uint32 { return p.id }

func TestProgramArray(t *testing.T) {
	pa := mustNew(t, Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}, 1).(ProgramArray)
	if err := pa.SetProgram(1, fakeProg{42}); err != nil {
		t.Fatal(err)
	}
	if p, ok := pa.Program(1); !ok || p != (fakeProg{42}) {
		t.Errorf("Program(1) = %v, %v", p, ok)
	}
	if _, ok := pa.Program(0); ok {
		t.Error("an empty slot has a program")
	}
	if _, ok := pa.Program(7); ok {
		t.Error("a slot past the end has a program")
	}
	if got, err := pa.Lookup(u32(1)); err != nil || !bytes.Equal(got, u32(42)) {
		t.Errorf("Lookup gives %x, %v; want the program's ID", got, err)
	}
	if err := pa.SetProgram(2, fakeProg{}); errno(err) != syscall.E2BIG {
		t.Errorf("SetProgram past the end: %v", err)
	}
	pa.SetResolver(func(fd uint32) (any, uint32, error) {
		if fd != 5 {
			return nil, 0, syscall.EBADF
		}
		return fakeProg{7}, 7, nil
	})
	if err := pa.Update(u32(0), u32(6), UpdateAny); errno(err) != syscall.EBADF {
		t.Errorf("update with an unknown fd: %v", err)
	}
	if err := pa.Update(u32(0), u32(5), UpdateAny); err != nil {
		t.Fatal(err)
	}
	if p, _ := pa.Program(0); p != (fakeProg{7}) {
		t.Errorf("after an update by fd, Program(0) = %v", p)
	}
	if err := pa.Delete(u32(0)); err != nil {
		t.Fatal(err)
	}
	if _, ok := pa.Program(0); ok {
		t.Error("deleted slot still has a program")
	}
}

// TestProgramArrayLookupGivesIDAgainstKernel puts a real program in a
// kernel program array: a lookup from user space gives its ID.
func TestProgramArrayLookupGivesIDAgainstKernel(t *testing.T) {
	spec := Spec{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}
	kern := newKernelMap(t, spec)
	prog, err := cebpf.NewProgram(&cebpf.ProgramSpec{
		Type: cebpf.XDP, License: "GPL",
		Instructions: asm.Instructions{asm.Mov.Imm(asm.R0, 2), asm.Return()},
	})
	if err != nil {
		t.Fatalf("loading a program: %v", err)
	}
	defer prog.Close()
	info, err := prog.Info()
	if err != nil {
		t.Fatal(err)
	}
	id, _ := info.ID()
	if err := kern.Update(u32(1), u32(uint32(prog.FD())), UpdateAny); err != nil {
		t.Fatal(err)
	}
	got, err := kern.Lookup(u32(1), 4)
	if err != nil || !bytes.Equal(got, u32(uint32(id))) {
		t.Fatalf("the kernel's lookup gives %x, %v; want the ID %d", got, err, id)
	}
	ours := mustNew(t, spec, 1).(ProgramArray)
	ours.SetResolver(func(fd uint32) (any, uint32, error) { return prog, uint32(id), nil })
	_ = ours.Update(u32(1), u32(uint32(prog.FD())), UpdateAny)
	if mine, _ := ours.Lookup(u32(1)); !bytes.Equal(mine, got) {
		t.Errorf("ours gives %x, the kernel %x", mine, got)
	}
}
