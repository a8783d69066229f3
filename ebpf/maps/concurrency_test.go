package maps

import (
	"encoding/binary"
	"sync"
	"sync/atomic"
	"testing"
	"unsafe"
)

// TestConcurrentPrograms runs the program face from several goroutines at
// once, one per "CPU", as programs on several CPUs would: under -race,
// the maps' locks must keep their tables consistent, and counters that
// programs bump with atomics through LookupElem's offsets must add up.
func TestConcurrentPrograms(t *testing.T) {
	const cpus, rounds = 4, 2000
	for _, spec := range []Spec{
		{Type: Hash, KeySize: 4, ValueSize: 8, MaxEntries: 8},
		{Type: LRUHash, KeySize: 4, ValueSize: 8, MaxEntries: 8},
		{Type: PerCPUHash, KeySize: 4, ValueSize: 8, MaxEntries: 8},
		{Type: Array, KeySize: 4, ValueSize: 8, MaxEntries: 8},
		{Type: PerCPUArray, KeySize: 4, ValueSize: 8, MaxEntries: 8},
		{Type: LPMTrie, KeySize: 8, ValueSize: 8, MaxEntries: 8, Flags: FlagNoPrealloc},
	} {
		t.Run(spec.Type.String(), func(t *testing.T) {
			m := mustNew(t, spec, cpus).(Elems)
			counter := key(spec, 0)
			if err := m.Update(counter, make([]byte, kernelValueSize(spec, cpus)), UpdateAny); err != nil {
				t.Fatal(err)
			}
			var wg sync.WaitGroup
			for cpu := range cpus {
				wg.Add(1)
				go func() {
					defer wg.Done()
					churn(m, spec, cpu, rounds)
				}()
			}
			wg.Wait()
			total := uint64(0)
			v, err := m.Lookup(counter)
			if err != nil {
				t.Fatal(err)
			}
			for off := 0; off < len(v); off += 8 {
				total += binary.NativeEndian.Uint64(v[off:])
			}
			if total != cpus*rounds {
				t.Errorf("counter = %d, want %d", total, cpus*rounds)
			}
		})
	}
}

// key is key i of spec (an LPM key is a /32 in 10.0.0.0/8).
func key(spec Spec, i uint32) []byte {
	if spec.Type == LPMTrie {
		return append(u32(32), 10, 0, 0, byte(i))
	}
	return u32(i)
}

// churn bumps the counter (key 0) atomically and iterates, updates and
// deletes other keys, without ever touching the counter's entry otherwise.
func churn(m Elems, spec Spec, cpu, rounds int) {
	val := make([]byte, spec.ValueSize)
	for i := range rounds {
		if off, ok := m.LookupElem(key(spec, 0), cpu); ok {
			atomic.AddUint64((*uint64)(unsafe.Pointer(&m.Memory()[off])), 1)
		}
		_, _ = m.NextKey(key(spec, uint32(i%4)))
		if spec.Type == Array || spec.Type == PerCPUArray {
			// An array update copies without a lock, as the kernel's:
			// each CPU writes its own index.
			_ = m.UpdateElem(key(spec, uint32(1+cpu)), val, UpdateAny, cpu)
			continue
		}
		k := key(spec, uint32(1+(i+cpu)%3))
		_ = m.UpdateElem(k, val, UpdateAny, cpu)
		_ = m.DeleteElem(k)
	}
}

// TestConcurrentRingProducers: producers on several goroutines reserve,
// write and submit while one reader consumes; every record arrives whole,
// each producer's in its order.
func TestConcurrentRingProducers(t *testing.T) {
	const producers, records = 4, 2000
	r := mustNew(t, Spec{Type: RingBuf, MaxEntries: 4096}, 1).(RingBuffer)
	var wg sync.WaitGroup
	for p := range producers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := 0; i < records; {
				off, err := r.Reserve(uint64(8+i%50), 0)
				if err != nil {
					continue // full: wait for the reader
				}
				binary.NativeEndian.PutUint32(r.Memory()[off:], uint32(p))
				binary.NativeEndian.PutUint32(r.Memory()[off+4:], uint32(i))
				if i%7 == 0 {
					_ = r.Discard(off, 0)
				} else {
					_ = r.Submit(off, 0)
				}
				i++
			}
		}()
	}
	next := make([]int, producers)
	rd := r.NewReader()
	done := make(chan struct{})
	go func() { wg.Wait(); close(done) }()
	for finished := false; ; {
		rec, err := rd.Read()
		if err != nil {
			if finished {
				break
			}
			select {
			case <-done:
				finished = true
			default:
			}
			continue
		}
		p, i := binary.NativeEndian.Uint32(rec), int(binary.NativeEndian.Uint32(rec[4:]))
		for next[p]%7 == 0 && next[p] < i {
			next[p]++ // discarded ones
		}
		if i != next[p] || len(rec) != 8+i%50 {
			t.Fatalf("producer %d: record %d (%d bytes), want record %d", p, i, len(rec), next[p])
		}
		next[p]++
	}
	for p, n := range next {
		if n < records-7 {
			t.Errorf("producer %d: %d records arrived", p, n)
		}
	}
}
