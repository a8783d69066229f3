package execmem

import (
	"errors"
	"testing"
	"unsafe"
)

// addOne is `mov rax, [rdi]; add rax, 1; ret`: it reads the argument's
// first word and returns it plus one.
var addOne = []byte{0x48, 0x8b, 0x07, 0x48, 0x83, 0xc0, 0x01, 0xc3}

func TestCallGeneratedCode(t *testing.T) {
	seg, err := New(addOne)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Free()
	x := uint64(41)
	got, err := seg.Call(0, unsafe.Pointer(&x))
	if err != nil || got != 42 {
		t.Fatalf("Call = %d, %v; want 42", got, err)
	}
}

// TestNeverWritableAndExecutable reads /proc/self/maps for the segment's
// pages: read+execute, not writable.
func TestNeverWritableAndExecutable(t *testing.T) {
	seg, err := New(addOne)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Free()
	perms, err := pagePerms(seg.Addr())
	if err != nil {
		t.Fatal(err)
	}
	if perms[:3] != "r-x" {
		t.Fatalf("segment mapped %q, want r-x", perms)
	}
}

func TestFreedAndBadEntry(t *testing.T) {
	seg, err := New(addOne)
	if err != nil {
		t.Fatal(err)
	}
	x := uint64(1)
	if _, err := seg.Call(len(addOne), unsafe.Pointer(&x)); err == nil {
		t.Error("Call past the code succeeded")
	}
	if err := seg.Free(); err != nil {
		t.Fatal(err)
	}
	if _, err := seg.Call(0, unsafe.Pointer(&x)); !errors.Is(err, ErrFreed) {
		t.Errorf("Call after Free = %v, want ErrFreed", err)
	}
	if err := seg.Free(); err != nil {
		t.Errorf("second Free: %v", err)
	}
}

// TestManyCallsWithGC calls generated code while the garbage collector runs,
// the situation the NOSPLIT trampoline exists for.
func TestManyCallsWithGC(t *testing.T) {
	seg, err := New(addOne)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Free()
	done := make(chan struct{})
	go func() {
		defer close(done)
		for i := 0; i < 200; i++ {
			_ = make([]byte, 1<<16)
		}
	}()
	for i := uint64(0); i < 200000; i++ {
		x := i
		if got, _ := seg.Call(0, unsafe.Pointer(&x)); got != i+1 {
			t.Fatalf("call %d returned %d", i, got)
		}
	}
	<-done
}

// TestCodeMayUseItsStackBudget runs code that reserves MaxStackBytes below
// its return address, stores through it and reads back.
func TestCodeMayUseItsStackBudget(t *testing.T) {
	code := []byte{
		0x48, 0x81, 0xec, 0x00, 0x01, 0x00, 0x00, // sub rsp, 256
		0x48, 0x89, 0x3c, 0x24, // mov [rsp], rdi
		0x48, 0x8b, 0x04, 0x24, // mov rax, [rsp]
		0x48, 0x8b, 0x00, // mov rax, [rax]
		0x48, 0x81, 0xc4, 0x00, 0x01, 0x00, 0x00, // add rsp, 256
		0xc3, // ret
	}
	seg, err := New(code)
	if err != nil {
		t.Fatal(err)
	}
	defer seg.Free()
	x := uint64(7)
	if got, err := seg.Call(0, unsafe.Pointer(&x)); err != nil || got != 7 {
		t.Fatalf("Call = %d, %v; want 7", got, err)
	}
}
