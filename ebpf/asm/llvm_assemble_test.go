package asm

import (
	"bufio"
	"encoding/hex"
	"errors"
	"os"
	"slices"
	"strings"
	"testing"

	ciliumasm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
)

// llvmLossy is ins as its LLVM text can say it (llvm_assemble.go): calls
// lose their src, ldind its imm.
func llvmLossy(ins ebpf.Instruction) ebpf.Instruction {
	switch {
	case ins.Opcode == jumpOp(ebpf.ClassJMP, ebpf.JumpCall, ebpf.SourceK):
		ins.Src = ebpf.PseudoCallHelper
	case ins.Class() == ebpf.ClassLD && ins.Mode() == ebpf.ModeIND:
		ins.Imm = 0
	}
	return ins
}

// TestLLVMRoundTrip: AssembleLLVM(DisassembleLLVM(p)) == p for samples of
// every form, up to what LLVM's text drops (llvmLossy), which is counted.
func TestLLVMRoundTrip(t *testing.T) {
	lossy, forms := 0, 0
	for _, f := range allForms {
		if f.alias {
			continue
		}
		forms++
		prog := formSamples(f)
		text := DisassembleLLVM(prog)
		back, err := AssembleLLVM(text)
		if err != nil {
			t.Errorf("%s: AssembleLLVM(DisassembleLLVM) failed: %v\n%s", f.name, err, text)
			continue
		}
		for i := range prog {
			want := llvmLossy(prog[i])
			if want != prog[i] {
				lossy++
			}
			if back[i] != want {
				t.Errorf("%s: %q assembles to %+v, want %+v", f.name, FormatLLVM(prog[i]), back[i], want)
			}
		}
	}
	t.Logf("%d forms round-trip; %d samples lose a field LLVM does not print (call src, ldind imm)", forms, lossy)
}

// TestAssembleLLVMObjdump assembles the text column of the LLVM 19 listing
// and checks it gives the bytes of the first column.
func TestAssembleLLVMObjdump(t *testing.T) {
	f, err := os.Open("testdata/llvm-objdump.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	n, lossy := 0, 0
	for sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "#") || line == "" {
			continue
		}
		hexBytes, text, _ := strings.Cut(line, "\t")
		code, err := hex.DecodeString(strings.ReplaceAll(hexBytes, " ", ""))
		if err != nil {
			t.Fatalf("bad golden line %q: %v", line, err)
		}
		want, err := ebpf.Decode(code)
		if err != nil || len(want) != 1 {
			t.Fatalf("golden line %q: %v", line, err)
		}
		got, err := AssembleLLVM(text)
		if err != nil {
			t.Errorf("AssembleLLVM(%q): %v", text, err)
			continue
		}
		if w := llvmLossy(want[0]); w != want[0] {
			lossy++
			want[0] = w
		}
		if len(got) != 1 || got[0] != want[0] {
			t.Errorf("AssembleLLVM(%q) = %+v, want %s (%+v)", text, got, hexBytes, want[0])
		}
		n++
	}
	if n < 400 {
		t.Errorf("only %d golden lines", n)
	}
	t.Logf("%d lines of llvm-objdump-19 output assemble to their bytes (%d up to call src / ldind imm)", n, lossy)
}

