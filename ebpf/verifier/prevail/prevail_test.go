package prevail

import (
	"errors"
	"math/big"
	"slices"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

const sampleYAML = `# comment document
---
test-case: two blocks

pre: ["r1.type=number", "r1.svalue=[1, 5]", "r1.uvalue=r1.svalue"]

options: ["termination"]

code:
  <start>: |
    r0 = 0 ; a comment
    if r1 > 3 goto <out>
  <mid>: |
    r0 = map_fd 1
  <out>: |
    exit

post: ["_|_"]

messages:
  - "1:3: Code becomes unreachable (assume r1 > 3)"
---
test-case: observe
pre: []
code:
  <start>: |
    exit
post: []
observe:
  - at: exit
    point: post
    mode: entailed
    constraints: ["r0.type=number"]
`

func TestParse(t *testing.T) {
	cases, err := Parse("sample.yaml", []byte(sampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	if len(cases) != 2 {
		t.Fatalf("got %d cases, want 2", len(cases))
	}
	c := cases[0]
	if c.Name != "two blocks" || c.Line != 3 || c.File != "sample.yaml" {
		t.Errorf("case = %q at %s:%d", c.Name, c.File, c.Line)
	}
	if !slices.Equal(c.Options, []string{"termination"}) || len(c.Pre) != 3 || len(c.Post) != 1 {
		t.Errorf("options %q, pre %q, post %q", c.Options, c.Pre, c.Post)
	}
	var labels []string
	for _, b := range c.Blocks {
		labels = append(labels, b.Label)
	}
	if !slices.Equal(labels, []string{"start", "mid", "out"}) || c.Blocks[0].Line != 11 || len(c.Blocks[0].Lines) != 2 {
		t.Errorf("blocks %+v", c.Blocks)
	}
	code, order := c.Code()
	if code["mid"] != "r0 = map_fd 1" || !slices.Equal(order, labels) {
		t.Errorf("Code() = %q, %q", code, order)
	}
	if c.ExpectAccept() || !c.ExpectSafe() {
		t.Errorf("ExpectAccept %v, ExpectSafe %v; want false, true", c.ExpectAccept(), c.ExpectSafe())
	}
	if f, err := c.Flags(); err != nil || !f.CheckTermination || !f.AllowDivisionByZero || f.BigEndian {
		t.Errorf("Flags() = %+v, %v", f, err)
	}
	if _, err := (&Case{Options: []string{"fast"}}).Flags(); err == nil {
		t.Errorf("Flags accepted an unknown option")
	}
	if o := cases[1].Observe; len(o) != 1 || o[0].At != "exit" || o[0].Mode != "entailed" || len(o[0].Constraints) != 1 {
		t.Errorf("observe = %+v", o)
	}
}

func TestParseErrors(t *testing.T) {
	for _, tt := range []struct{ yaml, want string }{
		{"test-case: x\npre: []\ncode:\n  <start>: exit\npost: []\nwhat: 1\n", "x.yaml:6: unknown key \"what\""},
		{"test-case: x\npre: []\npost: []\n", "has no \"code\""},
		{"test-case: x\npre: []\ncode:\n  start: exit\npost: []\n", "not of the form <name>"},
		{"test-case: x\npre: 5\ncode:\n  <start>: exit\npost: []\n", "expected a list of strings"},
		{"test-case: x\npre: []\ncode: []\npost: []\n", "code must map labels"},
		{"- 1\n", "must be a mapping"},
		{"test-case: [\n", "x.yaml: yaml:"},
		{"test-case: x\npre: []\ncode:\n  <start>: exit\npost: []\nobserve: 1\n", "observe must be a list"},
	} {
		_, err := Parse("x.yaml", []byte(tt.yaml))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Parse(%q) = %v, want %q", tt.yaml, err, tt.want)
		}
	}
}

// TestTranslate: PREVAIL's lines and the uBPF text of the same
// instructions.
func TestTranslate(t *testing.T) {
	for _, tt := range []struct {
		prevail string
		ubpf    string
		assume  bool
	}{
		{"r0 = 0", "mov %r0, 0", false},
		{"r1 s8= r2", "movsx864 %r1, %r2", false},
		{"w1 s16= r2", "movsx1632 %r1, %r2", false},
		{"w1 <<= r2", "lsh32 %r1, %r2", false},
		{"w1 = r2", "mov32 %r1, %r2", false},
		{"assume r1 < 5", "jlt %r1, 5, +0", true},
		{"assume w1 s>= r2", "jsge32 %r1, %r2, +0", true},
		{"if w1 > r2 goto <start>", "jgt32 %r1, %r2, -1", false},
		{"if r1 &== 4 goto <start>", "jset %r1, 4, -1", false},
		{"lock *(u64 *)(r1 + 0) += r2", "lock add [%r1], %r2", false},
		{"lock *(u32 *)(r1 + 4) += r2 fetch", "lock fetch add32 [%r1+4], %r2", false},
		{"lock *(u64 *)(r1 + 0) ^= r2 fetch", "lock fetch xor [%r1], %r2", false},
		{"lock *(u64 *)(r1 + 8) x= r2", "lock xchg [%r1+8], %r2", false},
		{"lock *(u32 *)(r1 + 0) cx= r2", "lock cmpxchg32 [%r1], %r2", false},
		{"r0 = -9223372036854775807ll", "lddw %r0, -9223372036854775807", false},
		{"r0 = *(u16 *)skb[r1]", "ldindh %r1, 0", false},
		{"r1 = swap32 r1", "bswap32 %r1", false},
		{"call 1 ; lookup", "call 1", false},
		{"callx r5", "callx %r5", false},
	} {
		c := &Case{File: "t", Name: tt.prevail, Blocks: []Block{{Label: "start", Lines: []string{tt.prevail}}}}
		p, err := Translate(c)
		if err != nil {
			t.Errorf("Translate(%q): %v", tt.prevail, err)
			continue
		}
		want, err := asm.Assemble(tt.ubpf)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(p.Insns, want) || p.Assume[0] != tt.assume {
			t.Errorf("Translate(%q) = %s (assume %v), want %s (assume %v)", tt.prevail, asm.Disassemble(p.Insns),
				p.Assume[0], tt.ubpf, tt.assume)
		}
	}
}

func TestTranslatePseudo(t *testing.T) {
	for _, tt := range []struct {
		line  string
		src   uint8
		imm64 int64
	}{
		{"r1 = map_fd 3", ebpf.PseudoMapFD, 3},
		{"r1 = map_fd_programs 2", ebpf.PseudoMapFD, 2},
		{"r2 = map_val(1) + 8", ebpf.PseudoMapValue, 1 | 8<<32},
		{"r2 = map_by_idx(0)", ebpf.PseudoMapIdx, 0},
		{"r2 = mva(map_by_idx(1)) + 4", ebpf.PseudoMapIdxValue, 1 | 4<<32},
		{"r2 = variable_addr(7)", ebpf.PseudoVarAddr, 7},
		{"r2 = code_addr(0x10)", ebpf.PseudoCodeAddr, 16},
	} {
		c := &Case{Blocks: []Block{{Label: "start", Lines: []string{tt.line, "exit"}}}}
		p, err := Translate(c)
		if err != nil {
			t.Errorf("Translate(%q): %v", tt.line, err)
			continue
		}
		ins := p.Insns[0]
		if !ins.IsLDDW() || ins.Src != tt.src || ins.Imm64 != tt.imm64 || ins.Imm != int32(uint32(tt.imm64)) {
			t.Errorf("Translate(%q) = %+v, want lddw src %d imm64 %#x", tt.line, ins, tt.src, tt.imm64)
		}
	}
}

// TestTranslateBlocks: blocks fall through in order, labels are pcs, and
// lddw counts one instruction (two slots for the jump distance).
func TestTranslateBlocks(t *testing.T) {
	cases, err := Parse("sample.yaml", []byte(sampleYAML))
	if err != nil {
		t.Fatal(err)
	}
	p, err := Translate(&cases[0])
	if err != nil {
		t.Fatal(err)
	}
	want, _ := asm.Assemble("mov %r0, 0\njgt %r1, 3, +2\nlddw %r0, 1\nexit")
	want[2].Src = ebpf.PseudoMapFD
	if !slices.Equal(p.Insns, want) {
		t.Errorf("got\n%s want\n%s", asm.Disassemble(p.Insns), asm.Disassemble(want))
	}
	if p.Labels["out"] != 3 || p.Labels["mid"] != 2 || p.Source[2].FileLine != 14 || p.Source[1].Line != 2 {
		t.Errorf("labels %v, sources %+v", p.Labels, p.Source)
	}
}

func TestTranslateErrors(t *testing.T) {
	for _, tt := range []struct {
		lines       []string
		line, fileL int
		want        string
	}{
		{[]string{"r0 = 0", "r0 ~ 1"}, 2, 11, "unexpected character"},
		{[]string{"goto <nowhere>"}, 1, 10, "undefined label"},
		{[]string{"if r1 &!= 0 goto <start>"}, 1, 10, "not supported"},
		{[]string{"w2 s32= r2"}, 1, 10, "not supported"},
		{[]string{"r0 = 0", ""}, 2, 11, "empty line"},
		{[]string{"r1 = map_val(99999999999) + 1"}, 1, 10, "bad number"},
	} {
		c := &Case{File: "f.yaml", Line: 3, Name: "n", Blocks: []Block{{Label: "start", Lines: tt.lines, Line: 10}}}
		_, err := Translate(c)
		var ce *CodeError
		if !errors.As(err, &ce) || ce.Line != tt.line || ce.FileLine != tt.fileL || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Translate(%q) = %v, want line %d (file %d) %q", tt.lines, err, tt.line, tt.fileL, tt.want)
		}
	}
}

func TestParseConstraint(t *testing.T) {
	big2to64 := new(big.Int).Lsh(big.NewInt(1), 64)
	max := new(big.Int).Sub(big2to64, big.NewInt(1))
	for _, tt := range []struct {
		text string
		want string // Var, op and operands, printed
	}{
		{"r1.type=number", "r1.type types {number}"},
		{"r1.type in {ctx, packet}", "r1.type types {ctx, packet}"},
		{"r1.type in {ctx,packet}", "r1.type types {ctx, packet}"},
		{"r1.svalue=5", "r1.svalue range 5"},
		{"r1.svalue=-9223372036854775808", "r1.svalue range -9223372036854775808"},
		{"r1.uvalue=[0, 18446744073709551615]", "r1.uvalue range [0, " + max.String() + "]"},
		{"r1.svalue=[-oo, 7]", "r1.svalue range [-oo, 7]"},
		{"r1.uvalue=[1, +oo]", "r1.uvalue range [1, +oo]"},
		{"r1.stack_offset=[500,504]", "r1.stack_offset range [500, 504]"},
		{"r1.uvalue=r1.svalue", "r1.uvalue equal r1.svalue+0"},
		{"r1.svalue=r2.uvalue+4", "r1.svalue equal r2.uvalue+4"},
		{"r1.type=r2.type", "r1.type equal r2.type+0"},
		{"r1.packet_offset=packet_size", "r1.packet_offset equal packet_size+0"},
		{"meta_offset=r1.packet_offset", "meta_offset equal r1.packet_offset+0"},
		{"packet_size=[0, 20]", "packet_size range [0, 20]"},
		{"r2.svalue-r1.uvalue<=-18446744073709551613", "r2.svalue diff r1.uvalue+-18446744073709551613"},
		{"s[504...511].type=number", "s[504...511].type types {number}"},
		{"s[504].svalue=1", "s[504...504].svalue range 1"},
		{"s[500...507].svalue=r1.svalue", "s[500...507].svalue equal r1.svalue+0"},
		{"pc[3]=[1, +oo]", "pc[3] range [1, +oo]"},
		{"r0.uvalue=pc[1/2]", "r0.uvalue equal pc[1/2]+0"},
		{"_|_", " bottom"},
	} {
		c, err := ParseConstraint(tt.text)
		if err != nil {
			t.Errorf("ParseConstraint(%q): %v", tt.text, err)
			continue
		}
		if got := describeConstraint(c); got != tt.want {
			t.Errorf("ParseConstraint(%q) = %q, want %q", tt.text, got, tt.want)
		}
	}
	for _, bad := range []string{"", "r1", "r1.size=4", "r11.svalue=1", "r1.svalue=[5, 1]", "r1.svalue=x",
		"r1.type=widget", "r1.type in ctx", "s[5...1].svalue=1", "r1.svalue-r2.svalue<3", "r1.svalue=r2.svalue*2"} {
		if c, err := ParseConstraint(bad); err == nil {
			t.Errorf("ParseConstraint(%q) = %+v, want an error", bad, c)
		}
	}
}

func describeConstraint(c Constraint) string {
	v := ""
	if c.Op != OpBottom {
		v = c.Var.String()
	}
	switch c.Op {
	case OpTypes:
		return v + " types " + c.Types.String()
	case OpRange:
		return v + " range " + c.Range.String()
	case OpEqual:
		return v + " equal " + c.Other.String() + "+" + strings.TrimPrefix(c.Const.String(), "+")
	case OpDiffLE:
		return v + " diff " + c.Other.String() + "+" + c.Const.String()
	}
	return v + " bottom"
}

func TestPreStateOf(t *testing.T) {
	c := &Case{Pre: []string{
		"r1.type=ctx", "r1.ctx_offset=0",
		"r2.type in {packet, stack}", "r2.type=packet", "r2.packet_offset=[0, 8]", "r2.packet_offset=[4, 20]",
		"r3.type=number", "r3.svalue=[-5, 5]", "r3.uvalue=r3.svalue",
		"r10.type=stack", "r10.stack_offset=512",
		"s[504...511].type=number", "s[504...511].svalue=7", "s[500...503].type=number",
		"packet_size=[0, 64]", "meta_offset=0",
	}}
	ps, err := PreStateOf(c)
	if err != nil {
		t.Fatal(err)
	}
	if ty, ok := ps.Regs[1].Type(); !ok || ty != TypeCtx {
		t.Errorf("r1 types %v", ps.Regs[1].Types)
	}
	if ty, ok := ps.Regs[2].Type(); !ok || ty != TypePacket {
		t.Errorf("r2 types %v (want packet, the meet)", ps.Regs[2].Types)
	}
	if v, _ := ps.Regs[2].Value(KindPacketOffset); v.String() != "[4, 8]" {
		t.Errorf("r2.packet_offset = %v, want [4, 8]", v)
	}
	if lo, hi, ok := ps.Regs[3].Values[KindSValue].Int64(); !ok || lo != -5 || hi != 5 {
		t.Errorf("r3.svalue = %d, %d, %v", lo, hi, ok)
	}
	if len(ps.Relations) != 1 || ps.Relations[0].Var.Kind != KindUValue {
		t.Errorf("relations %+v", ps.Relations)
	}
	if len(ps.Stack) != 2 || ps.Stack[0].Lo != 500 || ps.Stack[1].Hi != 511 || ps.Stack[1].Values[KindSValue].String() != "7" {
		t.Errorf("stack %+v", ps.Stack)
	}
	if ps.Globals["packet_size"].String() != "[0, 64]" || ps.Globals["meta_offset"].String() != "0" {
		t.Errorf("globals %v", ps.Globals)
	}
	if _, ok := ps.Regs[0]; ok {
		t.Errorf("r0 is not in pre but has a fact")
	}
	for _, bad := range [][]string{{"_|_"}, {"pc[1]=2"}, {"r1.type=ctx", "r1.type=number"}, {"r1.svalue="}} {
		if _, err := PreStateOf(&Case{Pre: bad}); err == nil {
			t.Errorf("PreStateOf(%q) succeeded", bad)
		}
	}
}

func TestPostStateOf(t *testing.T) {
	ps, err := PostStateOf(&Case{Post: []string{"_|_", "pc[3]=[1, +oo]", "pc[3]=[0, 100]", "r0.type=number"}})
	if err != nil {
		t.Fatal(err)
	}
	if !ps.Bottom || ps.Counters["3"].String() != "[1, 100]" || ps.Regs[0].Types != 1<<TypeNumber {
		t.Errorf("post state %+v", ps)
	}
}

func TestParseMessage(t *testing.T) {
	for _, tt := range []struct {
		raw, label string
		pc, to     int
		text       string
		unreach    bool
	}{
		{"0: Invalid type (r3.type == number)", "0", 0, -1, "Invalid type (r3.type == number)", false},
		{"1:3: Code becomes unreachable (assume r1 > 3)", "1:3", 1, 3, "Code becomes unreachable (assume r1 > 3)", true},
		{"0/9: Upper bound must be at most packet_size", "0/9", 9, -1, "Upper bound must be at most packet_size", false},
		{"0/11:12: Code becomes unreachable (assume r3 >= 100)", "0/11:12", 11, 12, "Code becomes unreachable (assume r3 >= 100)", true},
		{"4 (counter): Loop counter is too large (pc[4] < 100000)", "4", 4, -1, "Loop counter is too large (pc[4] < 100000)", false},
		{"exit: observation entailed failed at post", "exit", -1, -1, "observation entailed failed at post", false},
		{"too many call stack frames", "", -1, -1, "too many call stack frames", false},
	} {
		m := ParseMessage(tt.raw)
		if m.Label != tt.label || m.PC != tt.pc || m.To != tt.to || m.Text != tt.text || m.Unreachable() != tt.unreach {
			t.Errorf("ParseMessage(%q) = %+v", tt.raw, m)
		}
	}
}

// FuzzTranslateLine: no line of code, however odd, makes the translation
// panic, and a failure is a *CodeError.
func FuzzTranslateLine(f *testing.F) {
	for _, s := range []string{"r0 = 0", "assume w1 < r2", "lock *(u32 *)(r1 + 4) cx= r2", "r1 = map_val(1) + 8",
		"r1 s8= r2", "if r1 &!= 0 goto <start>", "call_btf 5", "r0 = *(u8 *)skb[r1]"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, line string) {
		c := &Case{Blocks: []Block{{Label: "start", Lines: strings.Split(line, "\n")}}}
		if _, err := Translate(c); err != nil {
			var ce *CodeError
			if !errors.As(err, &ce) {
				t.Fatalf("Translate(%q) = %v, want a *CodeError", line, err)
			}
		}
	})
}

// FuzzParseConstraint: constraints never panic the parser or PreStateOf.
func FuzzParseConstraint(f *testing.F) {
	for _, s := range []string{"r1.type in {ctx, packet}", "r1.svalue=[-oo, 7]", "s[504...511].svalue=r1.svalue+4",
		"r2.svalue-r1.uvalue<=-3", "pc[1/2]=[1, +oo]", "_|_", "meta_offset=r1.packet_offset"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		_, _ = ParseConstraint(s)
		_, _ = PreStateOf(&Case{Pre: []string{s, s}})
	})
}

// FuzzParse: no YAML input panics the reader or what runs on its cases.
func FuzzParse(f *testing.F) {
	f.Add([]byte(sampleYAML))
	f.Add([]byte("test-case: x\npre: []\ncode:\n  <start>: exit\npost: []\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		cases, err := Parse("f.yaml", data)
		if err != nil {
			return
		}
		for i := range cases {
			_, _ = Translate(&cases[i])
			_, _ = PreStateOf(&cases[i])
			_, _ = cases[i].Flags()
			_ = cases[i].ExpectSafe()
		}
	})
}
