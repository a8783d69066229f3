package interp

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

func TestLocalCall(t *testing.T) {
	runCases(t, []progCase{
		{"arguments, result, callee-saved registers", prog(
			mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5),
			mov(6, 6), mov(7, 7), mov(8, 8), mov(9, 9),
			callLocal(6),
			// r0 = r0*10000 + r6+r7+r8+r9 (15*10000 + 30 if r6-r9 survive)
			a64(ebpf.ALUMul, 0, 10000), a64x(ebpf.ALUAdd, 0, 6), a64x(ebpf.ALUAdd, 0, 7),
			a64x(ebpf.ALUAdd, 0, 8), a64x(ebpf.ALUAdd, 0, 9), exit(),
			// callee: r0 = r1+...+r5, clobbers r6-r9
			movx(0, 1), a64x(ebpf.ALUAdd, 0, 2), a64x(ebpf.ALUAdd, 0, 3), a64x(ebpf.ALUAdd, 0, 4), a64x(ebpf.ALUAdd, 0, 5),
			mov(6, 0), mov(7, 0), mov(8, 0), mov(9, 0), exit()), 150030},
		{"each function has its own stack", prog(
			st(ebpf.SizeW, 10, -4, 0x55), callLocal(2), ldx(ebpf.SizeW, 0, 10, -4), exit(),
			st(ebpf.SizeW, 10, -4, 0x66), exit()), 0x55},
		{"callee writes through a pointer to the caller's stack", prog(
			movx(1, 10), a64(ebpf.ALUAdd, 1, -8), callLocal(2), ldx(ebpf.SizeDW, 0, 10, -8), exit(),
			st(ebpf.SizeDW, 1, 0, 77), exit()), 77},
		{"nested", prog(
			mov(0, 1), callLocal(1), exit(),
			a64(ebpf.ALUMul, 0, 3), callLocal(1), exit(),
			a64(ebpf.ALUAdd, 0, 4), exit()), 7},
	})
}

// chain returns a program of n functions, each calling the next; the last
// returns 42.
func chain(n int) []ebpf.Instruction {
	var p []ebpf.Instruction
	for range n - 1 {
		p = append(p, callLocal(1), exit())
	}
	return append(p, mov(0, 42), exit())
}

func TestCallDepth(t *testing.T) {
	if got := run(t, chain(MaxFrames), nil, Options{}); got != 42 {
		t.Errorf("%d frames: r0 = %d, want 42", MaxFrames, got)
	}
	_, err := runErr(t, chain(MaxFrames+1), nil, Options{})
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, ErrCallDepth) || re.Index != 2*(MaxFrames-1) {
		t.Errorf("%d frames: %v, want ErrCallDepth at instruction %d", MaxFrames+1, err, 2*(MaxFrames-1))
	}
}

func TestReturnedFrameIsGone(t *testing.T) {
	// The callee stores at its r10-8; after the return the main program
	// reaches 520 bytes below its own r10, into the dead frame.
	_, err := runErr(t, prog(callLocal(2), ldx(ebpf.SizeDW, 0, 10, -520), exit(),
		st(ebpf.SizeDW, 10, -8, 1), exit()), nil, Options{})
	if !errors.Is(err, ErrMemory) {
		t.Errorf("load from a returned frame: %v, want ErrMemory", err)
	}
}

func TestHelpers(t *testing.T) {
	var seen [5]uint64
	helpers := map[int32]Helper{
		7: func(env *Env, r1, r2, r3, r4, r5 uint64) (uint64, error) {
			seen = [5]uint64{r1, r2, r3, r4, r5}
			b, err := env.Store(r1, 8) // write through the pointer in r1
			if err != nil {
				return 0, err
			}
			binary.LittleEndian.PutUint64(b, r2*r3)
			return r4 + r5, nil
		},
	}
	got := run(t, prog(
		movx(1, 10), a64(ebpf.ALUAdd, 1, -8), mov(2, 6), mov(3, 7), mov(4, 100), mov(5, 11),
		call(7), ldx(ebpf.SizeDW, 1, 10, -8), a64(ebpf.ALUMul, 0, 1000), a64x(ebpf.ALUAdd, 0, 1), exit()),
		nil, Options{Helpers: helpers})
	if got != 111042 {
		t.Errorf("r0 = %d, want 111042 (helper result 111, stored 42)", got)
	}
	if seen != [5]uint64{stackTop - 8, 6, 7, 100, 11} {
		t.Errorf("helper saw %v", seen)
	}
}

