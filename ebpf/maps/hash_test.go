package maps

import (
	"bytes"
	"slices"
	"syscall"
	"testing"
)

func TestHashFullAndFreeList(t *testing.T) {
	m := mustNew(t, Spec{Type: Hash, KeySize: 4, ValueSize: 4, MaxEntries: 3}, 1).(Elems)
	offs := map[uint32]int{}
	for k := range uint32(3) {
		if err := m.Update(u32(k), u32(k*10), UpdateNoExist); err != nil {
			t.Fatal(err)
		}
		offs[k], _ = m.LookupElem(u32(k), 0)
	}
	steps := []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"a 4th key", m.Update(u32(3), u32(0), UpdateAny), syscall.E2BIG},
		{"replace when full", m.Update(u32(1), u32(11), UpdateExist), 0},
		{"EXIST on a missing key", m.Update(u32(7), u32(0), UpdateExist), syscall.ENOENT},
		{"delete", m.Delete(u32(0)), 0},
		{"delete again", m.Delete(u32(0)), syscall.ENOENT},
		{"the freed slot", m.UpdateElem(u32(3), u32(30), UpdateNoExist, 0), 0},
		{"flags 3", m.Update(u32(3), u32(0), 3), syscall.EINVAL},
	}
	for _, s := range steps {
		if errno(s.err) != s.want {
			t.Errorf("%s: %v, want %v", s.name, s.err, s.want)
		}
	}
	if off, _ := m.LookupElem(u32(3), 0); off != offs[0] {
		t.Errorf("key 3 got offset %d, want key 0's freed slot %d", off, offs[0])
	}
	if off, _ := m.LookupElem(u32(1), 0); off != offs[1] {
		t.Errorf("replacing moved key 1's value from %d to %d", offs[1], off)
	}
	if got, _ := m.Lookup(u32(1)); !bytes.Equal(got, u32(11)) {
		t.Errorf("key 1 = %x", got)
	}
	if n := m.(*hashMap).Len(); n != 3 {
		t.Errorf("Len = %d, want 3", n)
	}
}

func TestPerCPUHashProgramUpdateZeroesOtherCPUs(t *testing.T) {
	m := mustNew(t, Spec{Type: PerCPUHash, KeySize: 4, ValueSize: 4, MaxEntries: 2}, 3).(Elems)
	all := []byte{1, 1, 1, 1, 9, 9, 9, 9, 2, 2, 2, 2, 9, 9, 9, 9, 3, 3, 3, 3, 9, 9, 9, 9}
	if err := m.Update(u32(1), all, UpdateAny); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Lookup(u32(1)); !bytes.Equal(got, all) {
		t.Errorf("Lookup = %x, want %x (padding kept, as copy_map_value_long does)", got, all)
	}
	if err := m.UpdateElem(u32(1), []byte{5, 5, 5, 5}, UpdateAny, 2); err != nil {
		t.Fatal(err)
	}
	if got, _ := m.Lookup(u32(1)); !bytes.Equal(got[16:20], []byte{5, 5, 5, 5}) || got[0] != 1 {
		t.Errorf("after cpu 2's replace: %x", got)
	}
	if err := m.UpdateElem(u32(2), []byte{7, 7, 7, 7}, UpdateAny, 1); err != nil {
		t.Fatal(err)
	}
	want := []byte{0, 0, 0, 0, 0, 0, 0, 0, 7, 7, 7, 7, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}
	if got, _ := m.Lookup(u32(2)); !bytes.Equal(got, want) {
		t.Errorf("a new entry from cpu 1 = %x, want %x", got, want)
	}
}

// TestJhash pins htab_map_hash's values for a few keys (word and byte
// paths, a key longer than 12 bytes); the differential test showed these
// functions give the kernel's buckets, so a change here breaks the order.
func TestJhash(t *testing.T) {
	for _, c := range []struct {
		key        []byte
		seed, want uint32
	}{
		{nil, 0, 0xdeadbeef},
		{[]byte{1, 2, 3, 4}, 0, 0x043fcddd},
		{[]byte{1, 2, 3, 4}, 0x12345678, 0xf3944818},
		{[]byte{1, 2, 3, 4, 5, 6, 7}, 0, 0xf0f71a09},
		{[]byte("0123456789abcdefghij"), 0, 0x09d7e729},
		{[]byte{0xff}, 0x12345678, 0xc2341dd1},
	} {
		if got := htabHash(c.key, c.seed); got != c.want {
			t.Errorf("htabHash(%x, %#x) = %#x, want %#x", c.key, c.seed, got, c.want)
		}
	}
}

