package jit

import (
	"encoding/binary"
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// TestStackDoesNotLeak: what one run writes to the stack, the next run of
// the same program (on the same pooled machine) reads as zero, on both
// engines, whichever way the stack was written: through r10 (the bound
// ebpf.StackWrites gives, which reset clears), through a pointer made from
// a constant, or in a callee's frame (both unbounded: reset clears whole
// frames). ctx[0] != 0 makes the program write; every run reads.
func TestStackDoesNotLeak(t *testing.T) {
	frame0 := interp.StackAddr + (interp.MaxFrames-1)*512
	for _, c := range []struct{ name, src string }{
		{"r10", `
			ldxb %r3, [%r1]
			jeq %r3, 0, +2
			stdw [%r10-8], 42
			stdw [%r10-64], 43
			ldxdw %r0, [%r10-8]
			ldxdw %r4, [%r10-64]
			add %r0, %r4
			ldxdw %r4, [%r10-512]
			add %r0, %r4
			exit`},
		{"forged pointer", fmt.Sprintf(`
			ldxb %%r3, [%%r1]
			lddw %%r2, %#x
			jeq %%r3, 0, +1
			stdw [%%r2+0], 7
			ldxdw %%r0, [%%r10-412]
			exit`, frame0+100)},
		{"callee frame", `
			ldxb %r6, [%r1]
			call local +1
			exit
			jeq %r6, 0, +1
			stdw [%r10-8], 9
			ldxdw %r0, [%r10-8]
			exit`},
	} {
		insns := mustAssemble(t, c.src)
		ip, err := interp.Compile(insns, interp.Options{})
		if err != nil {
			t.Fatal(err)
		}
		jp, err := Compile(insns, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for name, run := range map[string]func([]byte) (uint64, error){"interp": ip.Run, "jit": jp.Run} {
			first, err1 := run([]byte{1})
			second, err2 := run([]byte{0})
			if err1 != nil || err2 != nil || first == 0 || second != 0 {
				t.Errorf("%s on %s: writing run r0 = %d, %v; next run r0 = %d, %v (want the writes gone)", c.name, name, first, err1, second, err2)
			}
		}
		jp.Close()
	}
}

// TestConcurrentRunsKeepTheirStacks: goroutines running one program at
// once (the idle machine and the pool behind it, machine.go) never see
// each other's stack, nor their own last run's.
func TestConcurrentRunsKeepTheirStacks(t *testing.T) {
	insns := mustAssemble(t, `
		ldxdw %r3, [%r1]
		jeq %r3, 0, +1
		stxdw [%r10-8], %r3
		ldxdw %r0, [%r10-8]
		exit`)
	ip, err := interp.Compile(insns, interp.Options{})
	if err != nil {
		t.Fatal(err)
	}
	jp, err := Compile(insns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer jp.Close()
	for name, run := range map[string]func([]byte) (uint64, error){"interp": ip.Run, "jit": jp.Run} {
		errc := make(chan error)
		for g := range 8 {
			go func() {
				for i := range 2000 {
					v := uint64(g+1) * uint64(i%2)
					ctx := binary.LittleEndian.AppendUint64(nil, v)
					if r0, err := run(ctx); err != nil || r0 != v {
						errc <- fmt.Errorf("%s, goroutine %d, run %d: r0 = %d, %v; want %d", name, g, i, r0, err, v)
						return
					}
				}
				errc <- nil
			}()
		}
		for range 8 {
			if err := <-errc; err != nil {
				t.Error(err)
			}
		}
	}
}
