package maps

import (
	"bytes"
	"syscall"
	"testing"
)

func mustNew(t testing.TB, spec Spec, cpus int) Map {
	t.Helper()
	m, err := New(spec, Options{CPUs: cpus})
	if err != nil {
		t.Fatalf("New(%+v): %v", spec, err)
	}
	return m
}

func TestArraySlabLayout(t *testing.T) {
	for _, c := range []struct {
		name       string
		spec       Spec
		cpus       int
		key, cpu   int
		wantOff    int
		wantMemLen int
	}{
		{"value 5 padded to 8", Spec{Type: Array, KeySize: 4, ValueSize: 5, MaxEntries: 3}, 4, 2, 3, 16, 24},
		{"value 8", Spec{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 3}, 1, 1, 0, 8, 24},
		{"per-CPU value 4 on cpu 2", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 3}, 3, 1, 2, 8*3 + 8*2, 72},
		{"per-CPU value 12 on cpu 1", Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 12, MaxEntries: 2}, 2, 1, 1, 32 + 16, 64},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := mustNew(t, c.spec, c.cpus).(Elems)
			if len(m.Memory()) != c.wantMemLen {
				t.Errorf("Memory() is %d bytes, want %d", len(m.Memory()), c.wantMemLen)
			}
			off, ok := m.LookupElem(u32(uint32(c.key)), c.cpu)
			if !ok || off != c.wantOff {
				t.Errorf("LookupElem = %d, %v; want %d", off, ok, c.wantOff)
			}
		})
	}
}

func TestArrayProgramFace(t *testing.T) {
	m := mustNew(t, Spec{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 2}, 2).(Elems)
	if err := m.UpdateElem(u32(1), []byte{1, 2, 3, 4}, UpdateAny, 1); err != nil {
		t.Fatal(err)
	}
	got, err := m.Lookup(u32(1))
	want := []byte{0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 4, 0, 0, 0, 0}
	if err != nil || !bytes.Equal(got, want) {
		t.Errorf("Lookup after cpu 1's update = %x, %v; want %x", got, err, want)
	}
	off, _ := m.LookupElem(u32(1), 1)
	m.Memory()[off] = 9 // a program writes through its pointer
	if got, _ := m.Lookup(u32(1)); got[8] != 9 {
		t.Errorf("a write through LookupElem's offset is not seen: %x", got)
	}
	for _, c := range []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"cpu out of range", m.UpdateElem(u32(0), []byte{1, 2, 3, 4}, UpdateAny, 2), syscall.EINVAL},
		{"index past the end", m.UpdateElem(u32(2), []byte{1, 2, 3, 4}, UpdateAny, 0), syscall.E2BIG},
		{"NOEXIST", m.UpdateElem(u32(0), []byte{1, 2, 3, 4}, UpdateNoExist, 0), syscall.EEXIST},
		{"short value", m.UpdateElem(u32(0), []byte{1, 2, 3}, UpdateAny, 0), syscall.EINVAL},
		{"short key", m.UpdateElem([]byte{0}, []byte{1, 2, 3, 4}, UpdateAny, 0), syscall.EINVAL},
		{"delete", m.DeleteElem(u32(0)), syscall.EINVAL},
		{"syscall value without every CPU", m.Update(u32(0), []byte{1, 2, 3, 4}, UpdateAny), syscall.EINVAL},
	} {
		if errno(c.err) != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if _, ok := m.LookupElem(u32(2), 0); ok {
		t.Error("LookupElem past the end found something")
	}
}

func TestReadOnlyProg(t *testing.T) {
	m := mustNew(t, Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 2, Flags: FlagRdOnlyProg}, 1).(Elems)
	if err := m.Update(u32(1), u32(1), UpdateAny); err != nil {
		t.Fatalf("the syscall face may write a BPF_F_RDONLY_PROG map: %v", err)
	}
	if err := m.UpdateElem(u32(1), u32(2), UpdateAny, 0); errno(err) != syscall.EPERM {
		t.Errorf("a program's update: %v, want EPERM", err)
	}
	if _, ok := m.LookupElem(u32(1), 0); !ok {
		t.Error("a program cannot read a BPF_F_RDONLY_PROG map")
	}
}
