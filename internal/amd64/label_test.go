package amd64

import (
	"encoding/hex"
	"strings"
	"testing"
)

func TestUnboundLabel(t *testing.T) {
	var a Assembler
	used, unused := a.NewLabel(), a.NewLabel()
	a.Jcc(E, used)
	a.Lea(W64, RAX, RIPLabel(used))
	_ = unused // never referenced: not an error
	_, err := a.Finish()
	if err == nil || !strings.Contains(err.Error(), "label L1, referenced at offset 2, is never bound") {
		t.Fatalf("Finish = %v, want the unbound label L1 once", err)
	}
	if strings.Count(err.Error(), "never bound") != 1 {
		t.Errorf("one error per label, got %v", err)
	}
	a.Bind(used)
	if _, err := a.Finish(); err != nil {
		t.Errorf("after Bind: %v", err)
	}
}

func TestBindTwice(t *testing.T) {
	var a Assembler
	l := a.NewLabel()
	a.Bind(l)
	a.Ret()
	a.Bind(l)
	if _, err := a.Finish(); err == nil || !strings.Contains(err.Error(), "already bound at offset 0") {
		t.Fatalf("Finish = %v", err)
	}
}

// TestJumpReach checks the rel8/rel32 boundary both ways: -128 and +127
// are the farthest a short jump reaches, counted from its end.
func TestJumpReach(t *testing.T) {
	for _, c := range []struct {
		name    string
		emit    func(a *Assembler)
		wantLen int // of the whole code
		wantErr string
	}{
		{"backward -128: rel8", func(a *Assembler) { jumpBack(a, 126, a.Jmp) }, 126 + 2, ""},
		{"backward -129: rel32", func(a *Assembler) { jumpBack(a, 127, a.Jmp) }, 127 + 5, ""},
		{"jcc backward -128: rel8", func(a *Assembler) { jumpBack(a, 126, func(l Label) { a.Jcc(L, l) }) }, 126 + 2, ""},
		{"jcc backward -129: rel32", func(a *Assembler) { jumpBack(a, 127, func(l Label) { a.Jcc(L, l) }) }, 127 + 6, ""},
		{"short backward -129", func(a *Assembler) { jumpBack(a, 127, a.JmpShort) }, 0, "short jump cannot reach label L1 (-129 bytes)"},
		{"short forward +127", func(a *Assembler) { jumpFwd(a, 127, a.JmpShort) }, 2 + 127, ""},
		{"short forward +128", func(a *Assembler) { jumpFwd(a, 128, a.JmpShort) }, 0, "short jump at offset 0 cannot reach label L1 (+128 bytes)"},
		{"jcc short forward +128", func(a *Assembler) { jumpFwd(a, 128, func(l Label) { a.JccShort(NE, l) }) }, 0, "cannot reach"},
		{"forward +3: still rel32", func(a *Assembler) { jumpFwd(a, 3, a.Jmp) }, 5 + 3, ""},
	} {
		var a Assembler
		c.emit(&a)
		code, err := a.Finish()
		switch {
		case c.wantErr != "" && (err == nil || !strings.Contains(err.Error(), c.wantErr)):
			t.Errorf("%s: Finish = %v, want %q", c.name, err, c.wantErr)
		case c.wantErr == "" && err != nil:
			t.Errorf("%s: %v", c.name, err)
		case c.wantErr == "" && len(code) != c.wantLen:
			t.Errorf("%s: %d bytes, want %d: %x", c.name, len(code), c.wantLen, code)
		}
	}
}

func jumpBack(a *Assembler, pad int, jump func(Label)) {
	l := a.NewLabel()
	a.Bind(l)
	a.Nop(pad)
	jump(l)
}

func jumpFwd(a *Assembler, pad int, jump func(Label)) {
	l := a.NewLabel()
	jump(l)
	a.Nop(pad)
	a.Bind(l)
}

// TestOffsetsStay checks what "no relaxation" promises: an offset taken
// with Len before Finish still names the same instruction after it.
func TestOffsetsStay(t *testing.T) {
	var a Assembler
	end := a.NewLabel()
	a.Jcc(E, end)
	at := a.Len()
	a.MovRI(W64, RAX, 7)
	a.Bind(end)
	a.Ret()
	code, err := a.Finish()
	if err != nil {
		t.Fatal(err)
	}
	if got := hex.EncodeToString(code[at : at+5]); got != "b807000000" {
		t.Errorf("at offset %d: %s, want mov eax, 7", at, got)
	}
	if off, ok := a.Offset(end); !ok || off != len(code)-1 {
		t.Errorf("Offset(end) = %d, %v", off, ok)
	}
	if _, ok := a.Offset(a.NewLabel()); ok {
		t.Error("an unbound label has an offset")
	}
	a.Ret() // Finish again after more code
	if code, err := a.Finish(); err != nil || len(code) != at+5+2 {
		t.Errorf("second Finish: %x, %v", code, err)
	}
}

