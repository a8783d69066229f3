package jit

import (
	"bufio"
	"fmt"
	"os"
	"runtime"
	"runtime/metrics"
	"strings"
	"sync/atomic"
	"testing"
	"time"
	"unsafe"
)

// TestGCNotBlocked: while a program spins in generated code, the garbage
// collector's stop-the-world must still stop the world quickly. Without
// the fuel's returns to Go (segment.go) it would wait for the whole run —
// here forever: with the slice set to 1<<40 the test process hangs, the
// world half stopped, not even its timers firing (DESIGN.md records a
// 1.66 s stall of this kind). The figure
// checked is the runtime's own "stopping" latency (runtime/metrics): how
// long a stop-the-world waited for every goroutine to stop.
func TestGCNotBlocked(t *testing.T) {
	// Spin until the first word of the context is not zero.
	p, err := Compile(mustAssemble(t, "loop:\nldxw %r0, [%r1]\njeq %r0, 0, loop\nexit"), Options{Budget: 1 << 62})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	ctx := make([]byte, 8)
	done := make(chan error, 1)
	go func() {
		_, err := p.Run(ctx)
		done <- err
	}()
	time.Sleep(20 * time.Millisecond) // let it spin
	before := stopLatencies()
	collected := make(chan struct{})
	go func() {
		for range 10 {
			runtime.GC()
		}
		close(collected)
	}()
	select {
	case <-collected:
	case <-time.After(10 * time.Second):
		t.Error("runtime.GC is blocked by the spinning program")
	}
	worst := worstNew(before, stopLatencies())
	atomic.StoreUint32((*uint32)(unsafe.Pointer(&ctx[0])), 1)
	select {
	case err := <-done:
		if err != nil {
			t.Fatal(err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the program did not see the context change")
	}
	t.Logf("10 garbage collections beside a spinning program: stopping the world took at most %v", worst)
	if worst > 20*time.Millisecond {
		t.Errorf("stopping the world took up to %v beside a spinning program; the fuel should bring it back to Go within a fraction of a millisecond", worst)
	}
}

// stopLatencies is the runtime's histogram of how long stops-the-world
// for the GC waited for goroutines to stop.
func stopLatencies() *metrics.Float64Histogram {
	s := []metrics.Sample{{Name: "/sched/pauses/stopping/gc:seconds"}}
	metrics.Read(s)
	return s[0].Value.Float64Histogram()
}

// worstNew is the upper bound of the highest bucket that gained samples.
func worstNew(before, after *metrics.Float64Histogram) time.Duration {
	var worst float64
	for i := range after.Counts {
		if after.Counts[i] > before.Counts[i] {
			worst = after.Buckets[i+1]
		}
	}
	return time.Duration(worst * float64(time.Second))
}

func TestCloseFreesCode(t *testing.T) {
	p, err := Compile(mustAssemble(t, "mov %r0, 7\nexit"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	addr := p.start
	if !executable(t, addr) {
		t.Fatalf("code at %#x is not mapped executable", addr)
	}
	if r0, err := p.Run(nil); r0 != 7 || err != nil {
		t.Fatalf("Run = %d, %v", r0, err)
	}
	if err := p.Close(); err != nil {
		t.Fatal(err)
	}
	if executable(t, addr) {
		t.Errorf("code at %#x is still mapped after Close", addr)
	}
	if _, err := p.Run(nil); err != ErrClosed {
		t.Errorf("Run after Close: %v, want ErrClosed", err)
	}
	if err := p.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}

// TestDroppedProgramIsFreed: a Program nobody closes has its code freed
// once the garbage collector finds it unreachable.
func TestDroppedProgramIsFreed(t *testing.T) {
	addr := func() uintptr {
		p, err := Compile(mustAssemble(t, "mov %r0, 7\nexit"), Options{})
		if err != nil {
			t.Fatal(err)
		}
		return p.start
	}()
	for range 100 {
		if !executable(t, addr) {
			return
		}
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	t.Errorf("code at %#x of a dropped Program is still mapped", addr)
}

// executable reports whether addr is in a mapping with execute permission
// (/proc/self/maps).
func executable(t *testing.T, addr uintptr) bool {
	t.Helper()
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		t.Skipf("no /proc/self/maps: %v", err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		var lo, hi uintptr
		var perms string
		if _, err := fmt.Sscanf(s.Text(), "%x-%x %s", &lo, &hi, &perms); err == nil && lo <= addr && addr < hi {
			return strings.Contains(perms, "x")
		}
	}
	return false
}

// TestConcurrentRuns: one Program, many goroutines, each with its own
// context; every Run sees only its own.
func TestConcurrentRuns(t *testing.T) {
	p, err := Compile(mustAssemble(t, programs[0].src+"\n"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	q, err := Compile(mustAssemble(t, "ldxdw %r0, [%r1]\nmov %r2, 0\nloop:\nadd %r2, 1\njlt %r2, 1000, loop\nstxdw [%r10-8], %r0\nldxdw %r0, [%r10-8]\nexit"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	errs := make(chan error, 8)
	for g := range 8 {
		go func() {
			ctx := make([]byte, 8)
			for i := range 2000 {
				v := uint64(g)<<32 | uint64(i)
				*(*uint64)(unsafe.Pointer(&ctx[0])) = v
				if r0, err := q.Run(ctx); r0 != v || err != nil {
					errs <- fmt.Errorf("goroutine %d: r0 = %#x, %v; want %#x", g, r0, err, v)
					return
				}
				if r0, err := p.Run(nil); r0 != 5050 || err != nil {
					errs <- fmt.Errorf("goroutine %d: stack loop r0 = %d, %v", g, r0, err)
					return
				}
			}
			errs <- nil
		}()
	}
	for range 8 {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}
