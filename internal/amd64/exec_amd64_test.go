//go:build linux

package amd64

import (
	"math"
	"math/bits"
	"math/rand/v2"
	"runtime"
	"testing"
	"unsafe"

	"github.com/deepsys/deepsys/internal/execmem"
)

// These tests run generated code through internal/execmem: what the bytes
// do, not only what a decoder says they are. Each function gets a *frame
// in RDI and returns RAX (execmem's convention); function() saves and
// restores the registers that convention says generated code must keep.

type frame struct {
	x, y, z uint64     // arguments, at [rdi], [rdi+8], [rdi+16]
	mem     [16]uint64 // at [rdi+24]
}

const memOff = 24

// usable is every register but RSP and RDI (which holds the frame).
var usable = []Reg{RAX, RCX, RDX, RBX, RBP, RSI, R8, R9, R10, R11, R12, R13, R14, R15}

var calleeSaved = []Reg{RBX, RBP, R12, R13, R14, R15}

// function wraps body in pushes and pops of the callee-saved registers.
func function(body func(a *Assembler)) func(a *Assembler) {
	return func(a *Assembler) {
		for _, r := range calleeSaved {
			a.Push(r)
		}
		body(a)
		for i := len(calleeSaved) - 1; i >= 0; i-- {
			a.Pop(calleeSaved[i])
		}
		a.Ret()
	}
}

// compile assembles emit into an executable segment.
func compile(t testing.TB, emit func(a *Assembler)) *execmem.Segment {
	t.Helper()
	var a Assembler
	emit(&a)
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	seg, err := execmem.New(code)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { seg.Free() })
	return seg
}