// TestBadOperands: each call writes nothing and Finish reports the first.
func TestBadOperands(t *testing.T) {
	var foreign Assembler
	foreign.NewLabel()
	foreignLabel := foreign.NewLabel() // L2, which the assemblers below lack
	for _, c := range []struct {
		emit func(a *Assembler)
		want string
	}{
		{func(a *Assembler) { a.ImulRR(W8, RAX, RCX) }, "imul at offset 1: width 1 bytes not encodable (allowed: 16, 32, 64 bits)"},
		{func(a *Assembler) { a.MovRR(Width(3), RAX, RCX) }, "width 3 bytes"},
		{func(a *Assembler) { a.Bswap(W16, RAX) }, "bswap"},
		{func(a *Assembler) { a.Div(W8, RCX) }, "div"},
		{func(a *Assembler) { a.MovRR(W64, Reg(16), RAX) }, "no register 16"},
		{func(a *Assembler) { a.MovRM(W64, RAX, memX(RDI, RCX, 3, 0)) }, "scale 3"},
		{func(a *Assembler) { a.MovRM(W64, RAX, memX(RDI, RSP, 1, 0)) }, "rsp cannot be an index"},
		{func(a *Assembler) { a.MovRM(W64, RAX, memX(Reg(20), RCX, 1, 0)) }, "no such register"},
		{func(a *Assembler) { a.MovRI(W32, RAX, 1<<32) }, "immediate 4294967296 does not fit in 32 bits"},
		{func(a *Assembler) { a.MovRI(W32, RAX, -1<<31-1) }, "does not fit in 32 bits"},
		{func(a *Assembler) { a.ALURI(Add, W8, RAX, 256) }, "immediate 256 does not fit in 8 bits"},
		{func(a *Assembler) { a.ALURI(Add, W16, RAX, -32769) }, "does not fit in 16 bits"},
		{func(a *Assembler) { a.ALURI(ALUOp(8), W64, RAX, 1) }, "ALUOp(8)"},
		{func(a *Assembler) { a.TestRI(W8, RAX, 300) }, "immediate 300 does not fit in 8 bits"},
		{func(a *Assembler) { a.MovMI(W16, mem(RAX, 0), 70000) }, "immediate 70000 does not fit in 16 bits"},
		{func(a *Assembler) { a.ImulRRI(W16, RAX, RCX, 70000) }, "immediate 70000"},
		{func(a *Assembler) { a.ALUMI(Add, W64, memX(RAX, RSP, 2, 0), 1) }, "rsp cannot be an index"},
		{func(a *Assembler) { a.ShiftRI(Sar, W64, Reg(99), 1) }, "no register 99"},
		{func(a *Assembler) { a.XchgRR(W64, RAX, Reg(16)) }, "no register 16"},
		{func(a *Assembler) { a.ShiftRI(Shl, W32, RAX, 32) }, "count 32 is not below 32"},
		{func(a *Assembler) { a.ShiftRCL(ShiftOp(6), W32, RAX) }, "ShiftOp(6)"},
		{func(a *Assembler) { a.MovsxRR(W32, W32, RAX, RCX) }, "does not widen"},
		{func(a *Assembler) { a.MovsxRR(W8, W8, RAX, RCX) }, "movsx"},
		{func(a *Assembler) { a.MovzxRR(W64, RAX, RCX) }, "movzx"},
		{func(a *Assembler) { a.Lea(W8, RAX, mem(RDI, 0)) }, "lea"},
		{func(a *Assembler) { a.LockALUMR(Cmp, W64, mem(RDI, 0), RAX) }, "#UD"},
		{func(a *Assembler) { a.LockALUMI(Cmp, W64, mem(RDI, 0), 1) }, "#UD"},
		{func(a *Assembler) { a.CmovRR(E, W8, RAX, RCX) }, "cmove"},
		{func(a *Assembler) { a.Setcc(Cond(16), RAX) }, "no condition code 16"},
		{func(a *Assembler) { a.Jcc(Cond(16), 1) }, "no condition code 16"},
		{func(a *Assembler) { a.Jmp(0) }, "no label L0"},
		{func(a *Assembler) { a.Jmp(foreignLabel) }, "no label L2"},
		{func(a *Assembler) { a.Bind(foreignLabel) }, "no label L2"},
		{func(a *Assembler) { a.Lea(W64, RAX, RIPLabel(foreignLabel)) }, "no such label"},
		{func(a *Assembler) { a.Align(3) }, "3 is not a power of two"},
	} {
		var a Assembler
		a.NewLabel()
		a.Ret()
		c.emit(&a)
		if a.Len() != 1 {
			t.Errorf("%s: wrote %d bytes", c.want, a.Len()-1)
		}
		a.MovRR(Width(5), RAX, RAX) // a second error does not replace the first
		code, err := a.Finish()
		if err == nil || !strings.Contains(err.Error(), c.want) || code != nil {
			t.Errorf("Finish = %x, %v; want error %q", code, err, c.want)
		}
		if a.Err() != err {
			t.Errorf("Err() = %v, Finish's error %v", a.Err(), err)
		}
	}
}

func TestCondInvert(t *testing.T) {
	pairs := map[Cond]Cond{O: NO, B: AE, E: NE, BE: A, S: NS, P: NP, L: GE, LE: G}
	for c, n := range pairs {
		if c.Invert() != n || n.Invert() != c {
			t.Errorf("%s.Invert() = %s, %s.Invert() = %s", c, c.Invert(), n, n.Invert())
		}
	}
	if C != B || NC != AE || Z != E || NZ != NE {
		t.Error("aliases")
	}
}

func TestRegNames(t *testing.T) {
	for _, c := range []struct {
		r    Reg
		w    Width
		want string
	}{{RAX, W64, "rax"}, {RSP, W8, "spl"}, {RDI, W8, "dil"}, {R8, W32, "r8d"}, {R13, W16, "r13w"}, {R15, W8, "r15b"}, {Reg(16), W64, "badreg"}} {
		if got := c.r.Name(c.w); got != c.want {
			t.Errorf("%d.Name(%d) = %s, want %s", c.r, c.w, got, c.want)
		}
	}
	if R12.Low3() != 4 || R12.REXBit() != 1 || RBP.Low3() != 5 || RBP.REXBit() != 0 {
		t.Error("Low3/REXBit")
	}
	if got := memX(R8, R12, 8, -16).String(); got != "[r8+8*r12-16]" {
		t.Errorf("Mem.String = %s", got)
	}
}
