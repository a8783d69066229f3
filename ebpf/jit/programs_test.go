package jit

import (
	"encoding/binary"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// Programs that exercise what the arithmetic tests do not: memory and its
// faults, calls, helpers, atomics, legacy loads, r10 as a value, the
// budget. Each runs on both engines at the default budget and then at
// every budget up to what it needs: the results, the errors (as text) and
// the memory left behind must be the same.

var testHelpers = map[int32]interp.Helper{
	1: func(_ *interp.Env, r1, r2, r3, r4, r5 uint64) (uint64, error) {
		return r1 ^ r2<<1 ^ r3<<2 ^ r4<<3 ^ r5<<4, nil
	},
	2: func(env *interp.Env, r1, r2, _, _, _ uint64) (uint64, error) { // store r2 at r1
		b, err := env.Store(r1, 8)
		if err != nil {
			return 0, err
		}
		binary.LittleEndian.PutUint64(b, r2)
		return 1, nil
	},
	3: func(_ *interp.Env, r1, _, _, _, _ uint64) (uint64, error) {
		if r1&1 != 0 {
			return 0, errors.New("odd argument")
		}
		return r1 / 2, nil
	},
}

var programs = []struct{ name, src string }{
	{"stack loop", `
		stdw [%r10-8], 100
		stdw [%r10-16], 0
	loop:
		ldxdw %r1, [%r10-8]
		ldxdw %r0, [%r10-16]
		add %r0, %r1
		sub %r1, 1
		stxdw [%r10-16], %r0
		stxdw [%r10-8], %r1
		jne %r1, 0, loop
		exit`},
	{"context loads and stores", `
		ldxw %r3, [%r1+4]
		stxw [%r1], %r3
		stb [%r1+7], 0x55
		ldxh %r4, [%r1+2]
		ldxsb %r5, [%r1+8]
		ldxsh %r6, [%r1+8]
		ldxsw %r7, [%r1+8]
		sth [%r1+10], -2
		stdw [%r1+16], -3
		mov %r0, %r3
		add %r0, %r4
		add %r0, %r5
		add %r0, %r6
		add %r0, %r7
		exit`},
	{"context end", "ldxdw %r0, [%r1+16]\nldxb %r0, [%r1+23]\nldxw %r0, [%r1+21]\nexit"},
	{"load past the context", "ldxdw %r0, [%r1+20]\nexit"},
	{"store past the context", "stw [%r1+22], 1\nexit"},
	{"null", "mov %r1, 0\nldxb %r0, [%r1]\nexit"},
	{"negative offset", "ldxb %r0, [%r1-1]\nexit"},
	{"beyond the windows", "lddw %r1, 0x100000000000\nldxb %r0, [%r1]\nexit"},
	{"below the frame", "ldxdw %r0, [%r10-520]\nexit"},
	{"above the stack", "ldxb %r0, [%r10]\nexit"},
	{"stack through another register", "mov %r2, %r10\nadd %r2, -16\nstw [%r2+4], 7\nldxw %r0, [%r10-12]\nexit"},
	{"r10 as a value", `
		mov %r1, %r10
		mov %r0, %r10
		sub %r0, %r1
		jne %r10, %r1, +3
		jgt %r10, 0x7fffffff, +1
		exit
		mov32 %r2, %r10
		add %r0, %r2
		stxdw [%r10-8], %r10
		ldxdw %r3, [%r10-8]
		stxdw [%r1-16], %r10
		div %r3, %r10
		add %r0, %r3
		mov %r4, 3
		lsh %r4, %r10
		add %r0, %r4
		exit`},
	{"region read and write", `
		lddw %r2, 0x300000000
		ldxdw %r0, [%r2]
		stxdw [%r2+8], %r0
		lddw %r3, 0x400000000
		ldxw %r4, [%r3+4]
		add %r0, %r4
		exit`},
	{"read-only region", "lddw %r3, 0x400000000\nstb [%r3], 1\nexit"},
	{"unmapped region", "lddw %r3, 0x500000000\nldxb %r0, [%r3]\nexit"},
	{"local calls", `
		mov %r6, 6
		mov %r9, 9
		stdw [%r10-8], 11
		mov %r1, %r10
		add %r1, -8
		call local f
		add %r0, %r6
		add %r0, %r9
		ldxdw %r2, [%r10-8]
		add %r0, %r2
		exit
	f:
		mov %r6, 0
		mov %r9, 0
		stdw [%r10-8], 1000
		ldxdw %r0, [%r1]
		stdw [%r1], 22
		ldxdw %r3, [%r10+8]
		add %r0, %r3
		call local g
		exit
	g:
		add %r0, 100
		exit`},
	{"a callee reads a returned frame", "call local f\nldxdw %r0, [%r10-520]\nexit\nf:\nstdw [%r10-8], 1\nexit"},
	{"recursion to the depth limit", "mov %r0, 0\ncall local f\nexit\nf:\nadd %r0, 1\njgt %r0, 6, +1\ncall local f\nexit"},
	{"recursion past the depth limit", "mov %r0, 0\ncall local f\nexit\nf:\nadd %r0, 1\ncall local f\nexit"},
	{"helpers", `
		mov %r1, 1
		mov %r2, 2
		mov %r3, 3
		mov %r4, 4
		mov %r5, 5
		mov %r6, 6
		mov %r9, 9
		call 1
		mov %r7, %r0
		mov %r1, %r10
		add %r1, -8
		lddw %r2, 0x1122334455667788
		call 2
		ldxdw %r0, [%r10-8]
		add %r0, %r7
		add %r0, %r6
		add %r0, %r9
		mov %r1, 8
		call 3
		exit`},
	{"a helper fails", "mov %r1, 7\ncall 3\nexit"},
	{"a helper faults", "mov %r1, 0\ncall 2\nexit"},
	{"a helper from a callee", "call local f\nexit\nf:\nmov %r1, %r10\nadd %r1, -520\ncall 2\nexit"},
	{"a helper in a loop", "mov %r6, 0\nloop:\nmov %r1, %r6\ncall 1\nadd %r6, 1\njlt %r6, 20, loop\nexit"},
	{"atomics on the stack", `
		stdw [%r10-8], 5
		stw [%r10-16], 9
		mov %r1, 3
		lock add [%r10-8], %r1
		lock fetch add [%r10-8], %r1
		lock or32 [%r10-16], %r1
		mov %r2, 6
		lock fetch and32 [%r10-16], %r2
		mov %r3, 0xff
		lock fetch xor [%r10-8], %r3
		mov %r4, 77
		lock xchg32 [%r10-16], %r4
		mov %r0, 8
		mov %r5, 99
		lock cmpxchg [%r10-8], %r5
		mov %r6, %r0
		ldxdw %r0, [%r10-8]
		lock cmpxchg [%r10-8], %r5
		add %r0, %r1
		add %r0, %r2
		add %r0, %r3
		add %r0, %r4
		add %r0, %r6
		ldxw %r7, [%r10-16]
		add %r0, %r7
		lock add [%r10-16], %r10
		exit`},
	{"atomics on the context", `
		mov %r2, 5
		lock fetch add [%r1+8], %r2
		lock fetch or32 [%r1+4], %r2
		lock fetch xor [%r1+16], %r2
		mov %r0, 0
		lock cmpxchg32 [%r1], %r2
		lock and [%r1+8], %r2
		lock xchg [%r1+16], %r2
		add %r0, %r2
		exit`},
	{"misaligned atomic", "lock add [%r1+2], %r1\nexit"},
	{"misaligned atomic on the stack", "lock add32 [%r10-6], %r1\nexit"},
	{"atomic past the context", "lock add [%r1+24], %r1\nexit"},
	{"atomic on a read-only region", "lddw %r3, 0x400000000\nlock add [%r3], %r1\nexit"},
	{"legacy loads", "ldabsb 1\nmov %r6, %r0\nldabsh 2\nadd %r6, %r0\nldabsw 4\nadd %r6, %r0\nmov %r7, 3\nldindw %r7, 1\nadd %r0, %r6\nexit"},
	{"legacy load past the packet", "mov %r0, 5\nldabsw 21\nmov %r0, 7\nexit"},
	{"legacy load at a negative offset", "mov %r2, -8\nldindb %r2, 4\nmov %r0, 7\nexit"},
	{"legacy load from a callee", "call local f\nmov %r0, 7\nexit\nf:\nldabsb 100\nexit"},
	{"division by zero and minus one", `
		lddw %r1, 0x8000000000000000
		mov %r2, -1
		mov %r3, 0
		mov %r0, %r1
		sdiv %r0, %r2
		mov %r4, %r1
		smod %r4, %r2
		mov %r5, %r1
		div %r5, %r3
		mov %r6, %r1
		mod %r6, %r3
		mov %r7, %r1
		sdiv32 %r7, 0
		mod32 %r6, 0
		add %r0, %r4
		add %r0, %r5
		add %r0, %r6
		add %r0, %r7
		exit`},
	{"an endless loop", "mov %r0, 0\nloop:\nadd %r0, 1\nja loop"},
	{"gotol", "mov %r0, 1\ngotol +1\nmov %r0, 2\nexit"},
}

func programContext() []byte {
	ctx := make([]byte, 24)
	for i := range ctx {
		ctx[i] = byte(0x80 + 7*i)
	}
	return ctx
}

func programRegions() []interp.Region {
	return []interp.Region{
		{Name: "rw", Data: []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16}},
		{Name: "ro", Data: []byte{0xa, 0xb, 0xc, 0xd, 0xe, 0xf, 0x10, 0x11}, ReadOnly: true},
	}
}

