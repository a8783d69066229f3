package amd64

import (
	"encoding/hex"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"golang.org/x/arch/x86/x86asm"
)

// TestTableDecodes reads every row's bytes back with x86asm and checks that
// they say what the row's text says: a typo in a text, or bytes pasted on
// the wrong row, fails here even though GNU as is not run. The two texts
// are compared after normalise.
func TestTableDecodes(t *testing.T) {
	for _, c := range encodingTable {
		code, err := hex.DecodeString(c.hex)
		if err != nil {
			t.Fatalf("%s: %v", c.asm, err)
		}
		want := strings.Split(c.asm, ";")
		var n int
		for pc := 0; pc < len(code); n++ {
			in, err := x86asm.Decode(code[pc:], 64)
			if err != nil {
				t.Errorf("%s: x86asm cannot decode %x: %v", c.asm, code[pc:], err)
				break
			}
			addr := uint64(0x1000 + pc) // non-zero, so that x86asm prints jump targets as addresses
			got := x86asm.IntelSyntax(in, addr, nil)
			if n < len(want) && normalise(got, in, addr) != normalise(want[n], in, addr) {
				t.Errorf("%s: instruction %d decodes as %q (normalised %q vs %q)", c.asm, n, got, normalise(got, in, addr), normalise(want[n], in, addr))
			}
			pc += in.Len
		}
		if n != len(want) {
			t.Errorf("%s: %d instructions in the text, %d in the bytes", c.asm, len(want), n)
		}
	}
}

var (
	pseudoPrefix = regexp.MustCompile(`\{disp(8|32)\}`)
	// dotTarget is GNU as's "." (this instruction's address) in a jump
	// target, with an optional offset.
	dotTarget = regexp.MustCompile(`(^|[ ,])\.([+-](0x[0-9a-f]+|[0-9]+))?$`)
	number    = regexp.MustCompile(`\b(0x[0-9a-f]+|[0-9]+)\b`)
	noScale1  = regexp.MustCompile(`\*1\b|\b1\*`)
	// ccAlias maps each other name of a condition to ours.
	ccAlias = map[string]string{"c": "b", "nae": "b", "nb": "ae", "nc": "ae", "z": "e", "nz": "ne", "na": "be",
		"nbe": "a", "pe": "p", "po": "np", "nge": "l", "nl": "ge", "ng": "le", "nle": "g"}
)

// normalise turns the table's GNU as text and x86asm's IntelSyntax for the
// instruction in, at address addr, into one form:
//
//  1. lower case, no "{disp8}"/"{disp32}", no "ptr", no spaces;
//  2. a jump target "." or ".±n" (GNU as, from the instruction's start)
//     becomes the address it names, as x86asm prints it;
//  3. one name per condition code (jz, jnb, cmovnbe... -> je, jae, cmova);
//  4. numbers in decimal; an immediate as the unsigned value of its
//     operand width, so that 0xffffffff and -0x1 agree for a 32-bit
//     operand; a displacement stays signed, and neither a zero
//     displacement nor a scale of 1 is written;
//  5. nop loses the register operand x86asm adds to 0F 1F.
func normalise(s string, in x86asm.Inst, addr uint64) string {
	s = strings.TrimSpace(pseudoPrefix.ReplaceAllString(strings.ToLower(s), ""))
	s = strings.ReplaceAll(s, "ptr ", "")
	if m := dotTarget.FindStringSubmatch(s); m != nil { // step 2
		off, _ := strconv.ParseInt(strings.TrimPrefix(m[2], "+"), 0, 64)
		s = s[:len(s)-len(m[0])] + m[1] + fmt.Sprintf("%#x", int64(addr)+off)
	}
	mnemonic, operands, _ := strings.Cut(s, " ")
	mnemonic = normaliseCC(mnemonic)
	var ops []string
	for _, op := range strings.Split(operands, ",") {
		op = strings.TrimSpace(op)
		if op == "" {
			continue
		}
		if strings.Contains(op, "[") { // step 4, displacement and scale
			op = number.ReplaceAllStringFunc(op, func(n string) string {
				v, _ := strconv.ParseUint(n, 0, 64)
				return strconv.FormatUint(v, 10)
			})
			op = noScale1.ReplaceAllString(strings.ReplaceAll(op, " ", ""), "")
			op = strings.NewReplacer("+0]", "]", "-0]", "]").Replace(op)
		} else if v, ok := parseImm(op); ok {
			op = strconv.FormatUint(v&widthMask(in), 10)
		}
		ops = append(ops, strings.ReplaceAll(op, " ", ""))
	}
	if mnemonic == "nop" && len(ops) > 1 { // step 5
		ops = ops[:1]
	}
	return strings.Join(append([]string{mnemonic}, ops...), " ")
}