func run(t testing.TB, seg *execmem.Segment, f *frame) uint64 {
	t.Helper()
	v, err := seg.Call(0, unsafe.Pointer(f))
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func arg(i int32) Mem { return mem(RDI, 8*i) }

// TestRunFactorial is a loop with a forward exit and a backward jump.
func TestRunFactorial(t *testing.T) {
	seg := compile(t, func(a *Assembler) {
		loop, done := a.NewLabel(), a.NewLabel()
		a.MovRM(W64, RCX, arg(0))
		a.MovRI(W64, RAX, 1)
		a.Bind(loop)
		a.TestRR(W64, RCX, RCX)
		a.Jcc(E, done)
		a.ImulRR(W64, RAX, RCX)
		a.ALURI(Sub, W64, RCX, 1)
		a.Jmp(loop)
		a.Bind(done)
		a.Ret()
	})
	want := uint64(1)
	for n := uint64(0); n <= 20; n++ {
		if n > 0 {
			want *= n
		}
		if got := run(t, seg, &frame{x: n}); got != want {
			t.Fatalf("%d! = %d, want %d", n, got, want)
		}
	}
}

// TestRunSum adds frame.mem[0:n] through [rdi+8*rcx+24].
func TestRunSum(t *testing.T) {
	seg := compile(t, func(a *Assembler) {
		loop, test := a.NewLabel(), a.NewLabel()
		a.ALURR(Xor, W32, RAX, RAX)
		a.ALURR(Xor, W32, RCX, RCX)
		a.MovRM(W64, RDX, arg(0))
		a.JmpShort(test)
		a.Bind(loop)
		a.ALURM(Add, W64, RAX, memX(RDI, RCX, 8, memOff))
		a.ALURI(Add, W64, RCX, 1)
		a.Bind(test)
		a.ALURR(Cmp, W64, RCX, RDX)
		a.Jcc(B, loop)
		a.Ret()
	})
	f := &frame{}
	var want uint64
	for n := 0; n <= len(f.mem); n++ {
		f.x = uint64(n)
		if got := run(t, seg, f); got != want {
			t.Fatalf("sum of %d = %d, want %d", n, got, want)
		}
		if n < len(f.mem) {
			f.mem[n] = uint64(n*n) + 1<<40
			want += f.mem[n]
		}
	}
}

// TestRunALU checks every group 1 operation at every width, register and
// immediate forms, on random registers, against Go. At W8 and W16 the
// upper bits of the destination must survive; at W32 they must be zeroed.
func TestRunALU(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for op := Add; op < Cmp; op++ {
		for _, w := range []Width{W8, W16, W32, W64} {
			d, s := pick2(r)
			imm := randImm32(r, w)
			rr := compile(t, function(func(a *Assembler) {
				a.MovRM(W64, d, arg(0))
				a.MovRM(W64, s, arg(1))
				setCarry(a)
				a.ALURR(op, w, d, s)
				a.MovRR(W64, RAX, d)
			}))
			ri := compile(t, function(func(a *Assembler) {
				a.MovRM(W64, d, arg(0))
				setCarry(a)
				a.ALURI(op, w, d, imm)
				a.MovRR(W64, RAX, d)
			}))
			for i := 0; i < 200; i++ {
				f := &frame{x: randInput(r), y: randInput(r), z: uint64(r.IntN(2))}
				cf := f.z == 0
				if got, want := run(t, rr, f), aluModel(op, w, f.x, f.y, cf); got != want {
					t.Fatalf("%s %s, %s with %#x, %#x, CF=%v: %#x, want %#x", op, d.Name(w), s.Name(w), f.x, f.y, cf, got, want)
				}
				if got, want := run(t, ri, f), aluModel(op, w, f.x, uint64(int64(imm)), cf); got != want {
					t.Fatalf("%s %s, %d with %#x, CF=%v: %#x, want %#x", op, d.Name(w), imm, f.x, cf, got, want)
				}
			}
		}
	}
}

// setCarry sets CF when frame.z is 0, for ADC and SBB.
func setCarry(a *Assembler) { a.ALUMI(Cmp, W64, arg(2), 1) }

func aluModel(op ALUOp, w Width, x, y uint64, cf bool) uint64 {
	c := uint64(0)
	if cf {
		c = 1
	}
	var v uint64
	switch op {
	case Add:
		v = x + y
	case Or:
		v = x | y
	case Adc:
		v = x + y + c
	case Sbb:
		v = x - y - c
	case And:
		v = x & y
	case Sub:
		v = x - y
	case Xor:
		v = x ^ y
	}
	return merge(w, x, v)
}

// merge is what a w-bit write of v leaves in a register that held old.
func merge(w Width, old, v uint64) uint64 {
	switch w {
	case W64:
		return v
	case W32:
		return uint64(uint32(v))
	}
	mask := uint64(1)<<w.Bits() - 1
	return old&^mask | v&mask
}

// TestRunShifts checks every shift and rotate, by CL and by constant.
func TestRunShifts(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 6))
	for _, op := range []ShiftOp{Rol, Ror, Shl, Shr, Sar} {
		for _, w := range []Width{W8, W16, W32, W64} {
			d := usable[r.IntN(len(usable))]
			for d == RCX {
				d = usable[r.IntN(len(usable))]
			}
			n := uint8(r.IntN(w.Bits()))
			byCL := compile(t, function(func(a *Assembler) {
				a.MovRM(W64, d, arg(0))
				a.MovRM(W64, RCX, arg(1))
				a.ShiftRCL(op, w, d)
				a.MovRR(W64, RAX, d)
			}))
			byN := compile(t, function(func(a *Assembler) {
				a.MovRM(W64, d, arg(0))
				a.ShiftRI(op, w, d, n)
				a.ShiftRI(op, w, d, 1)
				a.MovRR(W64, RAX, d)
			}))
			for i := 0; i < 200; i++ {
				f := &frame{x: randInput(r), y: randInput(r)}
				if got, want := run(t, byCL, f), shiftModel(op, w, f.x, f.y); got != want {
					t.Fatalf("%s %s, cl with %#x, cl=%d: %#x, want %#x", op, d.Name(w), f.x, uint8(f.y), got, want)
				}
				want := shiftModel(op, w, shiftModel(op, w, f.x, uint64(n)), 1)
				if got := run(t, byN, f); got != want {
					t.Fatalf("%s %s, %d then 1 with %#x: %#x, want %#x", op, d.Name(w), n, f.x, got, want)
				}
			}
		}
	}
}

