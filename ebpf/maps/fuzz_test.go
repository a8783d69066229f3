package maps

import (
	"bytes"
	"errors"
	"syscall"
	"testing"
)

// fuzzSpecs are the maps FuzzOps drives; the first input byte picks one.
var fuzzSpecs = []Spec{
	{Type: Array, KeySize: 4, ValueSize: 3, MaxEntries: 5},
	{Type: PerCPUArray, KeySize: 4, ValueSize: 4, MaxEntries: 3},
	{Type: Hash, KeySize: 2, ValueSize: 4, MaxEntries: 4},
	{Type: Hash, KeySize: 4, ValueSize: 9, MaxEntries: 6, Flags: FlagZeroSeed},
	{Type: PerCPUHash, KeySize: 1, ValueSize: 2, MaxEntries: 3},
	{Type: LRUHash, KeySize: 2, ValueSize: 4, MaxEntries: 3},
	{Type: LRUPerCPUHash, KeySize: 1, ValueSize: 4, MaxEntries: 2},
	{Type: LPMTrie, KeySize: 6, ValueSize: 4, MaxEntries: 5, Flags: FlagNoPrealloc},
	{Type: ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 3},
	{Type: RingBuf, MaxEntries: 4096},
}

// FuzzOps runs operations decoded from bytes on each map type and checks
// what must always hold: no panic; a value just written reads back, on
// both faces; no more entries than max_entries and no key twice in an
// iteration; errors are errnos; hash maps behave as a Go map with a
// capacity (the model) unless they are LRU maps.
func FuzzOps(f *testing.F) {
	f.Add([]byte{2, 0, 1, 0, 0, 5, 0, 2, 0, 3, 1, 2, 0})
	f.Add([]byte{7, 0, 0x20, 0, 0, 0, 10, 0, 0, 0, 0, 0, 8, 0, 0, 0, 10, 1, 2})
	f.Add([]byte{9, 0, 200, 1, 3, 7, 2, 100, 4, 0})
	f.Add(bytes.Repeat([]byte{5, 0, 3, 1}, 30))
	f.Add(bytes.Repeat([]byte{3, 0, 7, 9, 1, 4}, 40))
	f.Fuzz(func(t *testing.T, in []byte) {
		if len(in) == 0 {
			return
		}
		spec := fuzzSpecs[int(in[0])%len(fuzzSpecs)]
		m, err := New(spec, Options{CPUs: 2})
		if err != nil {
			t.Fatal(err)
		}
		if rb, ok := m.(RingBuffer); ok {
			fuzzRing(t, rb, in[1:])
			return
		}
		fuzzMap(t, m, spec, in[1:], 2)
	})
}

// fuzzInput hands out bytes, then zeros.
type fuzzInput []byte

func (in *fuzzInput) byte() byte {
	if len(*in) == 0 {
		return 0
	}
	b := (*in)[0]
	*in = (*in)[1:]
	return b
}

func (in *fuzzInput) bytes(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = in.byte()
	}
	return b
}

// key takes a key of the map's size, now and then of a wrong size, with
// small values so that keys repeat.
func (in *fuzzInput) key(size int) []byte {
	switch c := in.byte(); {
	case c == 255:
		return in.bytes(size + 1)
	case c == 254:
		return nil
	default:
		k := make([]byte, size)
		if size > 0 {
			k[0] = c % 8
		}
		if size > 4 { // an LPM key: prefix length, then data
			k[0] = c % 40
			k[4] = in.byte() % 4
		}
		return k
	}
}