func normaliseCC(m string) string {
	for _, prefix := range []string{"j", "set", "cmov"} {
		if cc, ok := strings.CutPrefix(m, prefix); ok {
			if alias, ok := ccAlias[cc]; ok {
				return prefix + alias
			}
		}
	}
	return m
}

// parseImm parses a signed or unsigned number in Go syntax.
func parseImm(s string) (uint64, bool) {
	if v, err := strconv.ParseInt(s, 0, 64); err == nil {
		return uint64(v), true
	}
	v, err := strconv.ParseUint(s, 0, 64)
	return v, err == nil
}

// widthMask masks an immediate to the width of in's first register or
// memory operand, or not at all.
func widthMask(in x86asm.Inst) uint64 {
	for _, arg := range in.Args {
		var bits int
		switch arg := arg.(type) {
		case x86asm.Reg:
			bits = xregBits(arg)
		case x86asm.Mem:
			bits = in.MemBytes * 8
		}
		if bits > 0 && bits < 64 {
			return 1<<bits - 1
		}
		if bits > 0 {
			break
		}
	}
	return ^uint64(0)
}

// xregBits is the width of a general-purpose register, or 0.
func xregBits(r x86asm.Reg) int {
	switch {
	case r >= x86asm.AL && r <= x86asm.R15B:
		return 8
	case r >= x86asm.AX && r <= x86asm.R15W:
		return 16
	case r >= x86asm.EAX && r <= x86asm.R15L:
		return 32
	case r >= x86asm.RAX && r <= x86asm.R15:
		return 64
	}
	return 0
}

// TestNormalise pins the normal forms the cross-check relies on.
func TestNormalise(t *testing.T) {
	decode := func(h string) x86asm.Inst {
		b, _ := hex.DecodeString(h)
		in, err := x86asm.Decode(b, 64)
		if err != nil {
			t.Fatal(err)
		}
		return in
	}
	for _, c := range []struct{ hex, a, b string }{
		{"b8ffffffff", "mov eax, 0xffffffff", "mov eax, -0x1"},
		{"48c7c0ffffffff", "mov rax, -1", "mov rax, 0xffffffffffffffff"},
		{"66b8ffff", "mov ax, -0x1", "mov ax, 65535"},
		{"488b4708", "mov rax, qword ptr [rdi+0x8]", "mov rax, qword ptr [rdi+8]"},
		{"488b47f8", "mov rax, qword ptr [rdi-0x8]", "mov rax,qword ptr [rdi - 8]"},
		{"7400", "jz 0x1002", "je .+2"},
		{"ebfe", "jmp 0x1000", "jmp ."},
		{"0f93c0", "setnb al", "setae al"},
		{"0f1f00", "nop dword ptr [rax], eax", "nop dword ptr [rax]"},
		{"0f1f440000", "nop dword ptr [rax+rax], eax", "nop dword ptr [rax+rax*1+0x0]"},
	} {
		in := decode(c.hex)
		if x, y := normalise(c.a, in, 0x1000), normalise(c.b, in, 0x1000); x != y {
			t.Errorf("%s: %q != %q", c.hex, x, y)
		}
	}
	in := decode("b8ffffffff")
	if x, y := normalise("mov eax, 0x1", in, 0x1000), normalise("mov eax, 0x2", in, 0x1000); x == y {
		t.Errorf("different immediates normalise alike: %q", x)
	}
}