func TestPrograms(t *testing.T) {
	for _, p := range programs {
		s := setup{ctx: programContext(), regions: programRegions(), helpers: testHelpers, budget: 100_000}
		agreeAtEveryBudget(t, p.name, mustAssemble(t, p.src), s, 400)
	}
}

// TestMisalignedHostContext: a context slice at an odd host address, so
// that aligned program addresses are misaligned host addresses and the
// atomics take their plain path (atomic.go).
func TestMisalignedHostContext(t *testing.T) {
	for _, p := range programs {
		if p.name != "atomics on the context" {
			continue
		}
		buf := make([]byte, 33)
		copy(buf[1:], programContext())
		s := setup{ctx: buf[1:25], helpers: testHelpers}
		// fresh copies would be aligned again: run both on the odd slice
		insns := mustAssemble(t, p.src)
		want := runInterp(insns, s)
		p, err := Compile(insns, Options{})
		if err != nil {
			t.Fatal(err)
		}
		var got outcome
		got.r0, got.err = p.Run(buf[1:25])
		got.ctx = buf[1:25]
		if d := differ(want, got); d != "" {
			t.Errorf("%s", d)
		}
		p.Close()
	}
}

func TestBudgetErrorNamesTheInstruction(t *testing.T) {
	insns := mustAssemble(t, "mov %r0, 0\nloop:\nadd %r0, 1\nadd %r0, 2\nadd %r0, 3\nja loop")
	for budget := uint64(1); budget < 20; budget++ {
		p, err := Compile(insns, Options{Budget: budget})
		if err != nil {
			t.Fatal(err)
		}
		_, err = p.Run(nil)
		var re *interp.RunError
		want := 1 + int(budget-1)%4 // mov, then add add add ja ...
		if budget == 1 {
			want = 1
		}
		if !errors.As(err, &re) || !errors.Is(err, interp.ErrBudget) || re.Index != want {
			t.Errorf("budget %d: %v, want ErrBudget at instruction %d", budget, err, want)
		}
		p.Close()
	}
}