// llvmSyntaxTests: LLVM/kernel/PREVAIL spellings and the uBPF text of the
// same program, assembled by the other assembler.
var llvmSyntaxTests = []struct {
	llvm, ubpf string
}{
	{"r0 = 0", "mov %r0, 0"},
	{"w1 = w2", "mov32 %r1, %r2"},
	{"r1 += r2", "add %r1, %r2"},
	{"r1 s/= r2", "sdiv %r1, %r2"},
	{"w1 s%= 3", "smod32 %r1, 3"},
	{"r1 s>>= 63", "arsh %r1, 63"},
	{"r0 = -r0", "neg %r0"},
	{"w0 = -w0", "neg32 %r0"},
	{"r0 = - r0", "neg %r0"},
	{"r1 = be16 r1", "be16 %r1"},
	{"r1 = le64 r1", "le64 %r1"},
	{"r1 = bswap32 r1", "bswap32 %r1"},
	{"r1 = swap16 r1", "bswap16 %r1"},
	{"r1 = (s8)r2", "movsx864 %r1, %r2"},
	{"w1 = (s16)w2", "movsx1632 %r1, %r2"},
	{"r1 = (s32)r2", "movsx3264 %r1, %r2"},
	{"r0 = *(u32 *)(r1 + 4)", "ldxw %r0, [%r1+4]"},
	{"w0 = *(u8 *)(r1 + 0x4)", "ldxb %r0, [%r1+4]"},
	{"r0 = *(s8 *)(r1 - 2)", "ldxsb %r0, [%r1-2]"},
	{"r0 = *(u64 *)(r10)", "ldxdw %r0, [%r10]"},
	{"*(u64 *)(r10 - 8) = r1", "stxdw [%r10-8], %r1"},
	{"*(u32 *)(r10 - 8) = w1", "stxw [%r10-8], %r1"},
	{"*(u16 *)(r10 - 8) = r1", "stxh [%r10-8], %r1"},
	{"*(u32 *)(r10 - 8) = 5", "stw [%r10-8], 5"},
	{"*(u8 *)(r1 + 0) = -1", "stb [%r1], -1"},
	{"lock *(u64 *)(r1 + 0) += r2", "lock add [%r1], %r2"},
	{"lock *(u32 *)(r1 + 8) ^= w2", "lock xor32 [%r1+8], %r2"},
	{"lock *(u32 *)(r1 + 8) |= r2", "lock or32 [%r1+8], %r2"},
	{"r0 = atomic_fetch_add((u64 *)(r1 + 0), r0)", "lock fetch add [%r1], %r0"},
	{"w3 = atomic_fetch_and((u32 *)(r1 - 4), w3)", "lock fetch and32 [%r1-4], %r3"},
	{"r2 = xchg_64(r1 + 8, r2)", "lock xchg [%r1+8], %r2"},
	{"w2 = xchg32_32(r1 + 8, w2)", "lock xchg32 [%r1+8], %r2"},
	{"r0 = cmpxchg_64(r10 - 8, r0, r1)", "lock cmpxchg [%r10-8], %r1"},
	{"w0 = cmpxchg32_32(r10 - 8, w0, w1)", "lock cmpxchg32 [%r10-8], %r1"},
	{"if r1 > r2 goto +3", "jgt %r1, %r2, +3"},
	{"if w1 s< 5 goto -2", "jslt32 %r1, 5, -2"},
	{"if r1 & 0x10 goto +0x1", "jset %r1, 0x10, +1"},
	{"if r1 &== 16 goto +1", "jset %r1, 16, +1"},
	{"if r1 == r2 goto pc+1", "jeq %r1, %r2, +1"},
	{"goto +1", "ja +1"},
	{"goto -0x1", "ja -1"},
	{"gotol +1", "ja32 +1"},
	{"call 1", "call 1"},
	{"call bpf_map_lookup_elem", "call 1"},
	{"call map_update_elem", "call 2"},
	{"call bpf_trace_printk#6", "call 6"},
	{"call pc+3", "call local +3"},
	{"call pc-3", "call local -3"},
	{"callx r2", "callx %r2"},
	{"exit", "exit"},
	{"r1 = 0x1122334455667788 ll", "lddw %r1, 0x1122334455667788"},
	{"r1 = -1 ll", "lddw %r1, -1"},
	{"r1 = 9223372036854775807ll", "lddw %r1, 0x7fffffffffffffff"},
	{"r1 = 0xffffffffffffffffll", "lddw %r1, -1"},
	{"r0 = 0xffffffff", "mov %r0, -1"},
	{"r0 = 4294967295", "mov %r0, -1"},
	{"r0=r1", "mov %r0, %r1"},
	{"r0 = *(u8 *)skb[5]", "ldabsb 5"},
	{"r0 = *(u32 *)skb[r2]", "ldindw %r2, 0"},
	{"r0 = *(u16 *)skb[r2 + 3]", "ldindh %r2, 3"},
	// comments, the verifier log's prefix, labels
	{"r0 = 1 ; R0_w=1", "mov %r0, 1"},
	{"r0 = 1 # c\nexit // c", "mov %r0, 1\nexit"},
	{"0: (b7) r0 = 1\n1: (95) exit", "mov %r0, 1\nexit"},
	// the verifier log (kernel/bpf/disasm.c): offsets "+0", lddw without ll,
	// its atomic names
	{"0: (18) r1 = 0x1122334455667788\n2: (18) r2 = 0x5", "lddw %r1, 0x1122334455667788\nlddw %r2, 5"},
	{"3: (61) r0 = *(u32 *)(r1 +0)\n4: (7b) *(u64 *)(r10 -8) = r0", "ldxw %r0, [%r1]\nstxdw [%r10-8], %r0"},
	{"5: (15) if r0 == 0x0 goto pc+1\n6: (05) goto pc-2", "jeq %r0, 0, +1\nja -2"},
	{"7: (85) call bpf_map_lookup_elem#1", "call 1"},
	{"8: (db) r2 = atomic64_fetch_add((u64 *)(r1 +0), r2)", "lock fetch add [%r1], %r2"},
	{"8: (c3) w2 = atomic_fetch_or((u32 *)(r1 +4), w2)", "lock fetch or32 [%r1+4], %r2"},
	{"9: (db) r2 = atomic64_xchg((u64 *)(r1 +0), r2)", "lock xchg [%r1], %r2"},
	{"9: (db) r0 = atomic64_cmpxchg((u64 *)(r1 +0), r0, r2)", "lock cmpxchg [%r1], %r2"},
	{"9: (c3) w0 = atomic_cmpxchg((u32 *)(r1 +0), w0, w2)", "lock cmpxchg32 [%r1], %r2"},
	{"9: (c3) r4 = atomic_xchg((u32 *)(r10 -16), r4)", "lock xchg32 [%r10-16], %r4"},
	{"9: (c3) r0 = atomic_cmpxchg((u32 *)(r1 +0), r0, r2)", "lock cmpxchg32 [%r1], %r2"},
	{"9: (c3) r2 = atomic_fetch_add((u32 *)(r1 +0), r2)", "lock fetch add32 [%r1], %r2"},
	{"goto <out>\nr0 = 1\n<out>:\nexit", "ja +1\nmov %r0, 1\nexit"},
	{"<start>: if r1 == 0 goto <out>\nr1 = 1 ll\n<out>: exit", "jeq %r1, 0, +2\nlddw %r1, 1\nexit"},
	{"LBB0_1:\nr1 += 1\nif r1 < 10 goto LBB0_1\nexit", "add %r1, 1\njlt %r1, 10, -2\nexit"},
	{"call sub\nexit\nsub:\nr0 = 0\nexit", "call local +1\nexit\nmov %r0, 0\nexit"},
	{"call <sub>\nexit\n<sub>: exit", "call local +1\nexit\nexit"},
	{"gotol end\nr0 = 0\nend: exit", "ja32 +1\nmov %r0, 0\nexit"},
}

