package amd64

import (
	"encoding/hex"
	"math"
	"testing"
)

// encodingCase is one row of the encoding table: the Intel-syntax text that
// GNU as accepts, the bytes it made of it, and the calls that must make
// the same bytes.
//
// How the bytes were made, by hand, while writing the table (binutils 2.40,
// Debian 12): each asm text, with ';' turned into newlines, after
// ".intel_syntax noprefix", through `as --64` and `objcopy -O binary -j
// .text`. The "{disp8}"/"{disp32}" pseudo-prefixes ask as for the
// displacement size we chose where as would otherwise pick another (the
// NOPs' zero displacements, rel32 forward jumps). The test does not run as.
// TestTableDecodes checks each text against x86asm's reading of the bytes.
type encodingCase struct {
	asm  string
	hex  string
	emit func(a *Assembler)
}

// mem is [base+disp]; memX is [base+index*scale+disp].
func mem(base Reg, disp int32) Mem { return Mem{Base: base, Disp: disp} }
func memX(base, index Reg, scale uint8, disp int32) Mem {
	return Mem{Base: base, Index: index, Scale: scale, Disp: disp}
}

// ripLabel is [rip+l+disp].
func ripLabel(l Label, disp int32) Mem {
	m := RIPLabel(l)
	m.Disp = disp
	return m
}