func TestCompileErrors(t *testing.T) {
	for _, src := range []string{"call 99\nexit", "mov %r10, 1\nexit", "ja +0", "mov %r0, 1"} {
		insns := mustAssemble(t, src)
		_, ierr := interp.Compile(insns, interp.Options{})
		_, jerr := Compile(insns, Options{})
		if ierr == nil || jerr == nil || ierr.Error() != jerr.Error() {
			t.Errorf("%q: interp %v, jit %v", src, ierr, jerr)
		}
	}
	many := make([]interp.Region, interp.MaxRegions+1)
	if _, err := Compile(mustAssemble(t, "exit"), Options{Regions: many}); err == nil {
		t.Errorf("%d regions compiled", len(many))
	}
}

// TestLongProgram: a segment longer than a fuel slice, and jumps across
// 100000 instructions (gotol back, rel32 both ways).
func TestLongProgram(t *testing.T) {
	const n = 100_000
	src := "mov %r0, 0\nmov %r2, 3\nloop:\n" + strings.Repeat("add %r0, 3\nxor %r0, 0x55\n", n/2) +
		"sub %r2, 1\njeq %r2, 0, +1\nja32 loop\n" + strings.Repeat("add %r0, 1\n", 1000) + "exit"
	insns := mustAssemble(t, src)
	for _, budget := range []uint64{0, 2 * n, 3*n + 3, 3*n + 9} {
		agree(t, fmt.Sprintf("budget %d", budget), insns, setup{budget: budget})
	}
}

// TestStackStartsZeroed: a machine goes back to the pool after a Run; the
// next Run must not see what the last one left on the stack, in the main
// frame or a callee's.
func TestStackStartsZeroed(t *testing.T) {
	readThenDirty := "ldxdw %r0, [%r10-8]\nstdw [%r10-8], 99\nexit"
	for name, src := range map[string]string{
		"main frame":       readThenDirty,
		"a callee's frame": "call local f\nexit\nf:\n" + readThenDirty,
	} {
		p, err := Compile(mustAssemble(t, src), Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if r0, err := p.Run(nil); err != nil || r0 != 0 {
				t.Fatalf("%s, run %d: r0 = %d, %v; want 0: the stack must start zeroed", name, i, r0, err)
			}
		}
		p.Close()
	}
}

// TestRunAllocatesNothing: a Run, helper calls included, allocates nothing
// once the pool holds a machine.
func TestRunAllocatesNothing(t *testing.T) {
	p, err := Compile(mustAssemble(t, programs[0].src), Options{Helpers: testHelpers})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	q, err := Compile(mustAssemble(t, "mov %r6, 0\nloop:\nmov %r1, %r6\ncall 1\nadd %r6, 1\njlt %r6, 20, loop\nexit"), Options{Helpers: testHelpers})
	if err != nil {
		t.Fatal(err)
	}
	defer q.Close()
	ctx := make([]byte, 16)
	for _, prog := range []*Program{p, q} {
		if n := testing.AllocsPerRun(100, func() { prog.Run(ctx) }); n != 0 {
			t.Errorf("Run allocates %v times", n)
		}
	}
}