func TestAssembleLLVMSyntax(t *testing.T) {
	for _, tt := range llvmSyntaxTests {
		want, err := Assemble(tt.ubpf)
		if err != nil {
			t.Fatalf("Assemble(%q): %v", tt.ubpf, err)
		}
		got, err := AssembleLLVM(tt.llvm)
		if err != nil {
			t.Errorf("AssembleLLVM(%q): %v", tt.llvm, err)
			continue
		}
		if !slices.Equal(got, want) {
			t.Errorf("AssembleLLVM(%q) =\n%s want\n%s", tt.llvm, Disassemble(got), Disassemble(want))
		}
	}
}

var llvmErrorTests = []struct {
	src       string
	line, col int
	want      string
}{
	{"r0 = 1\nr11 += 1\nr16 = 0", 3, 1, "invalid register r16"},
	{"w1 += r2", 1, 7, "must be all rN"},
	{"r1 = 0x100000000", 1, 6, "does not fit in 32 bits"},
	{"r1 = -2147483649", 1, 6, "does not fit in 32 bits"},
	{"goto +32768", 1, 6, "does not fit in 16 bits"},
	{"r0 = *(u32 *)(r1 + 32768)", 1, 18, "does not fit in 16 bits"},
	{"r0 = *(u128 *)(r1 + 0)", 1, 8, "expected a size"},
	{"r0 = *(s64 *)(r1 + 0)", 1, 8, "expected a size"},
	{"w0 = *(u64 *)(r1 + 0)", 1, 1, "needs r0"},
	{"*(u64 *)(r10 - 8) = w1", 1, 21, "must be r1"},
	{"r0 = *(u32 *)(w1 + 0)", 1, 15, "must be r1"},
	{"r1 = be16 r2", 1, 11, "must be the destination"},
	{"r1 = be8 r1", 1, 6, "unknown operation"},
	{"w1 = (s32)w2", 1, 7, "expected (s8)"},
	{"r1 = 1\n  r2 ?= 1", 2, 6, "unexpected character"},
	{"r1 = 1 r2", 1, 8, "after the instruction"},
	{"goto <nowhere>", 1, 6, "undefined label"},
	{"call no_such_helper", 1, 6, "neither a label nor a helper"},
	{"if r1 ~ 2 goto +1", 1, 7, "unexpected character"},
	{"if r1 = 2 goto +1", 1, 7, "expected a comparison"},
	{"if r1 == 2 goto", 1, 16, "expected a number, found the end of the line"},
	{"lock *(u16 *)(r1 + 0) += r2", 1, 8, "atomic operations are u32 or u64"},
	{"lock *(u64 *)(r1 + 0) -= r2", 1, 23, "expected += |= &= or ^="},
	{"r1 = atomic_fetch_add((u64 *)(r1 + 0), r2)", 1, 40, "must be r1"},
	{"r1 = cmpxchg_64(r1 + 0, r0, r2)", 1, 1, "cmpxchg writes r0"},
	{"r1 = xchg32_32(r1 + 0, r1)", 1, 1, "does not match the 4-byte access"},
	{"w1 = atomic_fetch_add((u64 *)(r1 + 0), w1)", 1, 1, "does not match the 8-byte access"},
	{"w1 = 5 ll", 1, 1, "needs r1"},
	{"x: exit\nx: exit", 2, 0, "already defined on line 1"},
	{"frob r1", 1, 1, "unknown instruction"},
	{"r1 = 99999999999999999999 ll", 1, 6, "does not fit in 64 bits"},
	{"r0 = *(u64 *)skb[0]", 1, 8, "u8, u16 or u32"},
	{"r1 = *(u8 *)skb[0]", 1, 1, "write r0"},
	{"goto pc", 1, 8, "expected pc+N"},
}