// shiftModel: the count is masked to 5 bits (6 at W64); rotates then
// take it modulo the width.
func shiftModel(op ShiftOp, w Width, x, count uint64) uint64 {
	n := uint(count & 31)
	if w == W64 {
		n = uint(count & 63)
	}
	b := uint(w.Bits())
	mask := uint64(1)<<b - 1
	if w == W64 {
		mask = math.MaxUint64
	}
	v := x & mask
	switch op {
	case Shl:
		v <<= n
	case Shr:
		v >>= n
	case Sar:
		v = uint64(int64(v<<(64-b)) >> (64 - b) >> n)
	case Rol, Ror:
		if op == Ror {
			n = b - n%b
		}
		n %= b
		v = v<<n | v>>(b-n)
	}
	if n == 0 && w != W32 {
		return x
	}
	return merge(w, x, v)
}

// TestRunMulDiv checks the multiplications and divisions against Go,
// including RDX:RAX and CQO/CDQ.
func TestRunMulDiv(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 8))
	type kernel struct {
		name string
		emit func(a *Assembler) // x in RAX, y in RCX
		want func(x, y uint64) (uint64, bool)
	}
	kernels := []kernel{
		{"imul r64, r64", func(a *Assembler) { a.ImulRR(W64, RAX, RCX) }, func(x, y uint64) (uint64, bool) { return x * y, true }},
		{"imul r32, r32", func(a *Assembler) { a.ImulRR(W32, RAX, RCX) }, func(x, y uint64) (uint64, bool) { return uint64(uint32(x * y)), true }},
		{"imul r16, r16", func(a *Assembler) { a.ImulRR(W16, RAX, RCX) }, func(x, y uint64) (uint64, bool) { return merge(W16, x, x*y), true }},
		{"imul r64, [m]", func(a *Assembler) { a.ImulRM(W64, RAX, arg(1)) }, func(x, y uint64) (uint64, bool) { return x * y, true }},
		{"imul r64, r64, -3", func(a *Assembler) { a.ImulRRI(W64, RAX, RCX, -3) }, func(x, y uint64) (uint64, bool) { return y * uint64(1<<64-3), true }},
		{"imul r32, r32, 100000", func(a *Assembler) { a.ImulRRI(W32, RAX, RCX, 100000) }, func(x, y uint64) (uint64, bool) { return uint64(uint32(y * 100000)), true }},
		{"mul r64 (high)", func(a *Assembler) { a.Mul(W64, RCX); a.MovRR(W64, RAX, RDX) }, func(x, y uint64) (uint64, bool) { hi, _ := bits.Mul64(x, y); return hi, true }},
		{"mul r32 (low)", func(a *Assembler) { a.Mul(W32, RCX) }, func(x, y uint64) (uint64, bool) { return uint64(uint32(x) * uint32(y)), true }},
		{"imul r64 (high)", func(a *Assembler) { a.ImulWide(W64, RCX); a.MovRR(W64, RAX, RDX) }, func(x, y uint64) (uint64, bool) { return mulHiSigned(x, y), true }},
		{"div r64", func(a *Assembler) { a.ALURR(Xor, W32, RDX, RDX); a.Div(W64, RCX) }, func(x, y uint64) (uint64, bool) { return x / nz(y), y != 0 }},
		{"div r64 (rem)", func(a *Assembler) { a.ALURR(Xor, W32, RDX, RDX); a.Div(W64, RCX); a.MovRR(W64, RAX, RDX) }, func(x, y uint64) (uint64, bool) { return x % nz(y), y != 0 }},
		{"div r32", func(a *Assembler) { a.ALURR(Xor, W32, RDX, RDX); a.Div(W32, RCX) }, func(x, y uint64) (uint64, bool) {
			return uint64(uint32(x) / uint32(nz(y&math.MaxUint32))), uint32(y) != 0
		}},
		{"idiv r64", func(a *Assembler) { a.Cqo(); a.Idiv(W64, RCX) }, func(x, y uint64) (uint64, bool) {
			ok := y != 0 && !(int64(x) == math.MinInt64 && int64(y) == -1)
			return uint64(int64(x) / int64(nz(y))), ok
		}},
		{"idiv r64 (rem)", func(a *Assembler) { a.Cqo(); a.Idiv(W64, RCX); a.MovRR(W64, RAX, RDX) }, func(x, y uint64) (uint64, bool) {
			ok := y != 0 && !(int64(x) == math.MinInt64 && int64(y) == -1)
			return uint64(int64(x) % int64(nz(y))), ok
		}},
		{"idiv r32", func(a *Assembler) { a.Cdq(); a.Idiv(W32, RCX) }, func(x, y uint64) (uint64, bool) {
			ok := int32(y) != 0 && !(int32(x) == math.MinInt32 && int32(y) == -1)
			return uint64(uint32(int32(x) / int32(nz(y&math.MaxUint32)))), ok
		}},
	}
	for _, k := range kernels {
		seg := compile(t, func(a *Assembler) {
			a.MovRM(W64, RAX, arg(0))
			a.MovRM(W64, RCX, arg(1))
			k.emit(a)
			a.Ret()
		})
		for i := 0; i < 500; i++ {
			f := &frame{x: randInput(r), y: randInput(r)}
			want, ok := k.want(f.x, f.y)
			if !ok { // would raise #DE: the generator's job to avoid
				continue
			}
			if got := run(t, seg, f); got != want {
				t.Fatalf("%s with %#x, %#x: %#x, want %#x", k.name, f.x, f.y, got, want)
			}
		}
	}
}

