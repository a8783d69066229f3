package asm

import (
	"encoding/hex"
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// encodingTests is one line of assembly for every form of forms.go and
// the bytes it encodes to, in the style of wazero's instr_encoding_test.
// The bytes were checked against LLVM 19: llvm-mc --disassemble of each
// row, assembled again with llvm-mc --show-encoding, gives the same bytes
// (except where LLVM's syntax cannot say it: the imm of ldind, and the
// src of call local and call runtime, which LLVM prints as plain call).
var encodingTests = []struct {
	asm  string
	want string
}{
	{"add %r1, 0x12345678", "07 01 00 00 78 56 34 12"},
	{"add %r2, %r6", "0f 62 00 00 00 00 00 00"},
	{"sub %r3, 7", "17 03 00 00 07 00 00 00"},
	{"sub %r4, %r8", "1f 84 00 00 00 00 00 00"},
	{"mul %r5, 0x7fffffff", "27 05 00 00 ff ff ff 7f"},
	{"mul %r6, %r10", "2f a6 00 00 00 00 00 00"},
	{"div %r7, -1", "37 07 00 00 ff ff ff ff"},
	{"div %r8, %r1", "3f 18 00 00 00 00 00 00"},
	{"sdiv %r9, 0x80000000", "37 09 01 00 00 00 00 80"},
	{"sdiv %r10, %r3", "3f 3a 01 00 00 00 00 00"},
	{"or %r1, 0x12345678", "47 01 00 00 78 56 34 12"},
	{"or %r2, %r5", "4f 52 00 00 00 00 00 00"},
	{"and %r3, 7", "57 03 00 00 07 00 00 00"},
	{"and %r4, %r7", "5f 74 00 00 00 00 00 00"},
	{"lsh %r5, 0x7fffffff", "67 05 00 00 ff ff ff 7f"},
	{"lsh %r6, %r9", "6f 96 00 00 00 00 00 00"},
	{"rsh %r7, -1", "77 07 00 00 ff ff ff ff"},
	{"rsh %r8, %r0", "7f 08 00 00 00 00 00 00"},
	{"mod %r9, 0x80000000", "97 09 00 00 00 00 00 80"},
	{"mod %r10, %r2", "9f 2a 00 00 00 00 00 00"},
	{"smod %r1, 0x12345678", "97 01 01 00 78 56 34 12"},
	{"smod %r2, %r4", "9f 42 01 00 00 00 00 00"},
	{"xor %r3, 7", "a7 03 00 00 07 00 00 00"},
	{"xor %r4, %r6", "af 64 00 00 00 00 00 00"},
	{"mov %r5, 0x7fffffff", "b7 05 00 00 ff ff ff 7f"},
	{"mov %r6, %r8", "bf 86 00 00 00 00 00 00"},
	{"arsh %r7, -1", "c7 07 00 00 ff ff ff ff"},
	{"arsh %r8, %r10", "cf a8 00 00 00 00 00 00"},
	{"neg %r9", "87 09 00 00 00 00 00 00"},
	{"add32 %r10, 0x7fffffff", "04 0a 00 00 ff ff ff 7f"},
	{"add32 %r1, %r2", "0c 21 00 00 00 00 00 00"},
	{"sub32 %r2, -1", "14 02 00 00 ff ff ff ff"},
	{"sub32 %r3, %r4", "1c 43 00 00 00 00 00 00"},
	{"mul32 %r4, 0x80000000", "24 04 00 00 00 00 00 80"},
	{"mul32 %r5, %r6", "2c 65 00 00 00 00 00 00"},
	{"div32 %r6, 0x12345678", "34 06 00 00 78 56 34 12"},
	{"div32 %r7, %r8", "3c 87 00 00 00 00 00 00"},
	{"sdiv32 %r8, 7", "34 08 01 00 07 00 00 00"},
	{"sdiv32 %r9, %r10", "3c a9 01 00 00 00 00 00"},
	{"or32 %r10, 0x7fffffff", "44 0a 00 00 ff ff ff 7f"},
	{"or32 %r1, %r1", "4c 11 00 00 00 00 00 00"},
	{"and32 %r2, -1", "54 02 00 00 ff ff ff ff"},
	{"and32 %r3, %r3", "5c 33 00 00 00 00 00 00"},
	{"lsh32 %r4, 0x80000000", "64 04 00 00 00 00 00 80"},
	{"lsh32 %r5, %r5", "6c 55 00 00 00 00 00 00"},
	{"rsh32 %r6, 0x12345678", "74 06 00 00 78 56 34 12"},
	{"rsh32 %r7, %r7", "7c 77 00 00 00 00 00 00"},
	{"mod32 %r8, 7", "94 08 00 00 07 00 00 00"},
	{"mod32 %r9, %r9", "9c 99 00 00 00 00 00 00"},
	{"smod32 %r10, 0x7fffffff", "94 0a 01 00 ff ff ff 7f"},
	{"smod32 %r1, %r0", "9c 01 01 00 00 00 00 00"},
	{"xor32 %r2, -1", "a4 02 00 00 ff ff ff ff"},
	{"xor32 %r3, %r2", "ac 23 00 00 00 00 00 00"},
	{"mov32 %r4, 0x80000000", "b4 04 00 00 00 00 00 80"},
	{"mov32 %r5, %r4", "bc 45 00 00 00 00 00 00"},
	{"arsh32 %r6, 0x12345678", "c4 06 00 00 78 56 34 12"},
	{"arsh32 %r7, %r6", "cc 67 00 00 00 00 00 00"},
	{"neg32 %r8", "84 08 00 00 00 00 00 00"},
	{"movsx864 %r9, %r8", "bf 89 08 00 00 00 00 00"},
	{"movsx1664 %r10, %r9", "bf 9a 10 00 00 00 00 00"},
	{"movsx3264 %r1, %r10", "bf a1 20 00 00 00 00 00"},
	{"movsx832 %r2, %r0", "bc 02 08 00 00 00 00 00"},
	{"movsx1632 %r3, %r1", "bc 13 10 00 00 00 00 00"},
	{"le16 %r4", "d4 04 00 00 10 00 00 00"},
	{"be16 %r5", "dc 05 00 00 10 00 00 00"},
	{"bswap16 %r6", "d7 06 00 00 10 00 00 00"},
	{"swap16 %r7", "d7 07 00 00 10 00 00 00"},
	{"le32 %r8", "d4 08 00 00 20 00 00 00"},
	{"be32 %r9", "dc 09 00 00 20 00 00 00"},
	{"bswap32 %r10", "d7 0a 00 00 20 00 00 00"},
	{"swap32 %r1", "d7 01 00 00 20 00 00 00"},
	{"le64 %r2", "d4 02 00 00 40 00 00 00"},
	{"be64 %r3", "dc 03 00 00 40 00 00 00"},
	{"bswap64 %r4", "d7 04 00 00 40 00 00 00"},
	{"swap64 %r5", "d7 05 00 00 40 00 00 00"},
	{"lddw %r6, 0x123456789abcdef0", "18 06 00 00 f0 de bc 9a 00 00 00 00 78 56 34 12"},
	{"ldxb %r7, [%r4+16]", "71 47 10 00 00 00 00 00"},
	{"stb [%r8+32767], 7", "72 08 ff 7f 07 00 00 00"},
	{"stxb [%r9-32768], %r6", "73 69 00 80 00 00 00 00"},
	{"ldxsb %r10, [%r7+2]", "91 7a 02 00 00 00 00 00"},
	{"ldabsb 0x12345678", "30 00 00 00 78 56 34 12"},
	{"ldindb %r9, -1", "50 90 00 00 ff ff ff ff"},
	{"ldxh %r3, [%r10+32767]", "69 a3 ff 7f 00 00 00 00"},
	{"sth [%r4-32768], 0x80000000", "6a 04 00 80 00 00 00 80"},
	{"stxh [%r5+2], %r1", "6b 15 02 00 00 00 00 00"},
	{"ldxsh %r6, [%r2-8]", "89 26 f8 ff 00 00 00 00"},
	{"ldabsh -1", "28 00 00 00 ff ff ff ff"},
	{"ldindh %r4, 7", "48 40 00 00 07 00 00 00"},
	{"ldxw %r9, [%r5-32768]", "61 59 00 80 00 00 00 00"},
	{"stw [%r10+2], 0x7fffffff", "62 0a 02 00 ff ff ff 7f"},
	{"stxw [%r1-8], %r7", "63 71 f8 ff 00 00 00 00"},
	{"ldxsw %r2, [%r8+16]", "81 82 10 00 00 00 00 00"},
	{"ldabsw 7", "20 00 00 00 07 00 00 00"},
	{"ldindw %r10, 0x80000000", "40 a0 00 00 00 00 00 80"},
	{"ldxdw %r5, [%r0+2]", "79 05 02 00 00 00 00 00"},
	{"stdw [%r6-8], 0x12345678", "7a 06 f8 ff 78 56 34 12"},
	{"stxdw [%r7+16], %r2", "7b 27 10 00 00 00 00 00"},
	{"lock add [%r8+32767], %r3", "db 38 ff 7f 00 00 00 00"},
	{"lock or [%r9-32768], %r4", "db 49 00 80 40 00 00 00"},
	{"lock and [%r10+2], %r5", "db 5a 02 00 50 00 00 00"},
	{"lock xor [%r1-8], %r6", "db 61 f8 ff a0 00 00 00"},
	{"lock fetch add [%r2+16], %r7", "db 72 10 00 01 00 00 00"},
	{"lock fetch or [%r3+32767], %r8", "db 83 ff 7f 41 00 00 00"},
	{"lock fetch and [%r4-32768], %r9", "db 94 00 80 51 00 00 00"},
	{"lock fetch xor [%r5+2], %r10", "db a5 02 00 a1 00 00 00"},
	{"lock xchg [%r6-8], %r0", "db 06 f8 ff e1 00 00 00"},
	{"lock cmpxchg [%r7+16], %r1", "db 17 10 00 f1 00 00 00"},
	{"lock fetch xchg [%r8+32767], %r2", "db 28 ff 7f e1 00 00 00"},
	{"lock fetch cmpxchg [%r9-32768], %r3", "db 39 00 80 f1 00 00 00"},
	{"lock add32 [%r10+2], %r4", "c3 4a 02 00 00 00 00 00"},
	{"lock or32 [%r1-8], %r5", "c3 51 f8 ff 40 00 00 00"},
	{"lock and32 [%r2+16], %r6", "c3 62 10 00 50 00 00 00"},
	{"lock xor32 [%r3+32767], %r7", "c3 73 ff 7f a0 00 00 00"},
	{"lock fetch add32 [%r4-32768], %r8", "c3 84 00 80 01 00 00 00"},
	{"lock fetch or32 [%r5+2], %r9", "c3 95 02 00 41 00 00 00"},
	{"lock fetch and32 [%r6-8], %r10", "c3 a6 f8 ff 51 00 00 00"},
	{"lock fetch xor32 [%r7+16], %r0", "c3 07 10 00 a1 00 00 00"},
	{"lock xchg32 [%r8+32767], %r1", "c3 18 ff 7f e1 00 00 00"},
	{"lock cmpxchg32 [%r9-32768], %r2", "c3 29 00 80 f1 00 00 00"},
	{"lock fetch xchg32 [%r10+2], %r3", "c3 3a 02 00 e1 00 00 00"},
	{"lock fetch cmpxchg32 [%r1-8], %r4", "c3 41 f8 ff f1 00 00 00"},
	{"jeq %r2, -1, +16", "15 02 10 00 ff ff ff ff"},
	{"jeq %r3, %r6, +32767", "1d 63 ff 7f 00 00 00 00"},
	{"jgt %r4, 0x80000000, -32768", "25 04 00 80 00 00 00 80"},
	{"jgt %r5, %r8, +2", "2d 85 02 00 00 00 00 00"},
	{"jge %r6, 0x12345678, -8", "35 06 f8 ff 78 56 34 12"},
	{"jge %r7, %r10, +16", "3d a7 10 00 00 00 00 00"},
	{"jset %r8, 7, +32767", "45 08 ff 7f 07 00 00 00"},
	{"jset %r9, %r1, -32768", "4d 19 00 80 00 00 00 00"},
	{"jne %r10, 0x7fffffff, +2", "55 0a 02 00 ff ff ff 7f"},
	{"jne %r1, %r3, -8", "5d 31 f8 ff 00 00 00 00"},
	{"jsgt %r2, -1, +16", "65 02 10 00 ff ff ff ff"},
	{"jsgt %r3, %r5, +32767", "6d 53 ff 7f 00 00 00 00"},
	{"jsge %r4, 0x80000000, -32768", "75 04 00 80 00 00 00 80"},
	{"jsge %r5, %r7, +2", "7d 75 02 00 00 00 00 00"},
	{"jlt %r6, 0x12345678, -8", "a5 06 f8 ff 78 56 34 12"},
	{"jlt %r7, %r9, +16", "ad 97 10 00 00 00 00 00"},
	{"jle %r8, 7, +32767", "b5 08 ff 7f 07 00 00 00"},
	{"jle %r9, %r0, -32768", "bd 09 00 80 00 00 00 00"},
	{"jslt %r10, 0x7fffffff, +2", "c5 0a 02 00 ff ff ff 7f"},
	{"jslt %r1, %r2, -8", "cd 21 f8 ff 00 00 00 00"},
	{"jsle %r2, -1, +16", "d5 02 10 00 ff ff ff ff"},
	{"jsle %r3, %r4, +32767", "dd 43 ff 7f 00 00 00 00"},
	{"jeq32 %r4, 0x80000000, -32768", "16 04 00 80 00 00 00 80"},
	{"jeq32 %r5, %r6, +2", "1e 65 02 00 00 00 00 00"},
	{"jgt32 %r6, 0x12345678, -8", "26 06 f8 ff 78 56 34 12"},
	{"jgt32 %r7, %r8, +16", "2e 87 10 00 00 00 00 00"},
	{"jge32 %r8, 7, +32767", "36 08 ff 7f 07 00 00 00"},
	{"jge32 %r9, %r10, -32768", "3e a9 00 80 00 00 00 00"},
	{"jset32 %r10, 0x7fffffff, +2", "46 0a 02 00 ff ff ff 7f"},
	{"jset32 %r1, %r1, -8", "4e 11 f8 ff 00 00 00 00"},
	{"jne32 %r2, -1, +16", "56 02 10 00 ff ff ff ff"},
	{"jne32 %r3, %r3, +32767", "5e 33 ff 7f 00 00 00 00"},
	{"jsgt32 %r4, 0x80000000, -32768", "66 04 00 80 00 00 00 80"},
	{"jsgt32 %r5, %r5, +2", "6e 55 02 00 00 00 00 00"},
	{"jsge32 %r6, 0x12345678, -8", "76 06 f8 ff 78 56 34 12"},
	{"jsge32 %r7, %r7, +16", "7e 77 10 00 00 00 00 00"},
	{"jlt32 %r8, 7, +32767", "a6 08 ff 7f 07 00 00 00"},
	{"jlt32 %r9, %r9, -32768", "ae 99 00 80 00 00 00 00"},
	{"jle32 %r10, 0x7fffffff, +2", "b6 0a 02 00 ff ff ff 7f"},
	{"jle32 %r1, %r0, -8", "be 01 f8 ff 00 00 00 00"},
	{"jslt32 %r2, -1, +16", "c6 02 10 00 ff ff ff ff"},
	{"jslt32 %r3, %r2, +32767", "ce 23 ff 7f 00 00 00 00"},
	{"jsle32 %r4, 0x80000000, -32768", "d6 04 00 80 00 00 00 80"},
	{"jsle32 %r5, %r4, +2", "de 45 02 00 00 00 00 00"},
	{"ja -8", "05 00 f8 ff 00 00 00 00"},
	{"ja32 -1", "06 00 00 00 ff ff ff ff"},
	{"gotol +7", "06 00 00 00 07 00 00 00"},
	{"call 0x80000000", "85 00 00 00 00 00 00 80"},
	{"call helper 0x7fffffff", "85 00 00 00 ff ff ff 7f"},
	{"call local +305419896", "85 10 00 00 78 56 34 12"},
	{"call runtime -1", "85 20 00 00 ff ff ff ff"},
	{"call %r3", "8d 03 00 00 00 00 00 00"},
	{"call helper %r4", "8d 04 00 00 00 00 00 00"},
	{"callx %r5", "8d 05 00 00 00 00 00 00"},
	{"exit", "95 00 00 00 00 00 00 00"},
}

func TestAssembleEncoding(t *testing.T) {
	covered := map[*form]bool{}
	for _, tt := range encodingTests {
		insns, err := Assemble(tt.asm)
		if err != nil {
			t.Errorf("Assemble(%q): %v", tt.asm, err)
			continue
		}
		got := hex.EncodeToString(ebpf.Encode(nil, insns))
		if want := strings.ReplaceAll(tt.want, " ", ""); got != want {
			t.Errorf("Assemble(%q) = %s, want %s", tt.asm, got, want)
		}
		st, _ := parseLine(1, tt.asm)
		f, _ := chooseForm(&st)
		covered[f] = true
	}
	for _, f := range allForms {
		if !covered[f] {
			t.Errorf("no encoding test for %s (opcode %#02x)", f.syntax(), f.op)
		}
	}
}

// syntaxTests are spellings the corpora use, or that the syntax allows,
// beyond the one line per form above.
var syntaxTests = []struct {
	name string
	asm  string
	want []string // 8-byte slots in hex
}{
	{"comments", "mov %r0, 1 # one\n// nothing\nexit // done", []string{"b700000001000000", "9500000000000000"}},
	{"blank lines and tabs", "\n\t mov\t%r0 ,  1\n\n", []string{"b700000001000000"}},
	{"crlf", "mov %r0, 1\r\nexit\r\n", []string{"b700000001000000", "9500000000000000"}},
	{"memory without offset", "ldxw %r0, [%r1]", []string{"6110000000000000"}},
	{"memory with spaces", "ldxw %r0, [ %r1 + 4 ]", []string{"6110040000000000"}},
	{"hex offset", "ldxb %r2, [%r2+0x80]", []string{"7122800000000000"}},
	{"hex offset as bit pattern", "ldxb %r2, [%r2+0xffff]", []string{"7122ffff00000000"}},
	{"negative hex offset", "ldxb %r2, [%r2-0x8]", []string{"7122f8ff00000000"}},
	{"uppercase hex", "mov %r0, 0xFFFFFFFF", []string{"b7000000ffffffff"}},
	{"explicit plus immediate", "mov %r0, +5", []string{"b700000005000000"}},
	{"negative hex immediate", "mov %r0, -0x10", []string{"b7000000f0ffffff"}},
	{"most negative immediate", "mov %r0, -2147483648", []string{"b700000000000080"}},
	{"lddw negative", "lddw %r1, -1", []string{"18010000ffffffff", "00000000ffffffff"}},
	{"lddw unsigned decimal", "lddw %r1, 18446744073709551615", []string{"18010000ffffffff", "00000000ffffffff"}},
	{"unsigned jump offset", "ja 2", []string{"0500020000000000"}},
	{"hex jump offset", "ja +0x10", []string{"0500100000000000"}},
	{"label forward", "ja out\nmov %r0, 1\nout:\nexit", []string{"0500010000000000", "b700000001000000", "9500000000000000"}},
	{"label backward", "top: mov %r0, 1\njne %r0, 2, top", []string{"b700000001000000", "5500feff02000000"}},
	{"label counts lddw slots", "ja out\nlddw %r0, 1\nout: exit", []string{"0500020000000000", "1800000001000000", "0000000000000000", "9500000000000000"}},
	{"label on its own line before lddw", "jeq %r1, %r2, l\nl:\nlddw %r0, 1", []string{"1d21000000000000", "1800000001000000", "0000000000000000"}},
	{"two labels one slot", "a: b: exit\nja a\nja b", []string{"9500000000000000", "0500feff00000000", "0500fdff00000000"}},
	{"label at the end", "ja end\nend:", []string{"0500000000000000"}},
	{"exit names the first exit", "jne %r0, %r1, exit\nmov %r0, 1\nexit\nexit", []string{"5d10010000000000", "b700000001000000", "9500000000000000", "9500000000000000"}},
	{"exit label defined wins", "jne %r0, %r1, exit\nexit\nexit: mov %r0, 1", []string{"5d10010000000000", "9500000000000000", "b700000001000000"}},
	{"ja32 to label", "ja32 L2\nL1:\nexit\nL2:\nja32 L1", []string{"0600000001000000", "9500000000000000", "06000000feffffff"}},
	{"call local to label", "call local f\nexit\nf:\nexit", []string{"8510000001000000", "9500000000000000", "9500000000000000"}},
	{"call local unsigned", "call local 3", []string{"8510000003000000"}},
	{"call hex", "call 0x4", []string{"8500000004000000"}},
	{"lock with comment", "lock cmpxchg [%r10-8], %r1 # compare %r0", []string{"db1af8fff1000000"}},
	{"register r11 encodes", "mov %r11, 1", []string{"b70b000001000000"}},
	{"label with dot and digits", ".L1_x: exit\nja .L1_x", []string{"9500000000000000", "0500feff00000000"}},
}

func TestAssembleSyntax(t *testing.T) {
	for _, tt := range syntaxTests {
		insns, err := Assemble(tt.asm)
		if err != nil {
			t.Errorf("%s: Assemble(%q): %v", tt.name, tt.asm, err)
			continue
		}
		code := ebpf.Encode(nil, insns)
		var got []string
		for i := 0; i < len(code); i += 8 {
			got = append(got, hex.EncodeToString(code[i:i+8]))
		}
		if strings.Join(got, " ") != strings.Join(tt.want, " ") {
			t.Errorf("%s: Assemble(%q) =\n %v\nwant\n %v", tt.name, tt.asm, got, tt.want)
		}
	}
}

// errorTests are programs Assemble must reject, with the line it must
// name and words the message must hold.
var errorTests = []struct {
	asm  string
	line int
	want string
}{
	{"", 0, "no instructions"},
	{"# only a comment\nlabel:", 0, "no instructions"},
	{"mov %r0, 1\nldxq %r0, %r1", 2, `unknown mnemonic "ldxq"`},
	{"lock", 1, "wrong number of operands for lock"},
	{"lock or [%r10-8]", 1, "wrong number of operands for lock or"},
	{"lock fetch", 1, "wrong number of operands for lock"},
	{"lock sub [%r10-8], %r1", 1, `unknown mnemonic "lock sub"`},
	{"lock fetch xor [%r10-8], 1", 1, "wrong operands for lock fetch xor"},
	{"mov32 %r0, 2147483648", 1, "immediate out of 32-bit range: 2147483648"},
	{"mov32 %r0, 0x100000000", 1, "immediate out of 32-bit range: 0x100000000"},
	{"mov32 %r0, -2147483649", 1, "immediate out of 32-bit range"},
	{"mov32 %r0, -0x80000001", 1, "immediate out of 32-bit range"},
	{"ja NOT_A_LABEL\nexit", 1, `undefined label "NOT_A_LABEL"`},
	{"jeq %r0, 0, nowhere", 1, `undefined label "nowhere"`},
	{"ldxb %r0, %r1", 1, "wrong operands for ldxb"},
	{"ldxb %r0, [%r1+0x10000]", 1, "offset out of 16-bit range: +0x10000"},
	{"ldxb %r0, [%r1+32768]", 1, "offset out of 16-bit range"},
	{"ldxb %r0, [%r1-32769]", 1, "offset out of 16-bit range"},
	{"ldxb %r0, [%r1 4]", 1, "missing ']'"},
	{"ldxb %r0, [4]", 1, "memory operand must be"},
	{"lddw %r0", 1, "wrong number of operands for lddw"},
	{"lddw %r0, -18446744073709551615", 1, "64-bit range"},
	{"mov %r0, 18446744073709551616", 1, "does not fit in 64 bits"},
	{"or %r0, %r50", 1, "invalid register %r50"},
	{"or %r0, %x1", 1, "invalid register"},
	{"or %r0, %r", 1, "invalid register"},
	{"or %r0 %r1", 1, "expected ','"},
	{"or %r0,", 1, "missing operand"},
	{"or %r0, , %r1", 1, "where an operand belongs"},
	{"mov %r0, 12ab", 1, "bad number"},
	{"mov %r0, 0x", 1, "bad number"},
	{"mov %r0, 1 ; comment", 1, "unexpected character ';'"},
	{"1: exit", 1, "expected a mnemonic or a label"},
	{"a: exit\na: exit", 2, `label "a" already defined on line 1`},
	{"neg %r0, 1", 1, "wrong number of operands for neg"},
	{"be16 %r0, 16", 1, "wrong number of operands for be16"},
	{"be48 %r0", 1, `unknown mnemonic "be48"`},
	{"movsx3232 %r0, %r1", 1, `unknown mnemonic "movsx3232"`},
	{"movsx864 %r0, 1", 1, "wrong operands for movsx864"},
	{"ldxsdw %r0, [%r1]", 1, `unknown mnemonic "ldxsdw"`},
	{"add %r0, [%r1]", 1, "wrong operands for add: got register, memory operand"},
	{"jeq %r0, 1", 1, "wrong number of operands for jeq"},
	{"ja +32768", 1, "jump offset out of 16-bit range"},
	{"call local +0x100000000", 1, "jump immediate out of 32-bit range"},
	{"call remote 1", 1, "expected ',' after operand 1"},
	{"exit %r0", 1, "wrong number of operands for exit"},
	{".invalid 0x00000000000000ff # unknown opcode 0xff", 1, ".invalid marks a word the disassembler found malformed"},
	{"mov %r0, 1\nja far\n" + strings.Repeat("exit\n", 40000) + "far: exit", 2, "does not fit in the 16-bit offset"},
}

func TestAssembleErrors(t *testing.T) {
	for _, tt := range errorTests {
		_, err := Assemble(tt.asm)
		if err == nil {
			t.Errorf("Assemble(%.40q) succeeded, want an error with %q", tt.asm, tt.want)
			continue
		}
		if !strings.Contains(err.Error(), tt.want) {
			t.Errorf("Assemble(%.40q) = %v, want an error with %q", tt.asm, err, tt.want)
		}
		var ae *Error
		if tt.line == 0 {
			if !errors.Is(err, ErrEmpty) {
				t.Errorf("Assemble(%.40q) = %v, want ErrEmpty", tt.asm, err)
			}
		} else if !errors.As(err, &ae) || ae.Line != tt.line {
			t.Errorf("Assemble(%.40q) = %v, want an *Error on line %d", tt.asm, err, tt.line)
		}
	}
}
