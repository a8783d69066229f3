package amd64

import (
	"fmt"
	"math"
	"math/rand/v2"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// The property: for every instruction family, random operands encode to
// bytes that x86asm decodes as one instruction with exactly those operands,
// with no prefix x86asm calls ignored or invalid.

// expect is what x86asm must read back from one generated instruction.
type expect struct {
	op       x86asm.Op
	args     []x86asm.Arg
	w        Width // immediates compare modulo 2^w.Bits(); memory operands are w wide
	memBytes int   // if not 0, overrides w for the memory operand's size; -1: not checked
	lock     bool
	swap     bool // the two operands may come back in either order (XCHG)
	at, tail int  // bytes before and after the instruction (jump tests)
	check    func(in x86asm.Inst) error
}

type family struct {
	name string
	gen  func(r *rand.Rand, a *Assembler) expect
}

var families = []family{
	{"mov r, r", func(r *rand.Rand, a *Assembler) expect {
		w, d, s := randWidth(r, anyWidth), randReg(r), randReg(r)
		a.MovRR(w, d, s)
		return expect{op: x86asm.MOV, args: args(xreg(d, w), xreg(s, w)), w: w}
	}},
	{"mov r, imm", genMovRI},
	{"mov r, [m]", func(r *rand.Rand, a *Assembler) expect {
		w, d, m := randWidth(r, anyWidth), randReg(r), randMem(r)
		a.MovRM(w, d, m)
		return expect{op: x86asm.MOV, args: args(xreg(d, w), xmem(m)), w: w}
	}},
	{"mov [m], r", func(r *rand.Rand, a *Assembler) expect {
		w, s, m := randWidth(r, anyWidth), randReg(r), randMem(r)
		a.MovMR(w, m, s)
		return expect{op: x86asm.MOV, args: args(xmem(m), xreg(s, w)), w: w}
	}},
	{"mov [m], imm", func(r *rand.Rand, a *Assembler) expect {
		w, m := randWidth(r, anyWidth), randMem(r)
		imm := randImm32(r, w)
		a.MovMI(w, m, imm)
		return expect{op: x86asm.MOV, args: args(xmem(m), x86asm.Imm(imm)), w: w}
	}},
	{"movzx r, r", func(r *rand.Rand, a *Assembler) expect {
		from, d, s := randWidth(r, W8|W16|W32), randReg(r), randReg(r)
		a.MovzxRR(from, d, s)
		if from == W32 {
			return expect{op: x86asm.MOV, args: args(xreg(d, W32), xreg(s, W32)), w: W32}
		}
		return expect{op: x86asm.MOVZX, args: args(xreg(d, W32), xreg(s, from)), w: W32}
	}},
	{"movzx r, [m]", func(r *rand.Rand, a *Assembler) expect {
		from, d, m := randWidth(r, W8|W16|W32), randReg(r), randMem(r)
		a.MovzxRM(from, d, m)
		op := x86asm.MOVZX
		if from == W32 {
			op = x86asm.MOV
		}
		return expect{op: op, args: args(xreg(d, W32), xmem(m)), w: W32, memBytes: int(from)}
	}},
	{"movsx r, r", func(r *rand.Rand, a *Assembler) expect {
		from, to := randMovsx(r)
		d, s := randReg(r), randReg(r)
		a.MovsxRR(from, to, d, s)
		return expect{op: movsxOp(from), args: args(xreg(d, to), xreg(s, from)), w: to}
	}},
	{"movsx r, [m]", func(r *rand.Rand, a *Assembler) expect {
		from, to := randMovsx(r)
		d, m := randReg(r), randMem(r)
		a.MovsxRM(from, to, d, m)
		return expect{op: movsxOp(from), args: args(xreg(d, to), xmem(m)), w: to, memBytes: int(from)}
	}},
	{"lea", func(r *rand.Rand, a *Assembler) expect {
		w, d, m := randWidth(r, W32|W64), randReg(r), randMem(r)
		a.Lea(w, d, m)
		return expect{op: x86asm.LEA, args: args(xreg(d, w), xmem(m)), w: w, memBytes: -1}
	}},
	{"push, pop", func(r *rand.Rand, a *Assembler) expect {
		reg := randReg(r)
		if r.IntN(2) == 0 {
			a.Push(reg)
			return expect{op: x86asm.PUSH, args: args(xreg(reg, W64)), w: W64}
		}
		a.Pop(reg)
		return expect{op: x86asm.POP, args: args(xreg(reg, W64)), w: W64}
	}},
	{"alu r, r", func(r *rand.Rand, a *Assembler) expect {
		op, w, d, s := ALUOp(r.IntN(8)), randWidth(r, anyWidth), randReg(r), randReg(r)
		a.ALURR(op, w, d, s)
		return expect{op: xop(op.String()), args: args(xreg(d, w), xreg(s, w)), w: w}
	}},
	{"alu r, imm", func(r *rand.Rand, a *Assembler) expect {
		op, w, d := ALUOp(r.IntN(8)), randWidth(r, anyWidth), randReg(r)
		imm := randImm32(r, w)
		a.ALURI(op, w, d, imm)
		return expect{op: xop(op.String()), args: args(xreg(d, w), x86asm.Imm(imm)), w: w, check: shortestImm(w, d, imm)}
	}},
	{"alu r, [m]", func(r *rand.Rand, a *Assembler) expect {
		op, w, d, m := ALUOp(r.IntN(8)), randWidth(r, anyWidth), randReg(r), randMem(r)
		a.ALURM(op, w, d, m)
		return expect{op: xop(op.String()), args: args(xreg(d, w), xmem(m)), w: w}
	}},
	{"alu [m], r", func(r *rand.Rand, a *Assembler) expect {
		op, w, s, m := ALUOp(r.IntN(8)), randWidth(r, anyWidth), randReg(r), randMem(r)
		a.ALUMR(op, w, m, s)
		return expect{op: xop(op.String()), args: args(xmem(m), xreg(s, w)), w: w}
	}},
	{"alu [m], imm", func(r *rand.Rand, a *Assembler) expect {
		op, w, m := ALUOp(r.IntN(8)), randWidth(r, anyWidth), randMem(r)
		imm := randImm32(r, w)
		a.ALUMI(op, w, m, imm)
		return expect{op: xop(op.String()), args: args(xmem(m), x86asm.Imm(imm)), w: w}
	}},
	{"test", func(r *rand.Rand, a *Assembler) expect {
		w, x, y, m := randWidth(r, anyWidth), randReg(r), randReg(r), randMem(r)
		imm := randImm32(r, w)
		switch r.IntN(4) {
		case 0:
			a.TestRR(w, x, y)
			return expect{op: x86asm.TEST, args: args(xreg(x, w), xreg(y, w)), w: w}
		case 1:
			a.TestRI(w, x, imm)
			return expect{op: x86asm.TEST, args: args(xreg(x, w), x86asm.Imm(imm)), w: w}
		case 2:
			a.TestMR(w, m, y)
			return expect{op: x86asm.TEST, args: args(xmem(m), xreg(y, w)), w: w}
		}
		a.TestMI(w, m, imm)
		return expect{op: x86asm.TEST, args: args(xmem(m), x86asm.Imm(imm)), w: w}
	}},
	{"neg, not, mul, imul, div, idiv", func(r *rand.Rand, a *Assembler) expect {
		reg := randReg(r)
		ops := []struct {
			op   x86asm.Op
			emit func(Width, Reg)
			ws   Width
		}{
			{x86asm.NEG, a.Neg, anyWidth}, {x86asm.NOT, a.Not, anyWidth}, {x86asm.MUL, a.Mul, wide},
			{x86asm.IMUL, a.ImulWide, wide}, {x86asm.DIV, a.Div, wide}, {x86asm.IDIV, a.Idiv, wide},
		}
		o := ops[r.IntN(len(ops))]
		w := randWidth(r, o.ws)
		o.emit(w, reg)
		return expect{op: o.op, args: args(xreg(reg, w)), w: w}
	}},
	{"imul r, r/m [, imm]", func(r *rand.Rand, a *Assembler) expect {
		w, d, s, m := randWidth(r, wide), randReg(r), randReg(r), randMem(r)
		imm := randImm32(r, w)
		switch r.IntN(3) {
		case 0:
			a.ImulRR(w, d, s)
			return expect{op: x86asm.IMUL, args: args(xreg(d, w), xreg(s, w)), w: w}
		case 1:
			a.ImulRM(w, d, m)
			return expect{op: x86asm.IMUL, args: args(xreg(d, w), xmem(m)), w: w}
		}
		a.ImulRRI(w, d, s, imm)
		return expect{op: x86asm.IMUL, args: args(xreg(d, w), xreg(s, w), x86asm.Imm(imm)), w: w}
	}},
	{"shift", func(r *rand.Rand, a *Assembler) expect {
		op := []ShiftOp{Rol, Ror, Shl, Shr, Sar}[r.IntN(5)]
		w, d := randWidth(r, anyWidth), randReg(r)
		if r.IntN(2) == 0 {
			a.ShiftRCL(op, w, d)
			return expect{op: xop(op.String()), args: args(xreg(d, w), x86asm.CL), w: w}
		}
		n := uint8(r.IntN(w.Bits()))
		a.ShiftRI(op, w, d, n)
		return expect{op: xop(op.String()), args: args(xreg(d, w), x86asm.Imm(n)), w: W8}
	}},
	{"bswap", func(r *rand.Rand, a *Assembler) expect {
		w, reg := randWidth(r, W32|W64), randReg(r)
		a.Bswap(w, reg)
		return expect{op: x86asm.BSWAP, args: args(xreg(reg, w)), w: w}
	}},
	{"xchg", func(r *rand.Rand, a *Assembler) expect {
		w, x, y, m := randWidth(r, anyWidth), randReg(r), randReg(r), randMem(r)
		if r.IntN(2) == 0 {
			a.XchgMR(w, m, x)
			return expect{op: x86asm.XCHG, args: args(xmem(m), xreg(x, w)), w: w}
		}
		a.XchgRR(w, x, y)
		return expect{op: x86asm.XCHG, args: args(xreg(x, w), xreg(y, w)), w: w, swap: true}
	}},
	{"lock", func(r *rand.Rand, a *Assembler) expect {
		w, s, m := randWidth(r, anyWidth), randReg(r), randMem(r)
		op := []ALUOp{Add, Or, Adc, Sbb, And, Sub, Xor}[r.IntN(7)]
		imm := randImm32(r, w)
		switch r.IntN(4) {
		case 0:
			a.LockXadd(w, m, s)
			return expect{op: x86asm.XADD, args: args(xmem(m), xreg(s, w)), w: w, lock: true}
		case 1:
			a.LockCmpxchg(w, m, s)
			return expect{op: x86asm.CMPXCHG, args: args(xmem(m), xreg(s, w)), w: w, lock: true}
		case 2:
			a.LockALUMR(op, w, m, s)
			return expect{op: xop(op.String()), args: args(xmem(m), xreg(s, w)), w: w, lock: true}
		}
		a.LockALUMI(op, w, m, imm)
		return expect{op: xop(op.String()), args: args(xmem(m), x86asm.Imm(imm)), w: w, lock: true}
	}},
	{"setcc, cmovcc", func(r *rand.Rand, a *Assembler) expect {
		c, d, s, m := Cond(r.IntN(16)), randReg(r), randReg(r), randMem(r)
		w := randWidth(r, wide)
		switch r.IntN(3) {
		case 0:
			a.Setcc(c, d)
			return expect{op: xop("set" + c.String()), args: args(xreg(d, W8)), w: W8}
		case 1:
			a.CmovRR(c, w, d, s)
			return expect{op: xop("cmov" + c.String()), args: args(xreg(d, w), xreg(s, w)), w: w}
		}
		a.CmovRM(c, w, d, m)
		return expect{op: xop("cmov" + c.String()), args: args(xreg(d, w), xmem(m)), w: w}
	}},
	{"call, jmp reg", func(r *rand.Rand, a *Assembler) expect {
		reg := randReg(r)
		if r.IntN(2) == 0 {
			a.CallReg(reg)
			return expect{op: x86asm.CALL, args: args(xreg(reg, W64)), w: W64}
		}
		a.JmpReg(reg)
		return expect{op: x86asm.JMP, args: args(xreg(reg, W64)), w: W64}
	}},
	{"jump backward", func(r *rand.Rand, a *Assembler) expect {
		c, pad := Cond(r.IntN(16)), r.IntN(300)
		l := a.NewLabel()
		a.Bind(l)
		a.Nop(pad)
		op, jmp := xop("j"+c.String()), r.IntN(3)
		switch jmp {
		case 0:
			a.Jmp(l)
			op = x86asm.JMP
		case 1:
			a.Jcc(c, l)
		default:
			a.Call(l)
			op = x86asm.CALL
		}
		e := expect{op: op, at: pad, w: W64}
		e.check = func(in x86asm.Inst) error {
			if rel := -(pad + in.Len); len(in.Args) == 0 || in.Args[0] != x86asm.Rel(rel) {
				return fmt.Errorf("target %v, want .%+d", in.Args[0], rel)
			}
			if short := jmp < 2 && pad+2 <= 128; short != (in.Len == 2) {
				return fmt.Errorf("%d bytes after %d bytes of padding: not the shortest form", in.Len, pad)
			}
			return nil
		}
		return e
	}},
	{"jump forward", func(r *rand.Rand, a *Assembler) expect {
		c, pad := Cond(r.IntN(16)), r.IntN(300)
		l := a.NewLabel()
		e := expect{op: xop("j" + c.String()), tail: pad, w: W64}
		switch r.IntN(4) {
		case 0:
			a.Jmp(l)
			e.op = x86asm.JMP
		case 1:
			a.Jcc(c, l)
		case 2:
			pad %= 128
			e.tail = pad
			a.JccShort(c, l)
		default:
			pad %= 128
			e.tail = pad
			a.JmpShort(l)
			e.op = x86asm.JMP
		}
		a.Nop(pad)
		a.Bind(l)
		e.args = args(x86asm.Rel(pad))
		return e
	}},
}

// genMovRI checks MovRI by what it leaves in the register, and that the
// form is the shortest for the constant.
func genMovRI(r *rand.Rand, a *Assembler) expect {
	w, d := randWidth(r, anyWidth), randReg(r)
	imm := randImm(r, w)
	a.MovRI(w, d, imm)
	return expect{op: x86asm.MOV, check: func(in x86asm.Inst) error {
		reg, _ := in.Args[0].(x86asm.Reg)
		v, ok := in.Args[1].(x86asm.Imm)
		if !ok || reg != xreg(d, Width(xregBits(reg)/8)) {
			return fmt.Errorf("not mov %s, imm", d.Name(w))
		}
		got := uint64(v) & (1<<xregBits(reg) - 1 | uint64(math.MaxUint32)) // a 32-bit write zero-extends
		if xregBits(reg) == 64 {
			got = uint64(v)
		}
		if mask := uint64(1)<<w.Bits() - 1; w != W64 && got&mask != uint64(imm)&mask || w == W64 && got != uint64(imm) {
			return fmt.Errorf("leaves %#x in %s, want %#x", got, d.Name(w), imm)
		}
		if n := movRILen(w, d, imm); in.Len != n {
			return fmt.Errorf("%d bytes, the shortest form has %d", in.Len, n)
		}
		return nil
	}}
}

// movRILen is the length of the shortest MOV r, imm.
func movRILen(w Width, d Reg, imm int64) int {
	rex := int(d.REXBit())
	switch {
	case w == W8:
		if d.byteNeedsREX() {
			rex = 1
		}
		return 2 + rex
	case w == W16:
		return 4 + rex
	case w == W32 || imm >= 0 && imm <= math.MaxUint32:
		return 5 + rex
	case imm == int64(int32(imm)):
		return 7
	}
	return 10
}

// shortestImm checks that ALURI used imm8 when it could, or else the
// accumulator form for RAX.
func shortestImm(w Width, d Reg, imm int32) func(in x86asm.Inst) error {
	return func(in x86asm.Inst) error {
		var n int // opcode, ModRM unless the accumulator form, immediate
		switch {
		case w != W8 && fitsImm8(w, int64(imm)):
			n = 1 + 1 + 1
		case d == RAX:
			n = 1 + immSize(w)
		default:
			n = 1 + 1 + immSize(w)
		}
		if w == W16 {
			n++
		}
		if w == W64 || d.REXBit() != 0 || w == W8 && d.byteNeedsREX() {
			n++
		}
		if in.Len != n {
			return fmt.Errorf("%d bytes, the shortest form has %d", in.Len, n)
		}
		return nil
	}
}

func TestRandomOperandsDecode(t *testing.T) {
	n := 2000
	if testing.Short() {
		n = 200
	}
	r := rand.New(rand.NewPCG(1, 2))
	for _, f := range families {
		for i := 0; i < n; i++ {
			if err := runFamily(f, r); err != nil {
				t.Fatalf("%s, round %d: %v", f.name, i, err)
			}
		}
	}
}

// FuzzRandomOperandsDecode is the property test with the fuzzer choosing
// the random seed.
func FuzzRandomOperandsDecode(f *testing.F) {
	f.Add(uint64(0), uint64(0))
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, s1, s2 uint64) {
		r := rand.New(rand.NewPCG(s1, s2))
		for _, fam := range families {
			if err := runFamily(fam, r); err != nil {
				t.Fatalf("%s: %v", fam.name, err)
			}
		}
	})
}