func nz(y uint64) uint64 {
	if y == 0 {
		return 1
	}
	return y
}

func mulHiSigned(x, y uint64) uint64 {
	hi, _ := bits.Mul64(x, y)
	if int64(x) < 0 {
		hi -= y
	}
	if int64(y) < 0 {
		hi -= x
	}
	return hi
}

// TestRunConditions runs CMP then SETcc, CMOVcc and Jcc for every
// condition and its inverse, at 32 and 64 bits, against Go's comparisons.
func TestRunConditions(t *testing.T) {
	r := rand.New(rand.NewPCG(9, 10))
	for c := O; c <= G; c++ {
		for _, w := range []Width{W32, W64} {
			set := compile(t, func(a *Assembler) {
				a.ALURR(Xor, W32, RAX, RAX)
				a.MovRM(W64, RCX, arg(0))
				a.MovRM(W64, RDX, arg(1))
				a.ALURR(Cmp, w, RCX, RDX)
				a.Setcc(c, RAX)
				a.Setcc(c.Invert(), RSI)
				a.ShiftRI(Shl, W8, RSI, 1)
				a.ALURR(Or, W8, RAX, RSI) // bit 0: c, bit 1: not c
				a.Ret()
			})
			cmov := compile(t, func(a *Assembler) {
				a.MovRM(W64, RCX, arg(0))
				a.MovRM(W64, RAX, arg(2))
				a.ALURM(Cmp, w, RCX, arg(1))
				a.CmovRR(c, W64, RAX, RCX)
				a.Ret()
			})
			jcc := compile(t, func(a *Assembler) {
				taken := a.NewLabel()
				a.MovRM(W64, RCX, arg(0))
				a.ALURM(Cmp, w, RCX, arg(1))
				a.Jcc(c, taken)
				a.MovRI(W64, RAX, 0)
				a.Ret()
				a.Bind(taken)
				a.MovRI(W64, RAX, 1)
				a.Ret()
			})
			for i := 0; i < 300; i++ {
				f := &frame{x: randInput(r), y: randInput(r), z: randInput(r)}
				if i%10 == 0 {
					f.y = f.x
				}
				holds := condModel(c, w, f.x, f.y)
				wantSet, wantCmov, wantJcc := uint64(2), f.z, uint64(0)
				if holds {
					wantSet, wantCmov, wantJcc = 1, f.x, 1
				}
				if got := run(t, set, f); got != wantSet {
					t.Fatalf("cmp %#x, %#x (%d bits); set%s, set%s: %#x, want %#x", f.x, f.y, w.Bits(), c, c.Invert(), got, wantSet)
				}
				if got := run(t, cmov, f); got != wantCmov {
					t.Fatalf("cmp %#x, %#x (%d bits); cmov%s: %#x, want %#x", f.x, f.y, w.Bits(), c, got, wantCmov)
				}
				if got := run(t, jcc, f); got != wantJcc {
					t.Fatalf("cmp %#x, %#x (%d bits); j%s taken=%d, want %d", f.x, f.y, w.Bits(), c, got, wantJcc)
				}
			}
		}
	}
}