func fuzzMap(t *testing.T, m Map, spec Spec, in fuzzInput, cpus int) {
	b := base{spec: spec, cpus: cpus}
	model := map[string][]byte{} // for plain and per-CPU hash maps
	modeled := (spec.Type == Hash || spec.Type == PerCPUHash) && spec.Flags&accessFlags == 0
	readable := spec.Flags&FlagWrOnly == 0 // else Lookup and NextKey are EPERM
	for len(in) > 0 {
		op, key := in.byte()%6, in.key(int(spec.KeySize))
		var err error
		switch op {
		case 0, 1:
			value, flags := in.bytes(b.sysValueSize()), uint64(in.byte()%4)
			err = m.Update(key, value, flags)
			if err == nil && spec.Type != ProgArray && readable {
				checkReads(t, m, key, value)
			}
			if modeled {
				checkModelUpdate(t, model, spec, key, value, flags, err)
			}
		case 2:
			err = m.Delete(key)
			if modeled && len(key) == int(spec.KeySize) {
				_, had := model[string(key)]
				delete(model, string(key))
				if had != (err == nil) {
					t.Fatalf("delete %x: %v, the model had it: %v", key, err, had)
				}
			}
		case 3:
			_, err = m.NextKey(key)
		case 4:
			_, err = m.Lookup(key)
		case 5:
			value, flags, cpu := in.bytes(int(spec.ValueSize)), uint64(in.byte()%4), int(in.byte()%3)
			err = fuzzProgramFace(t, m, key, value, flags, cpu)
			if modeled && (cpu < cpus || !b.percpu()) {
				checkModelUpdate(t, model, spec, key, value, flags, err)
			}
		}
		checkErrno(t, err)
		checkIteration(t, m, spec)
		if modeled && readable && len(walk(m.NextKey)) != len(model) {
			t.Fatalf("%d keys, the model has %d", len(walk(m.NextKey)), len(model))
		}
	}
}

func checkReads(t *testing.T, m Map, key, value []byte) {
	got, err := m.Lookup(key)
	if err != nil {
		t.Fatalf("lookup %x after an update: %v", key, err)
	}
	if m.Spec().Type == LPMTrie || m.Spec().Type == Array {
		value = value[:m.Spec().ValueSize]
	}
	if !bytes.Equal(got, value) {
		t.Fatalf("lookup %x = %x after update with %x", key, got, value)
	}
}

func checkModelUpdate(t *testing.T, model map[string][]byte, spec Spec, key, value []byte, flags uint64, err error) {
	if len(key) != int(spec.KeySize) || flags > UpdateExist {
		return
	}
	_, had := model[string(key)]
	var want syscall.Errno
	switch {
	case had && flags == UpdateNoExist:
		want = syscall.EEXIST
	case !had && flags == UpdateExist:
		want = syscall.ENOENT
	case !had && len(model) == int(spec.MaxEntries):
		want = syscall.E2BIG
	default:
		model[string(key)] = value
	}
	if errno(err) != want {
		t.Fatalf("update %x flags %d: %v, the model says %v", key, flags, err, want)
	}
}

// fuzzProgramFace updates through the program face and reads the value
// back through LookupElem's offset.
func fuzzProgramFace(t *testing.T, m Map, key, value []byte, flags uint64, cpu int) error {
	e, ok := m.(Elems)
	if !ok {
		return nil
	}
	err := e.UpdateElem(key, value, flags, cpu)
	if err != nil {
		return err
	}
	off, ok := e.LookupElem(key, cpu)
	if e.Spec().Flags&FlagWrOnlyProg != 0 {
		return nil // the program cannot read the map
	}
	if !ok {
		t.Fatalf("LookupElem %x on cpu %d after UpdateElem: not found", key, cpu)
	}
	if got := e.Memory()[off : off+len(value)]; !bytes.Equal(got, value) {
		t.Fatalf("LookupElem %x on cpu %d reads %x after UpdateElem with %x", key, cpu, got, value)
	}
	return nil
}

func checkErrno(t *testing.T, err error) {
	var e syscall.Errno
	if err != nil && !errors.As(err, &e) {
		t.Fatalf("error without an errno: %v", err)
	}
}

func checkIteration(t *testing.T, m Map, spec Spec) {
	keys := walk(m.NextKey)
	if len(keys) > int(spec.MaxEntries) {
		t.Fatalf("%d keys in a map of %d", len(keys), spec.MaxEntries)
	}
	seen := map[string]bool{}
	for _, k := range keys {
		if seen[string(k)] {
			t.Fatalf("key %x twice in an iteration: %x", k, keys)
		}
		seen[string(k)] = true
	}
}