func TestHelperErrors(t *testing.T) {
	boom := errors.New("boom")
	helpers := map[int32]Helper{
		1: func(*Env, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, boom },
		2: func(env *Env, r1, _, _, _, _ uint64) (uint64, error) {
			_, err := env.Load(r1, 1)
			return 0, err
		},
	}
	_, err := runErr(t, prog(mov(0, 0), call(1), exit()), nil, Options{Helpers: helpers})
	var re *RunError
	if !errors.As(err, &re) || re.Index != 1 || !errors.Is(err, ErrHelper) || !errors.Is(err, boom) {
		t.Errorf("failing helper: %v, want ErrHelper and boom at instruction 1", err)
	}
	_, err = runErr(t, prog(mov(1, 0), call(2), exit()), nil, Options{Helpers: helpers})
	if !errors.Is(err, ErrMemory) {
		t.Errorf("helper reading NULL: %v, want ErrMemory", err)
	}
	_, err = Compile(prog(call(63), exit()), Options{Helpers: helpers})
	var ie *ebpf.InvalidError
	if !errors.As(err, &ie) || ie.Index != 0 || !strings.Contains(err.Error(), "helper 63") {
		t.Errorf("unknown helper: %v, want an InvalidError naming helper 63", err)
	}
}

func TestBudget(t *testing.T) {
	straight := prog(mov(0, 1), mov(0, 2), mov(0, 3), exit()) // 4 instructions
	if got := run(t, straight, nil, Options{Budget: 4}); got != 3 {
		t.Errorf("budget 4: r0 = %d", got)
	}
	_, err := runErr(t, straight, nil, Options{Budget: 3})
	var re *RunError
	if !errors.As(err, &re) || !errors.Is(err, ErrBudget) || re.Index != 3 {
		t.Errorf("budget 3: %v, want ErrBudget at instruction 3", err)
	}
	loop := prog(mov(0, 0), a64(ebpf.ALUAdd, 0, 1), ja(-2), exit())
	_, err = runErr(t, loop, nil, Options{Budget: 1000})
	if !errors.Is(err, ErrBudget) {
		t.Errorf("endless loop: %v, want ErrBudget", err)
	}
	if p, _ := Compile(loop, Options{}); p.budget != DefaultBudget {
		t.Errorf("budget without Options.Budget = %d, want DefaultBudget", p.budget)
	}
}

func TestConcurrentRuns(t *testing.T) {
	p, err := Compile(prog(ldx(ebpf.SizeDW, 2, 1, 0), stx(ebpf.SizeDW, 10, 2, -8),
		ldx(ebpf.SizeDW, 0, 10, -8), exit()), Options{})
	if err != nil {
		t.Fatal(err)
	}
	errc := make(chan error)
	for g := range 8 {
		go func() {
			ctx := binary.LittleEndian.AppendUint64(nil, uint64(g))
			for range 1000 {
				if r0, err := p.Run(ctx); err != nil || r0 != uint64(g) {
					errc <- fmt.Errorf("goroutine %d: r0 = %d, %v", g, r0, err)
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

// TestRunDoesNotAllocate: a Run of a program that calls, uses atomics and
// touches memory allocates nothing (machines come from a pool).
func TestRunDoesNotAllocate(t *testing.T) {
	helpers := map[int32]Helper{1: func(_ *Env, r1, _, _, _, _ uint64) (uint64, error) { return r1, nil }}
	p, err := Compile(prog(
		mov(1, 3), call(1), stx(szDW, 10, 0, -8), mov(2, 1),
		atomicOp(szDW, ebpf.AtomicAdd|ebpf.AtomicFetch, 10, 2, -8), atomicOp(szW, ebpf.AtomicCmpXchg, 10, 2, -8),
		callLocal(1), exit(), ldx(szDW, 0, 10, -8), exit()), Options{Helpers: helpers})
	if err != nil {
		t.Fatal(err)
	}
	ctx := make([]byte, 8)
	if n := testing.AllocsPerRun(100, func() { p.Run(ctx) }); n != 0 {
		t.Errorf("Run allocates %.1f times", n)
	}
}