// condModel is whether c holds after cmp x, y at width w.
func condModel(c Cond, w Width, x, y uint64) bool {
	b := uint(w.Bits())
	mask := uint64(1)<<b - 1
	if w == W64 {
		mask = math.MaxUint64
	}
	ux, uy := x&mask, y&mask
	sx, sy := int64(ux<<(64-b))>>(64-b), int64(uy<<(64-b))>>(64-b)
	d := (ux - uy) & mask
	zf, cf, sf := d == 0, ux < uy, d>>(b-1)&1 == 1
	of := sf != (sx < sy)
	pf := bits.OnesCount8(uint8(d))%2 == 0
	return map[Cond]bool{
		O: of, NO: !of, B: cf, AE: !cf, E: zf, NE: !zf, BE: cf || zf, A: !cf && !zf,
		S: sf, NS: !sf, P: pf, NP: !pf, L: sf != of, GE: sf == of, LE: zf || sf != of, G: !zf && sf == of,
	}[c]
}

// TestRunMoves checks constants, extensions, BSWAP, NEG, NOT, XCHG and LEA
// on random registers.
func TestRunMoves(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 12))
	type kernel struct {
		name string
		emit func(a *Assembler, d, s Reg) // x in d, y in s; result in d
		want func(x, y uint64) uint64
	}
	var kernels []kernel
	for _, w := range []Width{W8, W16, W32, W64} {
		imm := randImm(r, w)
		kernels = append(kernels,
			kernel{"mov r, imm", func(a *Assembler, d, _ Reg) { a.MovRI(w, d, imm) }, func(x, _ uint64) uint64 { return merge(w, x, uint64(imm)) }},
			kernel{"mov r, r", func(a *Assembler, d, s Reg) { a.MovRR(w, d, s) }, func(x, y uint64) uint64 { return merge(w, x, y) }},
			kernel{"neg", func(a *Assembler, d, _ Reg) { a.Neg(w, d) }, func(x, _ uint64) uint64 { return merge(w, x, -x) }},
			kernel{"not", func(a *Assembler, d, _ Reg) { a.Not(w, d) }, func(x, _ uint64) uint64 { return merge(w, x, ^x) }},
			kernel{"xchg", func(a *Assembler, d, s Reg) { a.XchgRR(w, s, d) }, func(x, y uint64) uint64 { return merge(w, x, y) }},
		)
		if w != W64 {
			kernels = append(kernels,
				kernel{"movzx", func(a *Assembler, d, s Reg) { a.MovzxRR(w, d, s) }, func(_, y uint64) uint64 { return y & (1<<w.Bits() - 1) }},
				kernel{"movsx to 64", func(a *Assembler, d, s Reg) { a.MovsxRR(w, W64, d, s) }, func(_, y uint64) uint64 { return uint64(int64(y<<(64-w.Bits())) >> (64 - w.Bits())) }},
			)
		}
	}
	for _, c := range []struct {
		n    int64
		form string
	}{{0, "mov r32"}, {math.MaxUint32, "mov r32"}, {-1, "mov r64, simm32"}, {math.MinInt32, "mov r64, simm32"}, {math.MinInt32 - 1, "movabs"}, {1 << 32, "movabs"}, {math.MinInt64, "movabs"}} {
		kernels = append(kernels, kernel{c.form, func(a *Assembler, d, _ Reg) { a.MovRI(W64, d, c.n) }, func(uint64, uint64) uint64 { return uint64(c.n) }})
	}
	kernels = append(kernels,
		kernel{"movsx 8 to 32", func(a *Assembler, d, s Reg) { a.MovsxRR(W8, W32, d, s) }, func(_, y uint64) uint64 { return uint64(uint32(int8(y))) }},
		kernel{"movsx 16 to 16", func(a *Assembler, d, s Reg) { a.MovsxRR(W8, W16, d, s) }, func(x, y uint64) uint64 { return merge(W16, x, uint64(int8(y))) }},
		kernel{"bswap 32", func(a *Assembler, d, _ Reg) { a.Bswap(W32, d) }, func(x, _ uint64) uint64 { return uint64(bits.ReverseBytes32(uint32(x))) }},
		kernel{"bswap 64", func(a *Assembler, d, _ Reg) { a.Bswap(W64, d) }, func(x, _ uint64) uint64 { return bits.ReverseBytes64(x) }},
		kernel{"rol 16 by 8", func(a *Assembler, d, _ Reg) { a.ShiftRI(Rol, W16, d, 8) }, func(x, _ uint64) uint64 { return merge(W16, x, uint64(bits.ReverseBytes16(uint16(x)))) }},
		kernel{"lea 64", func(a *Assembler, d, s Reg) { a.Lea(W64, d, memX(d, s, 4, -7)) }, func(x, y uint64) uint64 { return x + 4*y - 7 }},
		kernel{"[rsp], [rsp+8]", func(a *Assembler, d, s Reg) {
			a.Push(s)
			a.Push(d)
			a.MovRM(W64, d, mem(RSP, 8))
			a.ALURM(Add, W64, d, mem(RSP, 0))
			a.ALURI(Add, W64, RSP, 16)
		}, func(x, y uint64) uint64 { return x + y }},
		kernel{"lea 32", func(a *Assembler, d, s Reg) { a.Lea(W32, d, memX(s, d, 2, 1000)) }, func(x, y uint64) uint64 { return uint64(uint32(y + 2*x + 1000)) }},
	)
	for _, k := range kernels {
		d, s := pick2(r)
		seg := compile(t, function(func(a *Assembler) {
			a.MovRM(W64, d, arg(0))
			a.MovRM(W64, s, arg(1))
			k.emit(a, d, s)
			a.MovRR(W64, RAX, d)
		}))
		for i := 0; i < 100; i++ {
			f := &frame{x: randInput(r), y: randInput(r)}
			if got, want := run(t, seg, f), k.want(f.x, f.y); got != want {
				t.Fatalf("%s (d=%s, s=%s) with %#x, %#x: %#x, want %#x", k.name, d, s, f.x, f.y, got, want)
			}
		}
	}
}