func TestLRUEvictsLeastRecentlyUsed(t *testing.T) {
	m := mustNew(t, Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 3}, 1).(Elems)
	for k := range uint32(3) {
		_ = m.Update(u32(k), u32(k), UpdateAny)
	}
	m.LookupElem(u32(0), 0)                   // a program's lookup: 0 is now the most recent
	_, _ = m.Lookup(u32(1))                   // the syscall face's: no change
	_ = m.Update(u32(2), u32(2), UpdateExist) // 2 is recent too
	if err := m.Update(u32(3), u32(3), UpdateAny); err != nil {
		t.Fatalf("an LRU map must evict, not refuse: %v", err)
	}
	if _, err := m.Lookup(u32(1)); errno(err) != syscall.ENOENT {
		t.Errorf("key 1 (least recently used) is still there")
	}
	if err := m.Update(u32(2), u32(0), UpdateNoExist); errno(err) != syscall.EEXIST {
		t.Errorf("NOEXIST on a present key: %v", err)
	}
	got := walk(m.NextKey)
	slices.SortFunc(got, bytes.Compare)
	want := [][]byte{u32(0), u32(2), u32(3)}
	slices.SortFunc(want, bytes.Compare)
	if !slices.EqualFunc(got, want, bytes.Equal) {
		t.Errorf("keys %x, want %x", got, want)
	}
}

// TestLRUAgainstKernel fills LRU maps far past max_entries on both sides:
// neither ever holds more than max_entries, and the key just inserted is
// always there (which entries the kernel evicts is not deterministic).
func TestLRUAgainstKernel(t *testing.T) {
	for _, spec := range []Spec{
		{Type: LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 16},
		{Type: LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 16, Flags: FlagNoCommonLRU},
		{Type: LRUPerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 16},
	} {
		kern := newKernelMap(t, spec)
		ours := mustNew(t, spec, possibleCPUs(t))
		size := kernelValueSize(spec, possibleCPUs(t))
		for k := range uint32(200) {
			v := make([]byte, size)
			for _, m := range []interface {
				Update([]byte, []byte, uint64) error
			}{ours, kern} {
				if err := m.Update(u32(k), v, UpdateAny); err != nil {
					t.Fatalf("%v: update %d: %v", spec, k, err)
				}
			}
			if _, err := ours.Lookup(u32(k)); err != nil {
				t.Fatalf("ours lost the key just inserted: %v", err)
			}
			if _, err := kern.Lookup(u32(k), size); err != nil {
				t.Fatalf("the kernel lost the key just inserted: %v", err)
			}
			n1, n2 := len(walk(ours.NextKey)), len(walk(kern.NextKey))
			if n1 > int(spec.MaxEntries) || n2 > int(spec.MaxEntries) {
				t.Fatalf("%d entries here, %d in the kernel; max %d", n1, n2, spec.MaxEntries)
			}
		}
	}
}

// TestNoCommonLRURoundsMaxEntries: with one LRU list per CPU, the kernel
// rounds max_entries up to a multiple of the CPU count.
func TestNoCommonLRURoundsMaxEntries(t *testing.T) {
	spec := Spec{Type: LRUHash, KeySize: 4, ValueSize: 4, MaxEntries: 7, Flags: FlagNoCommonLRU}
	if got := mustNew(t, spec, 4).Spec().MaxEntries; got != 8 {
		t.Errorf("7 entries on 4 CPUs: max_entries %d, want 8", got)
	}
	kern := newKernelMap(t, spec)
	info, err := kern.m.Info()
	if err != nil {
		t.Fatal(err)
	}
	cpus := possibleCPUs(t)
	if got := mustNew(t, spec, cpus).Spec().MaxEntries; got != info.MaxEntries {
		t.Errorf("max_entries %d, the kernel's %d (%d CPUs)", got, info.MaxEntries, cpus)
	}
}