// runFamily generates one instruction of f and checks x86asm's reading.
func runFamily(f family, r *rand.Rand) error {
	var a Assembler
	e := f.gen(r, &a)
	code, err := a.Finish()
	if err != nil {
		return err
	}
	b := code[e.at : len(code)-e.tail]
	in, err := x86asm.Decode(b, 64)
	if err != nil {
		return fmt.Errorf("% x: x86asm: %v", b, err)
	}
	if err := e.compare(in, len(b)); err != nil {
		return fmt.Errorf("% x decodes as %q: %v", b, x86asm.IntelSyntax(in, 0, nil), err)
	}
	return nil
}

func (e expect) compare(in x86asm.Inst, n int) error {
	if in.Len != n {
		return fmt.Errorf("x86asm reads %d bytes of %d", in.Len, n)
	}
	if in.Op != e.op {
		return fmt.Errorf("op %v, want %v", in.Op, e.op)
	}
	lock := false
	for _, p := range in.Prefix {
		if p&(x86asm.PrefixIgnored|x86asm.PrefixInvalid) != 0 {
			return fmt.Errorf("prefix %v ignored or invalid", p)
		}
		lock = lock || p&0xff == x86asm.PrefixLOCK
	}
	if lock != e.lock {
		return fmt.Errorf("lock prefix %v, want %v", lock, e.lock)
	}
	if e.check != nil {
		if err := e.check(in); err != nil {
			return err
		}
	}
	if e.args == nil {
		return nil
	}
	var got []x86asm.Arg
	for _, a := range in.Args {
		if a != nil {
			got = append(got, normaliseArg(a, e.w))
		}
	}
	want := make([]x86asm.Arg, len(e.args))
	for i, a := range e.args {
		want[i] = normaliseArg(a, e.w)
	}
	if e.swap && len(got) == 2 && got[0] != want[0] {
		got[0], got[1] = got[1], got[0]
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		return fmt.Errorf("operands %v, want %v", got, want)
	}
	for _, a := range e.args {
		if _, ok := a.(x86asm.Mem); ok && e.memBytes >= 0 {
			if want := max(e.memBytes, 0) + int(e.w)*btoi(e.memBytes == 0); in.MemBytes != want {
				return fmt.Errorf("memory operand of %d bytes, want %d", in.MemBytes, want)
			}
		}
	}
	return nil
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// normaliseArg makes x86asm's arguments comparable: an immediate modulo
// the operand width, a memory operand without the scale of an absent index.
func normaliseArg(a x86asm.Arg, w Width) x86asm.Arg {
	switch a := a.(type) {
	case x86asm.Imm:
		if w == W64 {
			return a
		}
		return x86asm.Imm(uint64(a) & (1<<w.Bits() - 1))
	case x86asm.Mem:
		if a.Index == 0 {
			a.Scale = 0
		}
		return a
	}
	return a
}

func args(a ...x86asm.Arg) []x86asm.Arg { return a }

// xreg is x86asm's name for r at width w.
func xreg(r Reg, w Width) x86asm.Reg {
	switch w {
	case W8:
		if r >= RSP && r <= RDI {
			return x86asm.SPB + x86asm.Reg(r-RSP)
		}
		if r < RSP {
			return x86asm.AL + x86asm.Reg(r)
		}
		return x86asm.R8B + x86asm.Reg(r-R8)
	case W16:
		return x86asm.AX + x86asm.Reg(r)
	case W32:
		return x86asm.EAX + x86asm.Reg(r)
	}
	return x86asm.RAX + x86asm.Reg(r)
}

// xmem is x86asm's form of m.
func xmem(m Mem) x86asm.Mem {
	if m.rip {
		return x86asm.Mem{Base: x86asm.RIP, Disp: int64(m.Disp)}
	}
	x := x86asm.Mem{Base: xreg(m.Base, W64), Disp: int64(m.Disp)}
	if m.Scale != 0 {
		x.Index, x.Scale = xreg(m.Index, W64), m.Scale
	}
	return x
}

var xops = func() map[string]x86asm.Op {
	ops := map[string]x86asm.Op{}
	for op := x86asm.Op(1); op < 4096; op++ {
		if s := op.String(); !strings.HasPrefix(s, "Op(") {
			ops[s] = op
		}
	}
	return ops
}()

// xop is x86asm's operation named name, as in "add" or "cmovae".
func xop(name string) x86asm.Op {
	op, ok := xops[strings.ToUpper(name)]
	if !ok {
		panic("no x86asm op " + name)
	}
	return op
}

func movsxOp(from Width) x86asm.Op {
	if from == W32 {
		return x86asm.MOVSXD
	}
	return x86asm.MOVSX
}

func randReg(r *rand.Rand) Reg { return Reg(r.IntN(16)) }

func randWidth(r *rand.Rand, allowed Width) Width {
	for {
		if w := Width(1) << r.IntN(4); w&allowed != 0 {
			return w
		}
	}
}

func randMovsx(r *rand.Rand) (from, to Width) {
	for {
		from, to = randWidth(r, W8|W16|W32), randWidth(r, wide)
		if from < to {
			return from, to
		}
	}
}

// randMem is a random memory operand, often at the edges: RSP, RBP, R12
// and R13 bases, displacements at the disp8 and disp32 limits, RIP.
func randMem(r *rand.Rand) Mem {
	if r.IntN(10) == 0 {
		return RIP(randDisp(r))
	}
	m := Mem{Base: randReg(r), Disp: randDisp(r)}
	if r.IntN(2) == 0 {
		m.Index, m.Scale = randReg(r), uint8(1)<<r.IntN(4)
		if m.Index == RSP {
			m.Index = R12
		}
	}
	return m
}

func randDisp(r *rand.Rand) int32 {
	edges := []int32{0, 1, -1, 127, 128, -128, -129, math.MaxInt32, math.MinInt32}
	switch r.IntN(3) {
	case 0:
		return edges[r.IntN(len(edges))]
	case 1:
		return int32(int8(r.Uint32()))
	}
	return int32(r.Uint32())
}

// randImm is a random w-bit constant, often at the edges of the forms.
func randImm(r *rand.Rand, w Width) int64 {
	edges := []int64{0, 1, -1, 127, 128, -128, -129, math.MaxInt32, math.MinInt32, math.MaxUint32,
		math.MaxInt32 + 1, math.MinInt32 - 1, 1 << 32, math.MaxInt64, math.MinInt64}
	v := int64(r.Uint64())
	if r.IntN(2) == 0 {
		v = edges[r.IntN(len(edges))]
	}
	if w == W64 {
		return v
	}
	return v & (1<<w.Bits() - 1) // unsigned in range
}

// randImm32 is a random immediate valid for a w-bit group 1 operation.
func randImm32(r *rand.Rand, w Width) int32 {
	v := randImm(r, w)
	if r.IntN(2) == 0 && w != W64 && v >= 1<<(w.Bits()-1) { // also the negative spelling
		v -= 1 << w.Bits()
	}
	return int32(v)
}