// TestRunAddressing stores and loads through random base, index, scale and
// displacement, among them the bases with special forms: RBP and R13 (a
// zero disp8), R12 (a SIB byte), and R12 as an index. RSP as a base is in
// TestRunMoves.
func TestRunAddressing(t *testing.T) {
	r := rand.New(rand.NewPCG(13, 14))
	f := heapFrame()
	for i := 0; i < 300; i++ {
		base, index := pick2(r)
		m := Mem{Base: base, Disp: randDisp(r) % (1 << 20)}
		if i%4 == 0 {
			m.Disp = 0
		}
		var idx uint64
		if r.IntN(3) > 0 {
			m.Index, m.Scale = index, uint8(1)<<r.IntN(4)
			idx = uint64(r.IntN(1000)) - 500
		}
		k := r.IntN(len(f.mem))
		addr := uint64(uintptr(unsafe.Pointer(&f.mem[k])))
		f.x = addr - uint64(int64(m.Disp)) - idx*uint64(m.Scale)
		f.y = idx
		w := randWidth(r, anyWidth)
		value := randInput(r)
		f.z = value
		src := RSI // the value to store: neither base nor index
		for _, c := range []Reg{R11, RAX} {
			if src == base || src == index {
				src = c
			}
		}
		seg := compile(t, function(func(a *Assembler) {
			a.MovRM(W64, src, arg(2))
			a.MovRM(W64, index, arg(1))
			a.MovRM(W64, base, arg(0))
			a.MovMR(w, m, src)
			if w == W64 {
				a.MovRM(W64, src, m)
			} else {
				a.MovzxRM(w, src, m)
			}
			a.MovRR(W64, RAX, src)
		}))
		old := randInput(r)
		f.mem[k] = old
		got := run(t, seg, f)
		// A store writes w bits, even 32 (only register writes zero-extend);
		// the load back zero-extends.
		mask := uint64(math.MaxUint64)
		if w != W64 {
			mask = 1<<w.Bits() - 1
		}
		if want := old&^mask | value&mask; f.mem[k] != want || got != value&mask {
			t.Fatalf("mov %s, %s: memory %#x, loaded %#x; want %#x, %#x", m, src.Name(w), f.mem[k], got, want, value&mask)
		}
	}
	runtime.KeepAlive(f)
}

// escaped keeps heapFrame's frames on the heap. The addressing test hands
// the code addresses inside its frame as plain integers; a frame that does
// not escape lives on the goroutine stack, which moves when it grows, and
// those integers would go stale between compile and run.
var escaped *frame

func heapFrame() *frame {
	escaped = new(frame)
	return escaped
}