// fuzzRing reserves (filling each sample with a pattern), submits or
// discards in any order, outputs and reads, against a model: the records
// in reservation order, each pending, committed or discarded. A read must
// give the first record unless it is pending (then EAGAIN), skipping
// discarded ones; positions never lap.
func fuzzRing(t *testing.T, r RingBuffer, in fuzzInput) {
	type rec struct {
		off             int
		data            []byte
		done, discarded bool
	}
	var queue []*rec
	rd := r.NewReader()
	for n := byte(1); len(in) > 0; n++ {
		switch op := in.byte() % 5; op {
		case 0:
			size := int(in.byte()) * int(in.byte()%32+1)
			if off, err := r.Reserve(uint64(size), 0); err == nil {
				data := bytes.Repeat([]byte{n}, size)
				copy(r.Memory()[off:], data)
				queue = append(queue, &rec{off: off, data: data})
			}
		case 1, 2:
			var pending []*rec
			for _, q := range queue {
				if !q.done {
					pending = append(pending, q)
				}
			}
			if len(pending) > 0 {
				q := pending[int(in.byte())%len(pending)]
				q.done, q.discarded = true, op == 2
				commit := r.Submit
				if q.discarded {
					commit = r.Discard
				}
				if err := commit(q.off, 0); err != nil {
					t.Fatalf("committing a reserved sample: %v", err)
				}
			}
		case 3:
			data := bytes.Repeat([]byte{n}, int(in.byte())*3)
			if r.Output(data, 0) == nil {
				queue = append(queue, &rec{data: data, done: true})
			}
		case 4:
			for len(queue) > 0 && queue[0].done && queue[0].discarded {
				queue = queue[1:]
			}
			got, err := rd.Read()
			switch {
			case len(queue) == 0 || !queue[0].done:
				if errno(err) != syscall.EAGAIN {
					t.Fatalf("read %d bytes, %v; want EAGAIN", len(got), err)
				}
			case err != nil || !bytes.Equal(got, queue[0].data):
				t.Fatalf("read %d bytes, %v; want %d bytes of %d", len(got), err, len(queue[0].data), queue[0].data[:min(1, len(queue[0].data))])
			default:
				queue = queue[1:]
			}
		}
		if r.Query(RingAvailData) > r.Query(RingSize)-1 {
			t.Fatalf("%d bytes in flight", r.Query(RingAvailData))
		}
	}
}

// FuzzNew creates maps from arbitrary specs (sizes kept small so that a run
// allocates little): New never panics, refuses with an errno, and a map it
// creates survives the operations FuzzOps runs.
func FuzzNew(f *testing.F) {
	f.Add(uint8(1), uint16(4), uint16(8), uint16(16), uint32(0), uint8(2), []byte{0, 1, 2, 3})
	f.Add(uint8(11), uint16(8), uint16(4), uint16(16), FlagNoPrealloc, uint8(1), []byte{0, 40, 1, 2, 3})
	f.Add(uint8(27), uint16(0), uint16(0), uint16(4096), uint32(0), uint8(1), []byte{3, 9, 4})
	f.Add(uint8(9), uint16(3), uint16(5), uint16(7), FlagNoCommonLRU, uint8(3), []byte{0, 1, 1, 1})
	f.Fuzz(func(t *testing.T, typ uint8, keySize, valueSize, maxEntries uint16, flags uint32, cpus uint8, ops []byte) {
		spec := Spec{Type: Type(typ), KeySize: uint32(keySize % 300), ValueSize: uint32(valueSize % 5000),
			MaxEntries: uint32(maxEntries % 8193), Flags: flags}
		m, err := New(spec, Options{CPUs: int(cpus%8) + 1})
		if err != nil {
			checkErrno(t, err)
			return
		}
		if rb, ok := m.(RingBuffer); ok {
			fuzzRing(t, rb, ops)
			return
		}
		fuzzMap(t, m, m.Spec(), ops, int(cpus%8)+1)
	})
}