func TestAssembleLLVMErrors(t *testing.T) {
	for _, tt := range llvmErrorTests {
		_, err := AssembleLLVM(tt.src)
		var ae *Error
		if !errors.As(err, &ae) {
			t.Errorf("AssembleLLVM(%q) = %v, want an *Error", tt.src, err)
			continue
		}
		if ae.Line != tt.line || ae.Column != tt.col || !strings.Contains(ae.Error(), tt.want) {
			t.Errorf("AssembleLLVM(%q) = %v (line %d, column %d), want line %d, column %d, %q", tt.src, err,
				ae.Line, ae.Column, tt.line, tt.col, tt.want)
		}
	}
	if _, err := AssembleLLVM("; nothing\n\n"); !errors.Is(err, ErrEmpty) {
		t.Errorf("AssembleLLVM of comments = %v, want ErrEmpty", err)
	}
}

// TestHelperNames checks the helper table against cilium/ebpf's.
func TestHelperNames(t *testing.T) {
	for i, name := range helperNames {
		id := int32(i + 1)
		camel := ""
		for _, w := range strings.Split(name, "_") {
			camel += strings.ToUpper(w[:1]) + w[1:]
		}
		if want := ciliumasm.BuiltinFunc(id).String(); "Fn"+camel != want {
			t.Errorf("helper %d is %s here, %s in cilium/ebpf", id, name, want)
		}
		if got, ok := HelperID(HelperName(id)); !ok || got != id {
			t.Errorf("HelperID(HelperName(%d)) = %d, %v", id, got, ok)
		}
	}
}

// FuzzLLVMRoundTrip: AssembleLLVM never panics, fails only with an *Error
// or ErrEmpty, produces well-formed instructions, and what it produces
// prints and assembles back the same (up to llvmLossy).
func FuzzLLVMRoundTrip(f *testing.F) {
	for _, fm := range allForms {
		if !fm.alias {
			f.Add(DisassembleLLVM(formSamples(fm)[:3]))
		}
	}
	for _, tt := range llvmSyntaxTests {
		f.Add(tt.llvm)
	}
	for _, tt := range llvmErrorTests {
		f.Add(tt.src)
	}
	f.Fuzz(func(t *testing.T, src string) {
		insns, err := AssembleLLVM(src)
		if err != nil {
			var ae *Error
			if !errors.As(err, &ae) && !errors.Is(err, ErrEmpty) {
				t.Fatalf("AssembleLLVM(%q) = %v, want an *Error or ErrEmpty", src, err)
			}
			return
		}
		for i, ins := range insns {
			if err := checkEncoding(ins); err != nil {
				t.Fatalf("AssembleLLVM(%q) produced a malformed instruction %+v: %v", src, ins, err)
			}
			insns[i] = llvmLossy(ins)
		}
		back, err := AssembleLLVM(DisassembleLLVM(insns))
		if err != nil || !slices.Equal(back, insns) {
			t.Fatalf("AssembleLLVM(DisassembleLLVM(AssembleLLVM(%q))) = %+v, %v; want %+v", src, back, err, insns)
		}
	})
}
