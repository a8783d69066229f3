package interp

// Corpus programs written by hand as instruction literals, from the
// "-- asm" section of the file they are keyed by; each line's comment is
// the source line. Between them they cover every instruction family: ALU
// and ALU64 (with sdiv, smod, movsx, neg, shifts by out-of-range counts),
// byte swaps, every jump class with signed immediates, gotol, lddw,
// ldx/ldxsx/st/stx of every size, the atomics, local and helper calls.
// Expected results come from the corpus files, not from here.

import (
	"math"
	"slices"

	"github.com/deepsys/deepsys/ebpf"
)

// toExit as a jump offset stands for the assembler's "exit" label: the
// program's last instruction. fixExits resolves it.
const toExit = math.MinInt16

func fixExits(insns []ebpf.Instruction) []ebpf.Instruction {
	out := slices.Clone(insns)
	p := ebpf.NewProgram(out)
	last := p.Slot(len(out) - 1)
	for i := range out {
		if out[i].Offset == toExit {
			out[i].Offset = int16(last - p.Slot(i) - 1)
		}
	}
	return out
}

const (
	szB  = ebpf.SizeB
	szH  = ebpf.SizeH
	szW  = ebpf.SizeW
	szDW = ebpf.SizeDW
	jmp  = ebpf.ClassJMP
	j32  = ebpf.ClassJMP32
)

func mov32(dst uint8, imm int32) ebpf.Instruction { return a32(ebpf.ALUMov, dst, imm) }

// bitsByte is the ldxb/lsh pair of ldxb-all.data for register r.
func bitsByte(r uint8, off int16, shift int32) []ebpf.Instruction {
	return prog(ldx(szB, r, 0, off), a64(ebpf.ALULsh, r, shift))
}