// TestRunRIPLabel loads a constant placed after the code.
func TestRunRIPLabel(t *testing.T) {
	seg := compile(t, func(a *Assembler) {
		data, table := a.NewLabel(), a.NewLabel()
		a.MovRM(W64, RAX, RIPLabel(data))
		a.Lea(W64, RCX, RIPLabel(table))
		a.MovRM(W64, RDX, arg(0))
		a.ALURM(Add, W64, RAX, memX(RCX, RDX, 8, 0))
		a.Ret()
		a.Align(8)
		a.Bind(data)
		a.Data(0xef, 0xcd, 0xab, 0x89, 0x67, 0x45, 0x23, 0x01)
		a.Bind(table)
		a.Data(1, 0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 0, 0, 0, 0)
	})
	for i, add := range []uint64{1, 2} {
		if got := run(t, seg, &frame{x: uint64(i)}); got != 0x0123456789abcdef+add {
			t.Errorf("table[%d]: %#x", i, got)
		}
	}
}

// TestRunAtomics runs each locked operation once and checks memory and
// the returned register.
func TestRunAtomics(t *testing.T) {
	const old, y = 0x1000_0000_0000_00f0, 0x0f0f
	cell := mem(RDI, memOff)
	for _, c := range []struct {
		name         string
		emit         func(a *Assembler) // y in RCX, returns RAX
		mem, result  uint64
		cmpxchgEqual bool
	}{
		{"lock xadd", func(a *Assembler) { a.LockXadd(W64, cell, RCX); a.MovRR(W64, RAX, RCX) }, old + y, old, false},
		{"lock xadd 32", func(a *Assembler) { a.LockXadd(W32, cell, RCX); a.MovRR(W64, RAX, RCX) }, old&^0xffffffff | (old+y)&0xffffffff, old & 0xffffffff, false},
		{"xchg", func(a *Assembler) { a.XchgMR(W64, cell, RCX); a.MovRR(W64, RAX, RCX) }, y, old, false},
		{"lock cmpxchg, equal", func(a *Assembler) { a.MovRI(W64, RAX, old); a.LockCmpxchg(W64, cell, RCX); a.Setcc(E, RAX) }, y, old&^0xff | 1, false},
		{"lock cmpxchg, not equal", func(a *Assembler) { a.MovRI(W64, RAX, 5); a.LockCmpxchg(W64, cell, RCX) }, old, old, false},
		{"lock add", func(a *Assembler) { a.LockALUMR(Add, W64, cell, RCX) }, old + y, 0, false},
		{"lock or imm", func(a *Assembler) { a.LockALUMI(Or, W64, cell, 0x0f) }, old | 0x0f, 0, false},
		{"lock and", func(a *Assembler) { a.LockALUMR(And, W64, cell, RCX) }, old & y, 0, false},
		{"lock xor imm", func(a *Assembler) { a.LockALUMI(Xor, W32, cell, -1) }, old ^ 0xffffffff, 0, false},
		{"lock sub byte", func(a *Assembler) { a.LockALUMI(Sub, W8, cell, 0xf1) }, old&^0xff | 0xff, 0, false},
	} {
		seg := compile(t, func(a *Assembler) {
			a.MovRM(W64, RCX, arg(1))
			a.ALURR(Xor, W32, RAX, RAX)
			c.emit(a)
			a.Ret()
		})
		f := &frame{y: y}
		f.mem[0] = old
		if got := run(t, seg, f); got != c.result || f.mem[0] != c.mem {
			t.Errorf("%s: memory %#x, returned %#x; want %#x, %#x", c.name, f.mem[0], got, c.mem, c.result)
		}
	}
}

// pick2 is two different usable registers.
func pick2(r *rand.Rand) (Reg, Reg) {
	i, j := r.IntN(len(usable)), r.IntN(len(usable)-1)
	if j >= i {
		j++
	}
	return usable[i], usable[j]
}

// randInput is a random 64-bit value, often one that sits on an edge.
func randInput(r *rand.Rand) uint64 {
	edges := []uint64{0, 1, math.MaxUint64, 1 << 63, 1<<63 - 1, 1 << 31, 1<<31 - 1, 1<<32 - 1, 0x80, 0x7f, 0xff, 0x8000, 0xffff, 32, 63, 64}
	if r.IntN(3) == 0 {
		return edges[r.IntN(len(edges))]
	}
	return r.Uint64()
}