var encodingTable = []encodingCase{
	// mem.go: every displacement size and the special bases, through a
	// 64-bit load.
	{"mov rax, qword ptr [rax]", "488b00", func(a *Assembler) { a.MovRM(W64, RAX, mem(RAX, 0)) }},
	{"mov rax, qword ptr [rcx+0x8]", "488b4108", func(a *Assembler) { a.MovRM(W64, RAX, mem(RCX, 8)) }},
	{"mov rax, qword ptr [rdx-0x8]", "488b42f8", func(a *Assembler) { a.MovRM(W64, RAX, mem(RDX, -8)) }},
	{"mov rax, qword ptr [rbx+0x7f]", "488b437f", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBX, 127)) }},
	{"mov rax, qword ptr [rbx+0x80]", "488b8380000000", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBX, 128)) }},
	{"mov rax, qword ptr [rbx-0x80]", "488b4380", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBX, -128)) }},
	{"mov rax, qword ptr [rbx-0x81]", "488b837fffffff", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBX, -129)) }},
	{"mov rax, qword ptr [rsi+0x7fffffff]", "488b86ffffff7f", func(a *Assembler) { a.MovRM(W64, RAX, mem(RSI, math.MaxInt32)) }},
	{"mov rax, qword ptr [rdi-0x80000000]", "488b8700000080", func(a *Assembler) { a.MovRM(W64, RAX, mem(RDI, math.MinInt32)) }},
	{"mov rax, qword ptr [rsp]", "488b0424", func(a *Assembler) { a.MovRM(W64, RAX, mem(RSP, 0)) }},
	{"mov rax, qword ptr [rsp+0x8]", "488b442408", func(a *Assembler) { a.MovRM(W64, RAX, mem(RSP, 8)) }},
	{"mov rax, qword ptr [rsp+0x1000]", "488b842400100000", func(a *Assembler) { a.MovRM(W64, RAX, mem(RSP, 0x1000)) }},
	{"mov rax, qword ptr [r12]", "498b0424", func(a *Assembler) { a.MovRM(W64, RAX, mem(R12, 0)) }},
	{"mov rax, qword ptr [r12-0x10]", "498b4424f0", func(a *Assembler) { a.MovRM(W64, RAX, mem(R12, -16)) }},
	{"mov rax, qword ptr [rbp]", "488b4500", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBP, 0)) }},
	{"mov rax, qword ptr [rbp+0x8]", "488b4508", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBP, 8)) }},
	{"mov rax, qword ptr [rbp-0x1000]", "488b8500f0ffff", func(a *Assembler) { a.MovRM(W64, RAX, mem(RBP, -0x1000)) }},
	{"mov rax, qword ptr [r13]", "498b4500", func(a *Assembler) { a.MovRM(W64, RAX, mem(R13, 0)) }},
	{"mov rax, qword ptr [r13+0x10]", "498b4510", func(a *Assembler) { a.MovRM(W64, RAX, mem(R13, 16)) }},
	{"mov r15, qword ptr [r8]", "4d8b38", func(a *Assembler) { a.MovRM(W64, R15, mem(R8, 0)) }},
	{"mov r9, qword ptr [r14+0x20]", "4d8b4e20", func(a *Assembler) { a.MovRM(W64, R9, mem(R14, 32)) }},
	{"mov rax, qword ptr [rax+rcx]", "488b0408", func(a *Assembler) { a.MovRM(W64, RAX, memX(RAX, RCX, 1, 0)) }},
	{"mov rax, qword ptr [rdi+2*rsi+0x8]", "488b447708", func(a *Assembler) { a.MovRM(W64, RAX, memX(RDI, RSI, 2, 8)) }},
	{"mov rax, qword ptr [rdi+4*rcx-0x4]", "488b448ffc", func(a *Assembler) { a.MovRM(W64, RAX, memX(RDI, RCX, 4, -4)) }},
	{"mov rax, qword ptr [rdx+8*rbx+0x100]", "488b84da00010000", func(a *Assembler) { a.MovRM(W64, RAX, memX(RDX, RBX, 8, 0x100)) }},
	{"mov rax, qword ptr [rsp+8*rbp]", "488b04ec", func(a *Assembler) { a.MovRM(W64, RAX, memX(RSP, RBP, 8, 0)) }},
	{"mov rax, qword ptr [rbp+8*rax]", "488b44c500", func(a *Assembler) { a.MovRM(W64, RAX, memX(RBP, RAX, 8, 0)) }},
	{"mov rax, qword ptr [r13+2*r9]", "4b8b444d00", func(a *Assembler) { a.MovRM(W64, RAX, memX(R13, R9, 2, 0)) }},
	{"mov rax, qword ptr [r12+8*r12]", "4b8b04e4", func(a *Assembler) { a.MovRM(W64, RAX, memX(R12, R12, 8, 0)) }},
	{"mov rax, qword ptr [rsp+r12]", "4a8b0424", func(a *Assembler) { a.MovRM(W64, RAX, memX(RSP, R12, 1, 0)) }},
	{"mov r10, qword ptr [r8+8*r15-0x12345678]", "4f8b94f888a9cbed", func(a *Assembler) { a.MovRM(W64, R10, memX(R8, R15, 8, -0x12345678)) }},
	{"mov rax, qword ptr [rip+0x10]", "488b0510000000", func(a *Assembler) { a.MovRM(W64, RAX, RIP(16)) }},
	{"mov rax, qword ptr [rip-0x4]", "488b05fcffffff", func(a *Assembler) { a.MovRM(W64, RAX, RIP(-4)) }},
	{"mov r8, qword ptr [rip]", "4c8b0500000000", func(a *Assembler) { a.MovRM(W64, R8, RIP(0)) }},

	// RIP-relative labels: the displacement counts from the end of the
	// instruction, after its immediate.
	{"lea rax, [rip+0x1]; int3", "488d0501000000cc", func(a *Assembler) {
		l := a.NewLabel()
		a.Lea(W64, RAX, RIPLabel(l))
		a.Int3()
		a.Bind(l)
	}},
	{"nop; lea rcx, [rip-0x8]", "90488d0df8ffffff", func(a *Assembler) {
		l := a.NewLabel()
		a.Bind(l)
		a.Nop(1)
		a.Lea(W64, RCX, RIPLabel(l))
	}},
	{"cmp qword ptr [rip+0x0], 0x1000", "48813d0000000000100000", func(a *Assembler) {
		l := a.NewLabel()
		a.ALUMI(Cmp, W64, RIPLabel(l), 0x1000)
		a.Bind(l)
	}},
	{"mov byte ptr [rip+0x8], 0x1", "c6050800000001", func(a *Assembler) {
		l := a.NewLabel()
		a.MovMI(W8, ripLabel(l, 8), 1)
		a.Bind(l)
	}},

	// encode_mov.go: loads and stores of every width, byte registers.
	{"mov eax, dword ptr [rdi]", "8b07", func(a *Assembler) { a.MovRM(W32, RAX, mem(RDI, 0)) }},
	{"mov r8d, dword ptr [rdi+0x4]", "448b4704", func(a *Assembler) { a.MovRM(W32, R8, mem(RDI, 4)) }},
	{"mov ax, word ptr [rdi]", "668b07", func(a *Assembler) { a.MovRM(W16, RAX, mem(RDI, 0)) }},
	{"mov r9w, word ptr [rbp]", "66448b4d00", func(a *Assembler) { a.MovRM(W16, R9, mem(RBP, 0)) }},
	{"mov al, byte ptr [rdi]", "8a07", func(a *Assembler) { a.MovRM(W8, RAX, mem(RDI, 0)) }},
	{"mov bl, byte ptr [rdi]", "8a1f", func(a *Assembler) { a.MovRM(W8, RBX, mem(RDI, 0)) }},
	{"mov sil, byte ptr [rdi]", "408a37", func(a *Assembler) { a.MovRM(W8, RSI, mem(RDI, 0)) }},
	{"mov dil, byte ptr [r8]", "418a38", func(a *Assembler) { a.MovRM(W8, RDI, mem(R8, 0)) }},
	{"mov r12b, byte ptr [rsp]", "448a2424", func(a *Assembler) { a.MovRM(W8, R12, mem(RSP, 0)) }},
	{"mov qword ptr [rdi+0x8], rax", "48894708", func(a *Assembler) { a.MovMR(W64, mem(RDI, 8), RAX) }},
	{"mov qword ptr [rsp], r15", "4c893c24", func(a *Assembler) { a.MovMR(W64, mem(RSP, 0), R15) }},
	{"mov dword ptr [rdi], ecx", "890f", func(a *Assembler) { a.MovMR(W32, mem(RDI, 0), RCX) }},
	{"mov word ptr [rsi], dx", "668916", func(a *Assembler) { a.MovMR(W16, mem(RSI, 0), RDX) }},
	{"mov word ptr [r12], r13w", "6645892c24", func(a *Assembler) { a.MovMR(W16, mem(R12, 0), R13) }},
	{"mov byte ptr [rax], al", "8800", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RAX) }},
	{"mov byte ptr [rax], bl", "8818", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RBX) }},
	{"mov byte ptr [rax], spl", "408820", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RSP) }},
	{"mov byte ptr [rax], bpl", "408828", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RBP) }},
	{"mov byte ptr [rax], sil", "408830", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RSI) }},
	{"mov byte ptr [rax], dil", "408838", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), RDI) }},
	{"mov byte ptr [rax], r8b", "448800", func(a *Assembler) { a.MovMR(W8, mem(RAX, 0), R8) }},
	{"mov byte ptr [r13], bl", "41885d00", func(a *Assembler) { a.MovMR(W8, mem(R13, 0), RBX) }},
	{"mov qword ptr [rdi], 0x1", "48c70701000000", func(a *Assembler) { a.MovMI(W64, mem(RDI, 0), 1) }},
	{"mov qword ptr [rdi+0x8], -0x1", "48c74708ffffffff", func(a *Assembler) { a.MovMI(W64, mem(RDI, 8), -1) }},
	{"mov dword ptr [rsp+0x4], 0x12345678", "c744240478563412", func(a *Assembler) { a.MovMI(W32, mem(RSP, 4), 0x12345678) }},
	{"mov word ptr [rbp], 0x1234", "66c745003412", func(a *Assembler) { a.MovMI(W16, mem(RBP, 0), 0x1234) }},
	{"mov byte ptr [r12], 0xff", "41c60424ff", func(a *Assembler) { a.MovMI(W8, mem(R12, 0), 0xff) }},
	{"mov byte ptr [rax], 0xff", "c600ff", func(a *Assembler) { a.MovMI(W8, mem(RAX, 0), -1) }},

	// Register to register.
	{"mov rcx, rax", "4889c1", func(a *Assembler) { a.MovRR(W64, RCX, RAX) }},
	{"mov rax, r15", "4c89f8", func(a *Assembler) { a.MovRR(W64, RAX, R15) }},
	{"mov r12, r13", "4d89ec", func(a *Assembler) { a.MovRR(W64, R12, R13) }},
	{"mov ecx, eax", "89c1", func(a *Assembler) { a.MovRR(W32, RCX, RAX) }},
	{"mov r8d, eax", "4189c0", func(a *Assembler) { a.MovRR(W32, R8, RAX) }},
	{"mov cx, ax", "6689c1", func(a *Assembler) { a.MovRR(W16, RCX, RAX) }},
	{"mov r9w, r10w", "664589d1", func(a *Assembler) { a.MovRR(W16, R9, R10) }},
	{"mov cl, al", "88c1", func(a *Assembler) { a.MovRR(W8, RCX, RAX) }},
	{"mov sil, dil", "4088fe", func(a *Assembler) { a.MovRR(W8, RSI, RDI) }},
	{"mov spl, r8b", "4488c4", func(a *Assembler) { a.MovRR(W8, RSP, R8) }},
	{"mov al, bpl", "4088e8", func(a *Assembler) { a.MovRR(W8, RAX, RBP) }},

	// Constants: the shortest form for each range.
	{"mov eax, 0x0", "b800000000", func(a *Assembler) { a.MovRI(W64, RAX, 0) }},
	{"mov ecx, 0x1", "b901000000", func(a *Assembler) { a.MovRI(W64, RCX, 1) }},
	{"mov r8d, 0x7fffffff", "41b8ffffff7f", func(a *Assembler) { a.MovRI(W64, R8, math.MaxInt32) }},
	{"mov edx, 0xffffffff", "baffffffff", func(a *Assembler) { a.MovRI(W64, RDX, math.MaxUint32) }},
	{"mov r15d, 0x80000000", "41bf00000080", func(a *Assembler) { a.MovRI(W64, R15, 0x80000000) }},
	{"mov rax, -0x1", "48c7c0ffffffff", func(a *Assembler) { a.MovRI(W64, RAX, -1) }},
	{"mov r9, -0x80000000", "49c7c100000080", func(a *Assembler) { a.MovRI(W64, R9, math.MinInt32) }},
	{"mov rax, 0x100000000", "48b80000000001000000", func(a *Assembler) { a.MovRI(W64, RAX, 1<<32) }},
	{"mov r11, 0x123456789abcdef0", "49bbf0debc9a78563412", func(a *Assembler) { a.MovRI(W64, R11, 0x123456789abcdef0) }},
	{"mov rbx, -0x80000001", "48bbffffff7fffffffff", func(a *Assembler) { a.MovRI(W64, RBX, math.MinInt32-1) }},
	{"mov rax, 0x8000000000000000", "48b80000000000000080", func(a *Assembler) { a.MovRI(W64, RAX, math.MinInt64) }},
	{"mov eax, 0xffffffff", "b8ffffffff", func(a *Assembler) { a.MovRI(W32, RAX, -1) }},
	{"mov r10d, 0x12345678", "41ba78563412", func(a *Assembler) { a.MovRI(W32, R10, 0x12345678) }},
	{"mov ax, 0x1234", "66b83412", func(a *Assembler) { a.MovRI(W16, RAX, 0x1234) }},
	{"mov r8w, 0xffff", "6641b8ffff", func(a *Assembler) { a.MovRI(W16, R8, -1) }},
	{"mov sil, 0x7f", "40b67f", func(a *Assembler) { a.MovRI(W8, RSI, 0x7f) }},
	{"mov al, 0xff", "b0ff", func(a *Assembler) { a.MovRI(W8, RAX, 0xff) }},
	{"mov r9b, 0x1", "41b101", func(a *Assembler) { a.MovRI(W8, R9, 1) }},

	// Zero and sign extension.
	{"movzx eax, cl", "0fb6c1", func(a *Assembler) { a.MovzxRR(W8, RAX, RCX) }},
	{"movzx eax, sil", "400fb6c6", func(a *Assembler) { a.MovzxRR(W8, RAX, RSI) }},
	{"movzx r8d, dil", "440fb6c7", func(a *Assembler) { a.MovzxRR(W8, R8, RDI) }},
	{"movzx eax, r9b", "410fb6c1", func(a *Assembler) { a.MovzxRR(W8, RAX, R9) }},
	{"movzx esi, bl", "0fb6f3", func(a *Assembler) { a.MovzxRR(W8, RSI, RBX) }},
	{"movzx ecx, dx", "0fb7ca", func(a *Assembler) { a.MovzxRR(W16, RCX, RDX) }},
	{"movzx r10d, r11w", "450fb7d3", func(a *Assembler) { a.MovzxRR(W16, R10, R11) }},
	{"mov ecx, eax", "89c1", func(a *Assembler) { a.MovzxRR(W32, RCX, RAX) }},
	{"mov eax, eax", "89c0", func(a *Assembler) { a.MovzxRR(W32, RAX, RAX) }},
	{"movzx eax, byte ptr [rdi]", "0fb607", func(a *Assembler) { a.MovzxRM(W8, RAX, mem(RDI, 0)) }},
	{"movzx r8d, word ptr [rsp+0x2]", "440fb7442402", func(a *Assembler) { a.MovzxRM(W16, R8, mem(RSP, 2)) }},
	{"mov eax, dword ptr [r13]", "418b4500", func(a *Assembler) { a.MovzxRM(W32, RAX, mem(R13, 0)) }},
	{"movsx rax, cl", "480fbec1", func(a *Assembler) { a.MovsxRR(W8, W64, RAX, RCX) }},
	{"movsx rax, sil", "480fbec6", func(a *Assembler) { a.MovsxRR(W8, W64, RAX, RSI) }},
	{"movsx eax, r8b", "410fbec0", func(a *Assembler) { a.MovsxRR(W8, W32, RAX, R8) }},
	{"movsx ax, dil", "66400fbec7", func(a *Assembler) { a.MovsxRR(W8, W16, RAX, RDI) }},
	{"movsx rax, cx", "480fbfc1", func(a *Assembler) { a.MovsxRR(W16, W64, RAX, RCX) }},
	{"movsx r9d, word ptr [rdi]", "440fbf0f", func(a *Assembler) { a.MovsxRM(W16, W32, R9, mem(RDI, 0)) }},
	{"movsx rcx, byte ptr [rbp]", "480fbe4d00", func(a *Assembler) { a.MovsxRM(W8, W64, RCX, mem(RBP, 0)) }},
	{"movsxd rax, ecx", "4863c1", func(a *Assembler) { a.MovsxRR(W32, W64, RAX, RCX) }},
	{"movsxd r15, r8d", "4d63f8", func(a *Assembler) { a.MovsxRR(W32, W64, R15, R8) }},
	{"movsxd r8, dword ptr [rsp+0x8]", "4c63442408", func(a *Assembler) { a.MovsxRM(W32, W64, R8, mem(RSP, 8)) }},

	// LEA, PUSH, POP.
	{"lea rax, [rdi+0x8]", "488d4708", func(a *Assembler) { a.Lea(W64, RAX, mem(RDI, 8)) }},
	{"lea eax, [rdi+rsi]", "8d0437", func(a *Assembler) { a.Lea(W32, RAX, memX(RDI, RSI, 1, 0)) }},
	{"lea r8, [r12+4*r13+0x10]", "4f8d44ac10", func(a *Assembler) { a.Lea(W64, R8, memX(R12, R13, 4, 16)) }},
	{"lea rax, [rbp-0x8]", "488d45f8", func(a *Assembler) { a.Lea(W64, RAX, mem(RBP, -8)) }},
	{"push rbp", "55", func(a *Assembler) { a.Push(RBP) }},
	{"push r12", "4154", func(a *Assembler) { a.Push(R12) }},
	{"pop r15", "415f", func(a *Assembler) { a.Pop(R15) }},
	{"pop rbx", "5b", func(a *Assembler) { a.Pop(RBX) }},

	// encode_alu.go: register, memory and immediate forms.
	{"add rcx, rax", "4801c1", func(a *Assembler) { a.ALURR(Add, W64, RCX, RAX) }},
	{"or eax, ecx", "09c8", func(a *Assembler) { a.ALURR(Or, W32, RAX, RCX) }},
	{"adc rdx, rbx", "4811da", func(a *Assembler) { a.ALURR(Adc, W64, RDX, RBX) }},
	{"sbb r8d, r9d", "4519c8", func(a *Assembler) { a.ALURR(Sbb, W32, R8, R9) }},
	{"and r10, r11", "4d21da", func(a *Assembler) { a.ALURR(And, W64, R10, R11) }},
	{"sub rax, r9", "4c29c8", func(a *Assembler) { a.ALURR(Sub, W64, RAX, R9) }},
	{"xor eax, eax", "31c0", func(a *Assembler) { a.ALURR(Xor, W32, RAX, RAX) }},
	{"xor r8d, r8d", "4531c0", func(a *Assembler) { a.ALURR(Xor, W32, R8, R8) }},
	{"cmp rdi, rsi", "4839f7", func(a *Assembler) { a.ALURR(Cmp, W64, RDI, RSI) }},
	{"add cx, ax", "6601c1", func(a *Assembler) { a.ALURR(Add, W16, RCX, RAX) }},
	{"add sil, dil", "4000fe", func(a *Assembler) { a.ALURR(Add, W8, RSI, RDI) }},
	{"xor al, r8b", "4430c0", func(a *Assembler) { a.ALURR(Xor, W8, RAX, R8) }},
	{"cmp cl, dl", "38d1", func(a *Assembler) { a.ALURR(Cmp, W8, RCX, RDX) }},
	{"add rax, 0x1", "4883c001", func(a *Assembler) { a.ALURI(Add, W64, RAX, 1) }},
	{"add rax, 0x7f", "4883c07f", func(a *Assembler) { a.ALURI(Add, W64, RAX, 127) }},
	{"add rax, 0x80", "480580000000", func(a *Assembler) { a.ALURI(Add, W64, RAX, 128) }},
	{"add rcx, 0x80", "4881c180000000", func(a *Assembler) { a.ALURI(Add, W64, RCX, 128) }},
	{"sub rsp, 0x100", "4881ec00010000", func(a *Assembler) { a.ALURI(Sub, W64, RSP, 256) }},
	{"sub rax, -0x80", "4883e880", func(a *Assembler) { a.ALURI(Sub, W64, RAX, -128) }},
	{"sub rdx, -0x81", "4881ea7fffffff", func(a *Assembler) { a.ALURI(Sub, W64, RDX, -129) }},
	{"and r9, -0x10", "4983e1f0", func(a *Assembler) { a.ALURI(And, W64, R9, -16) }},
	{"cmp rdi, 0x7fffffff", "4881ffffffff7f", func(a *Assembler) { a.ALURI(Cmp, W64, RDI, math.MaxInt32) }},
	{"cmp r12, -0x80000000", "4981fc00000080", func(a *Assembler) { a.ALURI(Cmp, W64, R12, math.MinInt32) }},
	{"xor eax, 0xffffffff", "83f0ff", func(a *Assembler) { a.ALURI(Xor, W32, RAX, -1) }},
	{"or ecx, 0x12345678", "81c978563412", func(a *Assembler) { a.ALURI(Or, W32, RCX, 0x12345678) }},
	{"cmp eax, 0x1000", "3d00100000", func(a *Assembler) { a.ALURI(Cmp, W32, RAX, 0x1000) }},
	{"adc r13d, 0x2", "4183d502", func(a *Assembler) { a.ALURI(Adc, W32, R13, 2) }},
	{"sbb rbx, 0x1000", "4881db00100000", func(a *Assembler) { a.ALURI(Sbb, W64, RBX, 0x1000) }},
	{"add ax, 0x1000", "66050010", func(a *Assembler) { a.ALURI(Add, W16, RAX, 0x1000) }},
	{"add cx, 0x10", "6683c110", func(a *Assembler) { a.ALURI(Add, W16, RCX, 16) }},
	{"cmp cx, 0xffff", "6683f9ff", func(a *Assembler) { a.ALURI(Cmp, W16, RCX, 0xffff) }},
	{"and r11w, 0x1234", "664181e33412", func(a *Assembler) { a.ALURI(And, W16, R11, 0x1234) }},
	{"add al, 0x10", "0410", func(a *Assembler) { a.ALURI(Add, W8, RAX, 16) }},
	{"add sil, 0x1", "4080c601", func(a *Assembler) { a.ALURI(Add, W8, RSI, 1) }},
	{"and r10b, 0x7f", "4180e27f", func(a *Assembler) { a.ALURI(And, W8, R10, 0x7f) }},
	{"cmp dl, 0xff", "80faff", func(a *Assembler) { a.ALURI(Cmp, W8, RDX, -1) }},
	{"add rax, qword ptr [rdi]", "480307", func(a *Assembler) { a.ALURM(Add, W64, RAX, mem(RDI, 0)) }},
	{"sub ecx, dword ptr [rsp+0x4]", "2b4c2404", func(a *Assembler) { a.ALURM(Sub, W32, RCX, mem(RSP, 4)) }},
	{"cmp r8, qword ptr [rbp]", "4c3b4500", func(a *Assembler) { a.ALURM(Cmp, W64, R8, mem(RBP, 0)) }},
	{"xor sil, byte ptr [rdi]", "403237", func(a *Assembler) { a.ALURM(Xor, W8, RSI, mem(RDI, 0)) }},
	{"or dx, word ptr [rax]", "660b10", func(a *Assembler) { a.ALURM(Or, W16, RDX, mem(RAX, 0)) }},
	{"add qword ptr [rdi], rax", "480107", func(a *Assembler) { a.ALUMR(Add, W64, mem(RDI, 0), RAX) }},
	{"sub dword ptr [r12], r13d", "45292c24", func(a *Assembler) { a.ALUMR(Sub, W32, mem(R12, 0), R13) }},
	{"and byte ptr [rax], sil", "402030", func(a *Assembler) { a.ALUMR(And, W8, mem(RAX, 0), RSI) }},
	{"cmp qword ptr [rsi+0x8], rcx", "48394e08", func(a *Assembler) { a.ALUMR(Cmp, W64, mem(RSI, 8), RCX) }},
	{"add qword ptr [rdi], 0x1", "48830701", func(a *Assembler) { a.ALUMI(Add, W64, mem(RDI, 0), 1) }},
	{"cmp dword ptr [rbp-0x4], 0x1000", "817dfc00100000", func(a *Assembler) { a.ALUMI(Cmp, W32, mem(RBP, -4), 0x1000) }},
	{"and byte ptr [rsp], 0xf", "8024240f", func(a *Assembler) { a.ALUMI(And, W8, mem(RSP, 0), 15) }},
	{"or word ptr [rax], 0x100", "6681080001", func(a *Assembler) { a.ALUMI(Or, W16, mem(RAX, 0), 0x100) }},
	{"sub qword ptr [r13+8*rax+0x10], -0x1", "49836cc510ff", func(a *Assembler) { a.ALUMI(Sub, W64, memX(R13, RAX, 8, 16), -1) }},

	// TEST, NEG, NOT.
	{"test rax, rcx", "4885c8", func(a *Assembler) { a.TestRR(W64, RAX, RCX) }},
	{"test r8d, r9d", "4585c8", func(a *Assembler) { a.TestRR(W32, R8, R9) }},
	{"test sil, dil", "4084fe", func(a *Assembler) { a.TestRR(W8, RSI, RDI) }},
	{"test ax, dx", "6685d0", func(a *Assembler) { a.TestRR(W16, RAX, RDX) }},
	{"test rax, 0x1", "48a901000000", func(a *Assembler) { a.TestRI(W64, RAX, 1) }},
	{"test rcx, 0x1", "48f7c101000000", func(a *Assembler) { a.TestRI(W64, RCX, 1) }},
	{"test eax, 0x80000000", "a900000080", func(a *Assembler) { a.TestRI(W32, RAX, math.MinInt32) }},
	{"test al, 0x1", "a801", func(a *Assembler) { a.TestRI(W8, RAX, 1) }},
	{"test dil, 0x1", "40f6c701", func(a *Assembler) { a.TestRI(W8, RDI, 1) }},
	{"test r9w, 0x8000", "6641f7c10080", func(a *Assembler) { a.TestRI(W16, R9, 0x8000) }},
	{"test qword ptr [rdi], rax", "488507", func(a *Assembler) { a.TestMR(W64, mem(RDI, 0), RAX) }},
	{"test byte ptr [rdi+0x1], 0x80", "f6470180", func(a *Assembler) { a.TestMI(W8, mem(RDI, 1), 0x80) }},
	{"test dword ptr [rsp], 0x10000", "f7042400000100", func(a *Assembler) { a.TestMI(W32, mem(RSP, 0), 0x10000) }},
	{"neg rax", "48f7d8", func(a *Assembler) { a.Neg(W64, RAX) }},
	{"neg r9d", "41f7d9", func(a *Assembler) { a.Neg(W32, R9) }},
	{"neg sil", "40f6de", func(a *Assembler) { a.Neg(W8, RSI) }},
	{"not rcx", "48f7d1", func(a *Assembler) { a.Not(W64, RCX) }},
	{"not r15w", "6641f7d7", func(a *Assembler) { a.Not(W16, R15) }},
	{"not al", "f6d0", func(a *Assembler) { a.Not(W8, RAX) }},

	// encode_muldiv.go.
	{"imul rax, rcx", "480fafc1", func(a *Assembler) { a.ImulRR(W64, RAX, RCX) }},
	{"imul r8d, r9d", "450fafc1", func(a *Assembler) { a.ImulRR(W32, R8, R9) }},
	{"imul cx, dx", "660fafca", func(a *Assembler) { a.ImulRR(W16, RCX, RDX) }},
	{"imul rax, qword ptr [rdi]", "480faf07", func(a *Assembler) { a.ImulRM(W64, RAX, mem(RDI, 0)) }},
	{"imul rax, rcx, 0x64", "486bc164", func(a *Assembler) { a.ImulRRI(W64, RAX, RCX, 100) }},
	{"imul rax, rcx, 0x3e8", "4869c1e8030000", func(a *Assembler) { a.ImulRRI(W64, RAX, RCX, 1000) }},
	{"imul r10, r11, -0x1", "4d6bd3ff", func(a *Assembler) { a.ImulRRI(W64, R10, R11, -1) }},
	{"imul eax, eax, -0x80000000", "69c000000080", func(a *Assembler) { a.ImulRRI(W32, RAX, RAX, math.MinInt32) }},
	{"imul ax, cx, 0x1234", "6669c13412", func(a *Assembler) { a.ImulRRI(W16, RAX, RCX, 0x1234) }},
	{"mul rcx", "48f7e1", func(a *Assembler) { a.Mul(W64, RCX) }},
	{"mul r8d", "41f7e0", func(a *Assembler) { a.Mul(W32, R8) }},
	{"imul rsi", "48f7ee", func(a *Assembler) { a.ImulWide(W64, RSI) }},
	{"div rcx", "48f7f1", func(a *Assembler) { a.Div(W64, RCX) }},
	{"div r9d", "41f7f1", func(a *Assembler) { a.Div(W32, R9) }},
	{"div cx", "66f7f1", func(a *Assembler) { a.Div(W16, RCX) }},
	{"idiv r10", "49f7fa", func(a *Assembler) { a.Idiv(W64, R10) }},
	{"idiv ecx", "f7f9", func(a *Assembler) { a.Idiv(W32, RCX) }},
	{"cqo", "4899", func(a *Assembler) { a.Cqo() }},
	{"cdq", "99", func(a *Assembler) { a.Cdq() }},

	// encode_shift.go.
	{"shl rax, 0x1", "48d1e0", func(a *Assembler) { a.ShiftRI(Shl, W64, RAX, 1) }},
	{"shl rax, 0x3f", "48c1e03f", func(a *Assembler) { a.ShiftRI(Shl, W64, RAX, 63) }},
	{"shr ecx, 0x4", "c1e904", func(a *Assembler) { a.ShiftRI(Shr, W32, RCX, 4) }},
	{"sar r9, 0x2", "49c1f902", func(a *Assembler) { a.ShiftRI(Sar, W64, R9, 2) }},
	{"rol ax, 0x8", "66c1c008", func(a *Assembler) { a.ShiftRI(Rol, W16, RAX, 8) }},
	{"ror r10d, 0x10", "41c1ca10", func(a *Assembler) { a.ShiftRI(Ror, W32, R10, 16) }},
	{"shl sil, 0x1", "40d0e6", func(a *Assembler) { a.ShiftRI(Shl, W8, RSI, 1) }},
	{"sar dil, 0x7", "40c0ff07", func(a *Assembler) { a.ShiftRI(Sar, W8, RDI, 7) }},
	{"shl rax, 0x0", "48c1e000", func(a *Assembler) { a.ShiftRI(Shl, W64, RAX, 0) }},
	{"shl rax, cl", "48d3e0", func(a *Assembler) { a.ShiftRCL(Shl, W64, RAX) }},
	{"shr r11d, cl", "41d3eb", func(a *Assembler) { a.ShiftRCL(Shr, W32, R11) }},
	{"sar rdx, cl", "48d3fa", func(a *Assembler) { a.ShiftRCL(Sar, W64, RDX) }},
	{"rol spl, cl", "40d2c4", func(a *Assembler) { a.ShiftRCL(Rol, W8, RSP) }},
	{"ror r8w, cl", "6641d3c8", func(a *Assembler) { a.ShiftRCL(Ror, W16, R8) }},
	{"bswap eax", "0fc8", func(a *Assembler) { a.Bswap(W32, RAX) }},
	{"bswap rax", "480fc8", func(a *Assembler) { a.Bswap(W64, RAX) }},
	{"bswap r9", "490fc9", func(a *Assembler) { a.Bswap(W64, R9) }},
	{"bswap r12d", "410fcc", func(a *Assembler) { a.Bswap(W32, R12) }},

	// encode_atomic.go.
	{"xchg rcx, rax", "4891", func(a *Assembler) { a.XchgRR(W64, RAX, RCX) }},
	{"xchg rcx, rax", "4891", func(a *Assembler) { a.XchgRR(W64, RCX, RAX) }},
	{"xchg r8, rax", "4990", func(a *Assembler) { a.XchgRR(W64, R8, RAX) }},
	{"xchg dx, ax", "6692", func(a *Assembler) { a.XchgRR(W16, RAX, RDX) }},
	{"xchg eax, eax", "87c0", func(a *Assembler) { a.XchgRR(W32, RAX, RAX) }},
	{"xchg rcx, rdx", "4887d1", func(a *Assembler) { a.XchgRR(W64, RCX, RDX) }},
	{"xchg r9d, r10d", "4587d1", func(a *Assembler) { a.XchgRR(W32, R9, R10) }},
	{"xchg al, cl", "86c8", func(a *Assembler) { a.XchgRR(W8, RAX, RCX) }},
	{"xchg sil, dil", "4086fe", func(a *Assembler) { a.XchgRR(W8, RSI, RDI) }},
	{"xchg qword ptr [rdi], rax", "488707", func(a *Assembler) { a.XchgMR(W64, mem(RDI, 0), RAX) }},
	{"xchg dword ptr [rsp+0x8], r8d", "4487442408", func(a *Assembler) { a.XchgMR(W32, mem(RSP, 8), R8) }},
	{"xchg byte ptr [rax], sil", "408630", func(a *Assembler) { a.XchgMR(W8, mem(RAX, 0), RSI) }},
	{"lock xadd qword ptr [rdi], rax", "f0480fc107", func(a *Assembler) { a.LockXadd(W64, mem(RDI, 0), RAX) }},
	{"lock xadd dword ptr [r12+0x4], r9d", "f0450fc14c2404", func(a *Assembler) { a.LockXadd(W32, mem(R12, 4), R9) }},
	{"lock xadd word ptr [rdi], ax", "66f00fc107", func(a *Assembler) { a.LockXadd(W16, mem(RDI, 0), RAX) }},
	{"lock xadd byte ptr [rsi], dil", "f0400fc03e", func(a *Assembler) { a.LockXadd(W8, mem(RSI, 0), RDI) }},
	{"lock cmpxchg qword ptr [rdi], rcx", "f0480fb10f", func(a *Assembler) { a.LockCmpxchg(W64, mem(RDI, 0), RCX) }},
	{"lock cmpxchg dword ptr [rbp], r8d", "f0440fb14500", func(a *Assembler) { a.LockCmpxchg(W32, mem(RBP, 0), R8) }},
	{"lock cmpxchg byte ptr [rdi], sil", "f0400fb037", func(a *Assembler) { a.LockCmpxchg(W8, mem(RDI, 0), RSI) }},
	{"lock add qword ptr [rdi], rax", "f0480107", func(a *Assembler) { a.LockALUMR(Add, W64, mem(RDI, 0), RAX) }},
	{"lock or dword ptr [rsi+0x10], ecx", "f0094e10", func(a *Assembler) { a.LockALUMR(Or, W32, mem(RSI, 16), RCX) }},
	{"lock and qword ptr [r13], r14", "f04d217500", func(a *Assembler) { a.LockALUMR(And, W64, mem(R13, 0), R14) }},
	{"lock xor byte ptr [rax], spl", "f0403020", func(a *Assembler) { a.LockALUMR(Xor, W8, mem(RAX, 0), RSP) }},
	{"lock sub word ptr [rdi], dx", "66f02917", func(a *Assembler) { a.LockALUMR(Sub, W16, mem(RDI, 0), RDX) }},
	{"lock add qword ptr [rdi], 0x1", "f048830701", func(a *Assembler) { a.LockALUMI(Add, W64, mem(RDI, 0), 1) }},
	{"lock or dword ptr [rsp], 0x10000", "f0810c2400000100", func(a *Assembler) { a.LockALUMI(Or, W32, mem(RSP, 0), 0x10000) }},
	{"lock and byte ptr [rdi], 0xf0", "f08027f0", func(a *Assembler) { a.LockALUMI(And, W8, mem(RDI, 0), 0xf0) }},

	// encode_cond.go: every condition code.
	{"seto al", "0f90c0", func(a *Assembler) { a.Setcc(O, RAX) }},
	{"setno cl", "0f91c1", func(a *Assembler) { a.Setcc(NO, RCX) }},
	{"setb dl", "0f92c2", func(a *Assembler) { a.Setcc(B, RDX) }},
	{"setae bl", "0f93c3", func(a *Assembler) { a.Setcc(AE, RBX) }},
	{"sete spl", "400f94c4", func(a *Assembler) { a.Setcc(E, RSP) }},
	{"setne bpl", "400f95c5", func(a *Assembler) { a.Setcc(NE, RBP) }},
	{"setbe sil", "400f96c6", func(a *Assembler) { a.Setcc(BE, RSI) }},
	{"seta dil", "400f97c7", func(a *Assembler) { a.Setcc(A, RDI) }},
	{"sets r8b", "410f98c0", func(a *Assembler) { a.Setcc(S, R8) }},
	{"setns r9b", "410f99c1", func(a *Assembler) { a.Setcc(NS, R9) }},
	{"setp r10b", "410f9ac2", func(a *Assembler) { a.Setcc(P, R10) }},
	{"setnp r11b", "410f9bc3", func(a *Assembler) { a.Setcc(NP, R11) }},
	{"setl r12b", "410f9cc4", func(a *Assembler) { a.Setcc(L, R12) }},
	{"setge r13b", "410f9dc5", func(a *Assembler) { a.Setcc(GE, R13) }},
	{"setle r14b", "410f9ec6", func(a *Assembler) { a.Setcc(LE, R14) }},
	{"setg r15b", "410f9fc7", func(a *Assembler) { a.Setcc(G, R15) }},
	{"cmove rax, rcx", "480f44c1", func(a *Assembler) { a.CmovRR(E, W64, RAX, RCX) }},
	{"cmovne r8d, r9d", "450f45c1", func(a *Assembler) { a.CmovRR(NE, W32, R8, R9) }},
	{"cmovl cx, dx", "660f4cca", func(a *Assembler) { a.CmovRR(L, W16, RCX, RDX) }},
	{"cmova rsi, r15", "490f47f7", func(a *Assembler) { a.CmovRR(A, W64, RSI, R15) }},
	{"cmovge rax, qword ptr [rdi]", "480f4d07", func(a *Assembler) { a.CmovRM(GE, W64, RAX, mem(RDI, 0)) }},
	{"cmovb r12d, dword ptr [r13+0x8]", "450f426508", func(a *Assembler) { a.CmovRM(B, W32, R12, mem(R13, 8)) }},

	// label.go: every Jcc backward (rel8), forward rel32, forced rel8.
	{"jo .", "70fe", func(a *Assembler) { backward(a, O) }},
	{"jno .", "71fe", func(a *Assembler) { backward(a, NO) }},
	{"jb .", "72fe", func(a *Assembler) { backward(a, B) }},
	{"jae .", "73fe", func(a *Assembler) { backward(a, AE) }},
	{"je .", "74fe", func(a *Assembler) { backward(a, E) }},
	{"jne .", "75fe", func(a *Assembler) { backward(a, NE) }},
	{"jbe .", "76fe", func(a *Assembler) { backward(a, BE) }},
	{"ja .", "77fe", func(a *Assembler) { backward(a, A) }},
	{"js .", "78fe", func(a *Assembler) { backward(a, S) }},
	{"jns .", "79fe", func(a *Assembler) { backward(a, NS) }},
	{"jp .", "7afe", func(a *Assembler) { backward(a, P) }},
	{"jnp .", "7bfe", func(a *Assembler) { backward(a, NP) }},
	{"jl .", "7cfe", func(a *Assembler) { backward(a, L) }},
	{"jge .", "7dfe", func(a *Assembler) { backward(a, GE) }},
	{"jle .", "7efe", func(a *Assembler) { backward(a, LE) }},
	{"jg .", "7ffe", func(a *Assembler) { backward(a, G) }},
	{"jmp .", "ebfe", func(a *Assembler) {
		l := a.NewLabel()
		a.Bind(l)
		a.Jmp(l)
	}},
	{"nop; jmp .-0x1", "90ebfd", func(a *Assembler) {
		l := a.NewLabel()
		a.Bind(l)
		a.Nop(1)
		a.Jmp(l)
	}},
	{"{disp32} jmp .+0x5", "e900000000", func(a *Assembler) { forward(a, func(l Label) { a.Jmp(l) }) }},
	{"{disp32} jne .+0x6", "0f8500000000", func(a *Assembler) { forward(a, func(l Label) { a.Jcc(NE, l) }) }},
	{"{disp32} jg .+0x6", "0f8f00000000", func(a *Assembler) { forward(a, func(l Label) { a.Jcc(G, l) }) }},
	{"jmp .+0x2", "eb00", func(a *Assembler) { forward(a, func(l Label) { a.JmpShort(l) }) }},
	{"jb .+0x2", "7200", func(a *Assembler) { forward(a, func(l Label) { a.JccShort(B, l) }) }},
	{"jle .+0x3; int3", "7e01cc", func(a *Assembler) {
		l := a.NewLabel()
		a.JccShort(LE, l)
		a.Int3()
		a.Bind(l)
	}},
	{"{disp32} je .+0x8; ud2", "0f84020000000f0b", func(a *Assembler) {
		l := a.NewLabel()
		a.Jcc(E, l)
		a.Ud2()
		a.Bind(l)
	}},
	{"call .+0x5", "e800000000", func(a *Assembler) { forward(a, func(l Label) { a.Call(l) }) }},
	{"call .", "e8fbffffff", func(a *Assembler) {
		l := a.NewLabel()
		a.Bind(l)
		a.Call(l)
	}},

	// encode_control.go.
	{"call rax", "ffd0", func(a *Assembler) { a.CallReg(RAX) }},
	{"call r11", "41ffd3", func(a *Assembler) { a.CallReg(R11) }},
	{"jmp rcx", "ffe1", func(a *Assembler) { a.JmpReg(RCX) }},
	{"jmp r15", "41ffe7", func(a *Assembler) { a.JmpReg(R15) }},
	{"ret", "c3", func(a *Assembler) { a.Ret() }},
	{"int3", "cc", func(a *Assembler) { a.Int3() }},
	{"ud2", "0f0b", func(a *Assembler) { a.Ud2() }},
	{"nop", "90", func(a *Assembler) { a.Nop(1) }},
	{"data16 nop", "6690", func(a *Assembler) { a.Nop(2) }},
	{"nop dword ptr [rax]", "0f1f00", func(a *Assembler) { a.Nop(3) }},
	{"{disp8} nop dword ptr [rax]", "0f1f4000", func(a *Assembler) { a.Nop(4) }},
	{"{disp8} nop dword ptr [rax+rax*1]", "0f1f440000", func(a *Assembler) { a.Nop(5) }},
	{"{disp8} nop word ptr [rax+rax*1]", "660f1f440000", func(a *Assembler) { a.Nop(6) }},
	{"{disp32} nop dword ptr [rax]", "0f1f8000000000", func(a *Assembler) { a.Nop(7) }},
	{"{disp32} nop dword ptr [rax+rax*1]", "0f1f840000000000", func(a *Assembler) { a.Nop(8) }},
	{"{disp32} nop word ptr [rax+rax*1]", "660f1f840000000000", func(a *Assembler) { a.Nop(9) }},
	{"{disp32} nop word ptr [rax+rax*1]; nop", "660f1f84000000000090", func(a *Assembler) { a.Nop(10) }},
	{"ret; nop dword ptr [rax]", "c30f1f00", func(a *Assembler) {
		a.Ret()
		a.Align(4)
	}},
}

// backward is "jcc ." : a label bound before the jump.
func backward(a *Assembler, c Cond) {
	l := a.NewLabel()
	a.Bind(l)
	a.Jcc(c, l)
}

// forward emits jump(l) to a label bound right after it.
func forward(a *Assembler, jump func(Label)) {
	l := a.NewLabel()
	jump(l)
	a.Bind(l)
}

func TestEncodingTable(t *testing.T) {
	for _, c := range encodingTable {
		var a Assembler
		c.emit(&a)
		got, err := a.Finish()
		if err != nil {
			t.Errorf("%s: %v", c.asm, err)
			continue
		}
		if h := hex.EncodeToString(got); h != c.hex {
			t.Errorf("%s:\n got %s\nwant %s (GNU as)", c.asm, h, c.hex)
		}
	}
}
