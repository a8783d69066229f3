// Package amd64 encodes x86-64 instructions into bytes, for the code
// generators of deepsys (the eBPF JIT first, later Wasm, Lua and C). It
// knows nothing of any of them: it is a typed way to append machine code,
// with labels.
//
// An Assembler appends one instruction per method call. Operands are in
// Intel order (destination first), every integer instruction takes its
// operand width (W8, W16, W32, W64), and the method's suffix names its
// operand kinds, so that a generator's table can pick, say, ALURR(Sub, W32,
// ...). The files follow the instruction format, each with the Intel SDM
// sections it implements:
//
//	reg.go             registers, widths, condition codes
//	encode.go          prefixes, REX, opcode; immediates
//	mem.go             ModRM, SIB, displacement; RIP-relative operands
//	label.go           labels, jumps, calls, Finish's fixups
//	encode_mov.go      MOV (reg, imm, load, store), MOVZX, MOVSX(D), LEA, PUSH, POP
//	encode_alu.go      ADD OR ADC SBB AND SUB XOR CMP, TEST, NEG, NOT
//	encode_muldiv.go   IMUL (2 and 3 operands), MUL, IMUL, DIV, IDIV (RDX:RAX), CQO, CDQ
//	encode_shift.go    SHL SHR SAR ROL ROR (by imm and CL), BSWAP
//	encode_atomic.go   XCHG, LOCK XADD, LOCK CMPXCHG, LOCK ADD/OR/AND/XOR/...
//	encode_cond.go     SETcc, CMOVcc
//	encode_control.go  CALL/JMP through a register, RET, NOP, INT3, UD2, inline data
//
// Choices:
//
//   - Shortest forms. Displacements are omitted, disp8 or disp32; group 1
//     and IMUL immediates use the sign-extended imm8 form when the value fits
//     and the accumulator form for RAX otherwise; a shift by 1 uses D1;
//     MovRI picks among mov r32, imm32 (zero-extending), mov r64, simm32 and
//     movabs by the constant. The choices agree with GNU as, except where
//     as, unless asked to optimise (-O), keeps the 64-bit form the text
//     names: for "mov rax, 1" it writes 7 bytes and for "mov rax,
//     0x80000000" 10, where the zero-extending mov eax is 5.
//   - 32-bit operations zero the upper half of their 64-bit destination,
//     as the processor does; the encoder relies on it (MovzxRR from 8 bits
//     is movzx r32, r8) and documents it on each method where it matters.
//     8- and 16-bit operations keep the upper bits.
//   - Labels: a backward jump takes rel8 when it reaches, a forward jump
//     rel32 unless the generator asks for rel8 (JmpShort, JccShort). No
//     relaxation: bytes never move after they are written, so offsets from
//     Len stay true (label.go explains).
//   - Bad operands are generator bugs: the method writes nothing, and
//     Finish returns the first error, as it does for a label never bound or
//     a short jump that cannot reach.
//
// Deliberately not done: SSE, AVX and x87 (no floating point yet); 8-bit
// MUL/DIV (AH:AL) and the AH-BH registers; memory operands for NEG, NOT,
// MUL, DIV, the shifts, CALL and JMP (registers only), PUSH of an
// immediate, BT*, INC/DEC; segment overrides, address-size prefixes and
// addressing without a base register; MOVBE,
// BMI and other extensions that need a CPUID check; register allocation,
// instruction selection and scheduling, which belong to each generator;
// and relaxation, as said. Tests check every encoding against bytes from
// GNU as and against golang.org/x/arch/x86/x86asm's decoder, and run
// generated code through internal/execmem.
package amd64