var handEncoded = map[string][]ebpf.Instruction{
	"add.data": prog(
		mov32(0, 0), mov32(1, 2), // mov32 %r0, 0; mov32 %r1, 2
		a32(ebpf.ALUAdd, 0, 1),  // add32 %r0, 1
		a32x(ebpf.ALUAdd, 0, 1), // add32 %r0, %r1
		a32x(ebpf.ALUAdd, 0, 0), // add32 %r0, %r0
		a32(ebpf.ALUAdd, 0, -3), // add32 %r0, -3
		exit()),
	"alu64-arith.data": prog(
		mov(0, 10), a64x(ebpf.ALUSub, 0, 0), // mov %r0, 10; sub %r0, %r0
		mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), mov(6, 6), mov(7, 7), mov(8, 8), mov(9, 9),
		jK(jmp, ebpf.JumpNE, 0, 0, toExit),                                                    // jne %r0, 0, exit
		a64(ebpf.ALUAdd, 0, 23), a64x(ebpf.ALUAdd, 0, 7), jK(jmp, ebpf.JumpNE, 0, 30, toExit), // add 23, add %r7
		a64(ebpf.ALUSub, 0, 13), a64x(ebpf.ALUSub, 0, 1), jK(jmp, ebpf.JumpNE, 0, 16, toExit), // sub 13, sub %r1
		a64(ebpf.ALUMul, 0, 7), a64x(ebpf.ALUMul, 0, 3), jK(jmp, ebpf.JumpNE, 0, 336, toExit), // mul 7, mul %r3
		a64(ebpf.ALUDiv, 0, 2), a64x(ebpf.ALUDiv, 0, 4), // div 2, div %r4
		exit()),
	"alu-arith.data": prog(
		mov32(0, 10), a32x(ebpf.ALUSub, 0, 0),
		mov32(1, 1), mov32(2, 2), mov32(3, 3), mov32(4, 4), mov32(5, 5), mov32(6, 6), mov32(7, 7), mov32(8, 8), mov32(9, 9),
		jK(jmp, ebpf.JumpNE, 0, 0, toExit),
		a32(ebpf.ALUAdd, 0, 23), a32x(ebpf.ALUAdd, 0, 7), jK(jmp, ebpf.JumpNE, 0, 30, toExit),
		a32(ebpf.ALUSub, 0, 13), a32x(ebpf.ALUSub, 0, 1), jK(jmp, ebpf.JumpNE, 0, 16, toExit),
		a32(ebpf.ALUMul, 0, 7), a32x(ebpf.ALUMul, 0, 3), jK(jmp, ebpf.JumpNE, 0, 336, toExit),
		a32(ebpf.ALUDiv, 0, 2), a32x(ebpf.ALUDiv, 0, 4), jK(jmp, ebpf.JumpNE, 0, 42, toExit),
		exit()),
	"alu-bit.data": prog(
		mov32(0, 0), mov32(1, 1), mov32(2, 2), mov32(3, 3), mov32(4, 4), mov32(5, 5), mov32(6, 6), mov32(7, 7), mov32(8, 8),
		jK(jmp, ebpf.JumpNE, 0, 0, toExit),
		a32x(ebpf.ALUOr, 0, 5), a32(ebpf.ALUOr, 0, 0xa0), a32x(ebpf.ALUOr, 0, 0), jK(jmp, ebpf.JumpNE, 0, 0xa5, toExit),
		a32(ebpf.ALUAnd, 0, 0xa3), mov32(9, 0x91), a32x(ebpf.ALUAnd, 0, 9), a32x(ebpf.ALUAnd, 0, 0),
		jK(jmp, ebpf.JumpNE, 0, 0x81, toExit),
		a32(ebpf.ALULsh, 0, 22), a32x(ebpf.ALULsh, 0, 8), jK(jmp, ebpf.JumpNE, 0, 0x40000000, toExit),
		a32(ebpf.ALURsh, 0, 19), a32x(ebpf.ALURsh, 0, 7), jK(jmp, ebpf.JumpNE, 0, 0x10, toExit),
		a32(ebpf.ALUXor, 0, 3), a32x(ebpf.ALUXor, 0, 2),
		exit()),
	"arsh32-imm-high.data": prog(mov32(0, 0xf8), a32(ebpf.ALULsh, 0, 28), a32(ebpf.ALUArsh, 0, 48), exit()),
	"arsh64-reg-neg.data": prog( // mov32 %r0, 1; lsh %r0, 63; mov32 %r1, -4; arsh %r0, %r1
		mov32(0, 1), a64(ebpf.ALULsh, 0, 63), mov32(1, -4), a64x(ebpf.ALUArsh, 0, 1), exit()),
	"lsh64-reg-high.data": prog(mov(0, 1), mov(7, 68), a64x(ebpf.ALULsh, 0, 7), exit()),
	"rsh32-imm-neg.data":  prog(mov(0, 0), a64(ebpf.ALUSub, 0, 1), a32(ebpf.ALURsh, 0, -24), exit()),
	"mul32-reg-overflow.data": prog( // mov %r0, 0x40000001; mov %r1, 4; mul32 %r0, %r1
		mov(0, 0x40000001), mov(1, 4), a32x(ebpf.ALUMul, 0, 1), exit()),
	"neg32-intmin-imm.data":   prog(lddw(0, 0x80000000), a32(ebpf.ALUNeg, 0, 0), exit()),
	"div32-high-divisor.data": prog(mov(0, 12), lddw(1, 0x100000004), a32x(ebpf.ALUDiv, 0, 1), exit()),
	"div64-negative-imm.data": prog(lddw(0, allOnes), a64(ebpf.ALUDiv, 0, -10), exit()),
	"mod64-by-zero-reg.data":  prog(mov32(0, 1), mov32(1, 0), a64x(ebpf.ALUMod, 0, 1), exit()),
	"smod32-neg-by-zero-imm.data": prog( // mov32 %r0, -10; mov32 %r1, 0; smod32 %r0, %r1
		mov32(0, -10), mov32(1, 0), signed(a32x(ebpf.ALUMod, 0, 1), 1), exit()),
	"rfc9669_sdiv64.data": prog(
		mov(1, -13), mov(2, 3), signed(a64x(ebpf.ALUDiv, 1, 2), 1), // sdiv %r1, %r2
		jK(jmp, ebpf.JumpNE, 1, -4, 6),                             // jne %r1, 0xfffffffc, fail
		mov(3, -13), mov(4, 0), signed(a64x(ebpf.ALUDiv, 3, 4), 1), // sdiv %r3, %r4
		jK(jmp, ebpf.JumpNE, 3, 0, 2), // jne %r3, 0, fail
		mov(0, 1), exit(),
		mov(0, 0), exit()), // fail:
	"sdiv64-overflow.data":   prog(lddw(0, intMin64), mov(1, -1), signed(a64x(ebpf.ALUDiv, 0, 1), 1), exit()),
	"movsx832-reg.data":      prog(lddw(1, 0x0123456789abcdef), signed(a32x(ebpf.ALUMov, 0, 1), 8), exit()),
	"movsx3264-reg.data":     prog(lddw(1, 0x0123456789abcdef), signed(a64x(ebpf.ALUMov, 0, 1), 32), exit()),
	"mov64-sign-extend.data": prog(mov(0, -10), exit()),
	"jit-bounce.data":        prog(mov(0, 1), movx(6, 0), movx(7, 6), movx(8, 7), movx(9, 8), movx(0, 9), exit()),

	"be16-high.data": prog(ldx(szDW, 0, 1, 0), end(ebpf.ClassALU, ebpf.ToBE, 0, 16), exit()),
	"le32-high.data": prog(ldx(szDW, 0, 1, 0), end(ebpf.ClassALU, ebpf.ToLE, 0, 32), exit()),
	"bswap32.data":   prog(lddw(0, 0x8877665544332211), end(ebpf.ClassALU64, ebpf.ToLE, 0, 32), exit()),
	"swap16.data":    prog(lddw(0, 0x8877665544332211), end(ebpf.ClassALU64, ebpf.ToLE, 0, 16), exit()),

	"j-signed-imm.data": prog(
		mov32(0, 2),
		lddw(1, 0xFFFFFFFF80000000), jK(jmp, ebpf.JumpEq, 1, math.MinInt32, 1), exit(), // jeq 0x80000000
		lddw(1, 0xFFFFFFFF80000000), jK(jmp, ebpf.JumpLT, 1, -0x7fffffff, 1), exit(), // jlt 0x80000001
		lddw(1, 0xFFFFFFFF80000001), jK(jmp, ebpf.JumpGT, 1, math.MinInt32, 1), exit(), // jgt 0x80000000
		lddw(1, 0x80000000), jK(jmp, ebpf.JumpNE, 1, math.MinInt32, 1), exit(), // jne 0x80000000
		lddw(1, 0xFFFFFFFF00000000), jK(jmp, ebpf.JumpSet, 1, math.MinInt32, 1), exit(), // jset 0x80000000
		mov32(0, 1), exit()),
	"jset32-imm.data": prog(
		mov(9, 1), a64(ebpf.ALULsh, 9, 32), mov32(0, 0), mov32(1, 7), a64x(ebpf.ALUOr, 1, 9),
		jK(j32, ebpf.JumpSet, 1, 8, toExit), // not taken
		mov32(0, 1), mov32(1, 9),
		jK(j32, ebpf.JumpSet, 1, 8, 1), // taken
		mov32(0, 2), exit()),
	"jsge32-reg.data": prog(
		mov(9, 1), a64(ebpf.ALULsh, 9, 32), mov32(0, 0), mov32(1, -2), a64x(ebpf.ALUOr, 1, 9),
		mov(2, -1), mov32(3, 0), // mov %r2, 0xffffffff; mov32 %r3, 0
		jX(j32, ebpf.JumpSGE, 1, 2, toExit), jX(j32, ebpf.JumpSGE, 1, 3, toExit), // not taken
		jX(j32, ebpf.JumpSGE, 1, 1, 1), exit(), // taken
		mov32(0, 1), movx(1, 2),
		jX(j32, ebpf.JumpSGE, 1, 2, 1), // taken
		mov32(0, 2), exit()),
	"jslt-reg.data": prog(
		mov32(0, 0), mov(1, -2), mov(2, -3), mov(3, -1), // 0xfffffffe, 0xfffffffd, 0xffffffff
		jX(jmp, ebpf.JumpSLT, 1, 1, toExit), jX(jmp, ebpf.JumpSLT, 1, 2, toExit), // not taken
		jX(jmp, ebpf.JumpSLT, 1, 3, 1), exit(), // taken
		mov32(0, 1), exit()),
	"ja32.data": prog( // ja32 is gotol
		mov(1, 0), gotol(2), // ja32 L2
		mov(2, 0), exit(), // L1:
		mov(0, 0), gotol(-4)), // L2: ...; ja32 L1
	"exit-not-last.data": prog(mov(1, 0), ja(2), mov(2, 0), exit(), mov(0, 0), ja(-4)),

	"lddw2.data":    prog(lddw(0, 0x80000000), exit()),
	"mem-len.data":  prog(movx(0, 2), exit()),
	"ldxb-all.data": ldxbAll(),
	"ldxh-same-reg.data": prog( // mov %r0, %r1; sth [%r0], 0x1234; ldxh %r0, [%r0]
		movx(0, 1), st(szH, 0, 0, 0x1234), ldx(szH, 0, 0, 0), exit()),
	"stb.data":           prog(st(szB, 1, 2, 0x11), ldx(szB, 0, 1, 2), exit()),
	"stdw.data":          prog(st(szDW, 1, 2, 0x44332211), ldx(szDW, 0, 1, 2), exit()),
	"stxb-chain.data":    stxbChain(),
	"rfc9669_ldxsb.data": prog(st(szB, 10, -1, 0x80), ldxsx(szB, 0, 10, -1), exit()),
	"stack3.data": prog( // two stdw, then walk down with %r2
		st(szDW, 10, -256, 123), st(szDW, 10, -512, 456), movx(2, 10),
		a64(ebpf.ALUSub, 2, 256), ldx(szDW, 0, 2, 0), a64(ebpf.ALUSub, 2, 256), ldx(szDW, 1, 2, 0),
		a64x(ebpf.ALUAdd, 0, 1), exit()),
	"subnet.data": prog(
		mov(2, 0xe), ldx(szH, 3, 1, 12), jK(jmp, ebpf.JumpNE, 3, 0x81, 3), // jne %r3, 0x81, L1
		mov(2, 0x12), ldx(szH, 3, 1, 16), a64(ebpf.ALUAnd, 3, 0xffff),
		jK(jmp, ebpf.JumpNE, 3, 0x8, 5), // L1: jne %r3, 0x8, L2
		a64x(ebpf.ALUAdd, 1, 2), mov(0, 1), ldx(szW, 1, 1, 16), a64(ebpf.ALUAnd, 1, 0xffffff),
		jK(jmp, ebpf.JumpEq, 1, 0x1a8c0, toExit),
		mov(0, 0), exit()), // L2:

	"lock_add.data": prog(
		lddw(0, 0x123456789abcdef0), stx(szDW, 10, 0, -8), mov(1, 1),
		atomicOp(szDW, ebpf.AtomicAdd, 10, 1, -8), // lock add [%r10-8], %r1
		ldx(szDW, 1, 10, -8), lddw(0, 0x123456789abcdef1), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		mov(0, 0), exit()),
	"lock_or.data": prog(
		lddw(0, 0x1100110011001100), lddw(1, 0x0011001100110011), stx(szDW, 10, 0, -8),
		atomicOp(szDW, ebpf.AtomicOr, 10, 1, -8),
		ldx(szDW, 0, 10, -8), lddw(1, 0x1111111111111111), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		mov(0, 0), exit()),
	"lock_fetch_and32.data": prog(
		lddw(0, 0x123456789abcdef0), stx(szDW, 10, 0, -8), lddw(1, 0x00ff00ff00ff00ff),
		atomicOp(szW, ebpf.AtomicAnd|ebpf.AtomicFetch, 10, 1, -8), // lock fetch and32
		jX(j32, ebpf.JumpNE, 1, 0, toExit),
		ldx(szDW, 0, 10, -8), lddw(1, 0x1234567800bc00f0), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		mov(0, 0), exit()),
	"lock_fetch_xor.data": prog(
		lddw(0, 0xcccccccccccccccc), lddw(1, allOnes), stx(szDW, 10, 0, -8),
		atomicOp(szDW, ebpf.AtomicXor|ebpf.AtomicFetch, 10, 1, -8), // lock fetch xor
		jX(jmp, ebpf.JumpNE, 1, 0, toExit),
		ldx(szDW, 0, 10, -8), lddw(1, 0x3333333333333333), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		mov(0, 0), exit()),
	"lock_xchg32.data": prog(
		mov(0, 1), lddw(1, 0x1111111111111111), stx(szDW, 10, 1, -8), lddw(1, 0x2222222222222222),
		atomicOp(szW, ebpf.AtomicXchg, 10, 1, -8), // lock xchg32
		ldx(szDW, 2, 10, -8), lddw(0, 0x1111111122222222), jX(jmp, ebpf.JumpNE, 2, 0, toExit),
		lddw(0, 0x11111111), jX(jmp, ebpf.JumpNE, 1, 0, toExit),
		mov(0, 0), exit()),
	"lock_cmpxchg.data": prog(
		lddw(0, 0x123456789abcdef0), stx(szDW, 10, 0, -8),
		lddw(1, 0x1122334455667788), lddw(0, 0xfedcba987654321),
		atomicOp(szDW, ebpf.AtomicCmpXchg, 10, 1, -8), // fails: [%r10-8] != %r0
		lddw(1, 0x123456789abcdef0), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		ldx(szDW, 0, 10, -8), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		lddw(0, 0x123456789abcdef0), stx(szDW, 10, 0, -8), lddw(1, 0x1122334455667788),
		atomicOp(szDW, ebpf.AtomicCmpXchg, 10, 1, -8), // succeeds
		lddw(1, 0x123456789abcdef0), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		ldx(szDW, 0, 10, -8), lddw(1, 0x1122334455667788), jX(jmp, ebpf.JumpNE, 0, 1, toExit),
		mov(0, 0), exit()),

	"call_local.data": prog(
		mov(0, 0), mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), mov(6, 6), mov(7, 7), mov(8, 8), mov(9, 9),
		callLocal(9), // call local func1
		jK(jmp, ebpf.JumpNE, 0, 15, 6), jK(jmp, ebpf.JumpNE, 6, 6, 5), jK(jmp, ebpf.JumpNE, 7, 7, 4),
		jK(jmp, ebpf.JumpNE, 8, 8, 3), jK(jmp, ebpf.JumpNE, 9, 9, 2), // jne ..., failed
		mov(0, 1), exit(),
		mov(0, -1), exit(), // failed:
		mov(0, 0), a64x(ebpf.ALUAdd, 0, 1), a64x(ebpf.ALUAdd, 0, 2), a64x(ebpf.ALUAdd, 0, 3), // func1:
		a64x(ebpf.ALUAdd, 0, 4), a64x(ebpf.ALUAdd, 0, 5),
		mov(6, 0), mov(7, 0), mov(8, 0), mov(9, 0), exit()),
	"factorial.data": prog(
		mov(1, 1), mov(2, 20), callLocal(1), exit(), // call local exponential
		a64x(ebpf.ALUMul, 1, 2), a64(ebpf.ALUSub, 2, 1), jK(jmp, ebpf.JumpNE, 2, 0, -3), // exponential:
		movx(0, 1), exit()),
	"call_unwind_fail.data": prog(mov(1, -1), call(5), mov(0, 2), exit()),
	"stack2.data": prog( // memfrob 4 stack bytes, gather them, undo the frob
		st(szB, 10, -4, 1), st(szB, 10, -3, 2), st(szB, 10, -2, 3), st(szB, 10, -1, 4),
		movx(1, 10), mov(2, 4), a64x(ebpf.ALUSub, 1, 2), call(1),
		mov(1, 0), ldx(szB, 2, 10, -4), ldx(szB, 3, 10, -3), ldx(szB, 4, 10, -2), ldx(szB, 5, 10, -1),
		call(0), a64(ebpf.ALUXor, 0, 0x2a2a2a2a), exit()),
	"string-stack.data": prog( // strcmp_ext("abcx", "abcx") == 0, strcmp_ext("abcx", "abcy") != 0
		mov(1, 0x78636261), stx(szW, 10, 1, -8), mov(6, 0), stx(szB, 10, 6, -4), stx(szB, 10, 6, -12),
		mov(1, 0x79636261), stx(szW, 10, 1, -16),
		movx(1, 10), a64(ebpf.ALUAdd, 1, -8), movx(2, 1), call(4),
		movx(1, 0), mov(0, 1), a64(ebpf.ALULsh, 1, 32), a64(ebpf.ALURsh, 1, 32),
		jK(jmp, ebpf.JumpNE, 1, 0, 11),
		movx(1, 10), a64(ebpf.ALUAdd, 1, -8), movx(2, 10), a64(ebpf.ALUAdd, 2, -16), call(4),
		movx(1, 0), a64(ebpf.ALULsh, 1, 32), a64(ebpf.ALURsh, 1, 32), mov(0, 1),
		jX(jmp, ebpf.JumpEq, 1, 6, 1), mov(0, 0), exit()),

	// uBPF's error suite: programs a loader must reject or a run must stop.
	"err-address-overflow-offset.data": prog(mov(6, -16), st(szB, 6, 16, 0), exit()),
	"err-address-underflow.data":       prog(mov(6, 0), ldx(szB, 0, 6, -1), exit()),
	"err-integer-overflow-bounds.data": prog(mov(6, 0), a64(ebpf.ALUSub, 6, 1), st(szB, 6, 0, 0), exit()),
	"err-stack-oob.data":               prog(st(szB, 10, 0, 0), exit()),
	"err-call-unreg.data":              prog(mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), call(63), exit()),
	"err-call-bad-imm.data":            prog(mov(1, 1), mov(2, 2), mov(3, 3), mov(4, 4), mov(5, 5), call(64), exit()),
	"err-infinite-loop.data":           prog(ja(-1), exit()),
	"err-jmp-lddw.data":                prog(ja(1), lddw(0, 0x1122334455667788), exit()),
	"err-jmp-out.data":                 prog(ja(2), exit()),
	"err-call-invalid-jump.data": prog( // the callee jumps back into the main program
		mov(1, 0x12345678), callLocal(1), exit(), a64(ebpf.ALUAdd, 1, 1), ja(-5), exit()),
	"err-call0.data":           prog(mov(0, 0x12345678), callLocal(0), exit()), // main falls into the callee
	"err-invalid-reg-dst.data": prog(ebpf.Instruction{Opcode: 0xb7, Dst: 11, Imm: 1}, exit()),
	"err-invalid-reg-src.data": prog(ebpf.Instruction{Opcode: 0xbf, Src: 11}, exit()),
}

// ldxbAll is ldxb-all.data: r9..r1 = byte k << 4k, r0 = byte 9 << 36, or.
func ldxbAll() []ebpf.Instruction {
	p := prog(movx(0, 1))
	for k := range 9 {
		p = append(p, bitsByte(uint8(9-k), int16(k), int32(4*k))...)
	}
	p = append(p, ldx(szB, 0, 0, 9), a64(ebpf.ALULsh, 0, 36))
	for r := uint8(1); r <= 9; r++ {
		p = append(p, a64x(ebpf.ALUOr, 0, r))
	}
	return append(p, exit())
}

// stxbChain is stxb-chain.data: copy byte k to k+1 through r9..r1.
func stxbChain() []ebpf.Instruction {
	p := prog(movx(0, 1))
	for k := range 9 {
		r := uint8(9 - k)
		p = append(p, ldx(szB, r, 0, int16(k)), stx(szB, 0, r, int16(k+1)))
	}
	return append(p, ldx(szB, 0, 0, 9), exit())
}
