package interp

// The dispatch loop: one function, one switch over the compact op of the
// current instruction. Go compiles a dense switch on a byte into a jump
// table, so dispatch is a bounds check and one indirect jump. Rare or long
// operations (calls, atomics, byte swaps, legacy packet loads) are methods
// the loop calls, so the hot arms (ALU, jumps, loads and stores) stay
// small. Per instruction:
//
//  1. charge the budget; at zero, fail with ErrBudget (a hostile loop ends);
//  2. fetch code[pc] and advance pc;
//  3. execute; a branch sets pc to the target index that Compile resolved;
//  4. a memory access goes through memory.at and faults with the
//     instruction's index if the bytes are not all inside one region.
//
// Why a switch (BenchmarkDispatch, dispatch_test.go: the same two loops,
// three schemes interleaved in one process, least CPU time over 30 rounds;
// ranges over a dozen runs on this project's shared 2-core EPYC VM):
//
//	ns per instruction        arith loop   stack loop
//	switch (this file)        2.3 - 3.8    2.8 - 3.4
//	handler table [op]func    2.9 - 4.4    4.5 - 5.0
//	closure per instruction   4.0 - 4.8    4.5 - 4.9
//
// The switch won every run but one disturbed one. Its own figure moves by up to 1 ns with code
// layout: removing the &15 register masks (a [256] register file instead)
// made the arith loop 1 ns slower with otherwise identical code, so small
// differences between variants of this loop are noise unless measured
// side by side.
//
// An indirect call costs more than an indirect jump in Go: the call saves
// and restores live registers and the callee checks the stack, and the
// handlers cannot keep pc or the budget in registers. Two variants of the
// switch were measured and dropped: charging the budget only at taken
// branches (slower by about 8%: the extra live variable costs more than one
// decrement per instruction) and sharing one arm between ST and STX (a
// branch per store).
//
// RFC 9669 §4.1 semantics in the arms: ALU32 results are zero-extended
// (uint64(uint32(...))), shift counts are masked (&63, &31), division by
// zero yields 0, modulo by zero leaves dst (ALU64) or its low half (ALU32),
// and signed overflow (INT_MIN / -1) wraps: Go defines x / -1 == x and
// x % -1 == 0 for the most negative x, the results the kernel also gives.

import (
	"encoding/binary"
	"fmt"
	"strconv"
)

var le = binary.LittleEndian

func (m *machine) run() (uint64, error) {
	code := m.prog.code
	r := &m.regs
	budget := m.prog.budget
	pc := 0
	for {
		if budget == 0 {
			return 0, m.fault(pc, fmt.Errorf("%w: %d instructions executed (Options.Budget)", ErrBudget, m.prog.budget))
		}
		budget--
		in := &code[pc]
		pc++
		switch in.op {
		case opAdd64K:
			r[in.dst&15] += in.imm
		case opAdd64X:
			r[in.dst&15] += r[in.src&15]
		case opSub64K:
			r[in.dst&15] -= in.imm
		case opSub64X:
			r[in.dst&15] -= r[in.src&15]
		case opMul64K:
			r[in.dst&15] *= in.imm
		case opMul64X:
			r[in.dst&15] *= r[in.src&15]
		case opDiv64K:
			r[in.dst&15] = div64(r[in.dst&15], in.imm)
		case opDiv64X:
			r[in.dst&15] = div64(r[in.dst&15], r[in.src&15])
		case opSDiv64K:
			r[in.dst&15] = sdiv64(r[in.dst&15], in.imm)
		case opSDiv64X:
			r[in.dst&15] = sdiv64(r[in.dst&15], r[in.src&15])
		case opOr64K:
			r[in.dst&15] |= in.imm
		case opOr64X:
			r[in.dst&15] |= r[in.src&15]
		case opAnd64K:
			r[in.dst&15] &= in.imm
		case opAnd64X:
			r[in.dst&15] &= r[in.src&15]
		case opLsh64K:
			r[in.dst&15] <<= in.imm & 63
		case opLsh64X:
			r[in.dst&15] <<= r[in.src&15] & 63
		case opRsh64K:
			r[in.dst&15] >>= in.imm & 63
		case opRsh64X:
			r[in.dst&15] >>= r[in.src&15] & 63
		case opMod64K:
			r[in.dst&15] = mod64(r[in.dst&15], in.imm)
		case opMod64X:
			r[in.dst&15] = mod64(r[in.dst&15], r[in.src&15])
		case opSMod64K:
			r[in.dst&15] = smod64(r[in.dst&15], in.imm)
		case opSMod64X:
			r[in.dst&15] = smod64(r[in.dst&15], r[in.src&15])
		case opXor64K:
			r[in.dst&15] ^= in.imm
		case opXor64X:
			r[in.dst&15] ^= r[in.src&15]
		case opMov64K:
			r[in.dst&15] = in.imm
		case opMov64X:
			r[in.dst&15] = r[in.src&15]
		case opArsh64K:
			r[in.dst&15] = uint64(int64(r[in.dst&15]) >> (in.imm & 63))
		case opArsh64X:
			r[in.dst&15] = uint64(int64(r[in.dst&15]) >> (r[in.src&15] & 63))
		case opNeg64:
			r[in.dst&15] = -r[in.dst&15]
		case opMovSX64B:
			r[in.dst&15] = uint64(int8(r[in.src&15]))
		case opMovSX64H:
			r[in.dst&15] = uint64(int16(r[in.src&15]))
		case opMovSX64W:
			r[in.dst&15] = uint64(int32(r[in.src&15]))

		case opAdd32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) + uint32(in.imm))
		case opAdd32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) + uint32(r[in.src&15]))
		case opSub32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) - uint32(in.imm))
		case opSub32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) - uint32(r[in.src&15]))
		case opMul32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) * uint32(in.imm))
		case opMul32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) * uint32(r[in.src&15]))
		case opDiv32K:
			r[in.dst&15] = div32(r[in.dst&15], in.imm)
		case opDiv32X:
			r[in.dst&15] = div32(r[in.dst&15], r[in.src&15])
		case opSDiv32K:
			r[in.dst&15] = sdiv32(r[in.dst&15], in.imm)
		case opSDiv32X:
			r[in.dst&15] = sdiv32(r[in.dst&15], r[in.src&15])
		case opOr32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) | uint32(in.imm))
		case opOr32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) | uint32(r[in.src&15]))
		case opAnd32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) & uint32(in.imm))
		case opAnd32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) & uint32(r[in.src&15]))
		case opLsh32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) << (in.imm & 31))
		case opLsh32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) << (r[in.src&15] & 31))
		case opRsh32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) >> (in.imm & 31))
		case opRsh32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) >> (r[in.src&15] & 31))
		case opMod32K:
			r[in.dst&15] = mod32(r[in.dst&15], in.imm)
		case opMod32X:
			r[in.dst&15] = mod32(r[in.dst&15], r[in.src&15])
		case opSMod32K:
			r[in.dst&15] = smod32(r[in.dst&15], in.imm)
		case opSMod32X:
			r[in.dst&15] = smod32(r[in.dst&15], r[in.src&15])
		case opXor32K:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) ^ uint32(in.imm))
		case opXor32X:
			r[in.dst&15] = uint64(uint32(r[in.dst&15]) ^ uint32(r[in.src&15]))
		case opMov32K:
			r[in.dst&15] = uint64(uint32(in.imm))
		case opMov32X:
			r[in.dst&15] = uint64(uint32(r[in.src&15]))
		case opArsh32K:
			r[in.dst&15] = uint64(uint32(int32(r[in.dst&15]) >> (in.imm & 31)))
		case opArsh32X:
			r[in.dst&15] = uint64(uint32(int32(r[in.dst&15]) >> (r[in.src&15] & 31)))
		case opNeg32:
			r[in.dst&15] = uint64(-uint32(r[in.dst&15]))
		case opMovSX32B:
			r[in.dst&15] = uint64(uint32(int8(r[in.src&15])))
		case opMovSX32H:
			r[in.dst&15] = uint64(uint32(int16(r[in.src&15])))

		case opLE16, opLE32, opLE64, opBswap16, opBswap32, opBswap64:
			r[in.dst&15] = byteOrder(in.op, r[in.dst&15])

		case opJA:
			pc = int(in.off)
		case opJEqK:
			if r[in.dst&15] == in.imm {
				pc = int(in.off)
			}
		case opJEqX:
			if r[in.dst&15] == r[in.src&15] {
				pc = int(in.off)
			}
		case opJGTK:
			if r[in.dst&15] > in.imm {
				pc = int(in.off)
			}
		case opJGTX:
			if r[in.dst&15] > r[in.src&15] {
				pc = int(in.off)
			}
		case opJGEK:
			if r[in.dst&15] >= in.imm {
				pc = int(in.off)
			}
		case opJGEX:
			if r[in.dst&15] >= r[in.src&15] {
				pc = int(in.off)
			}
		case opJSetK:
			if r[in.dst&15]&in.imm != 0 {
				pc = int(in.off)
			}
		case opJSetX:
			if r[in.dst&15]&r[in.src&15] != 0 {
				pc = int(in.off)
			}
		case opJNEK:
			if r[in.dst&15] != in.imm {
				pc = int(in.off)
			}
		case opJNEX:
			if r[in.dst&15] != r[in.src&15] {
				pc = int(in.off)
			}
		case opJSGTK:
			if int64(r[in.dst&15]) > int64(in.imm) {
				pc = int(in.off)
			}
		case opJSGTX:
			if int64(r[in.dst&15]) > int64(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSGEK:
			if int64(r[in.dst&15]) >= int64(in.imm) {
				pc = int(in.off)
			}
		case opJSGEX:
			if int64(r[in.dst&15]) >= int64(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJLTK:
			if r[in.dst&15] < in.imm {
				pc = int(in.off)
			}
		case opJLTX:
			if r[in.dst&15] < r[in.src&15] {
				pc = int(in.off)
			}
		case opJLEK:
			if r[in.dst&15] <= in.imm {
				pc = int(in.off)
			}
		case opJLEX:
			if r[in.dst&15] <= r[in.src&15] {
				pc = int(in.off)
			}
		case opJSLTK:
			if int64(r[in.dst&15]) < int64(in.imm) {
				pc = int(in.off)
			}
		case opJSLTX:
			if int64(r[in.dst&15]) < int64(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSLEK:
			if int64(r[in.dst&15]) <= int64(in.imm) {
				pc = int(in.off)
			}
		case opJSLEX:
			if int64(r[in.dst&15]) <= int64(r[in.src&15]) {
				pc = int(in.off)
			}

		case opJEq32K:
			if uint32(r[in.dst&15]) == uint32(in.imm) {
				pc = int(in.off)
			}
		case opJEq32X:
			if uint32(r[in.dst&15]) == uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJGT32K:
			if uint32(r[in.dst&15]) > uint32(in.imm) {
				pc = int(in.off)
			}
		case opJGT32X:
			if uint32(r[in.dst&15]) > uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJGE32K:
			if uint32(r[in.dst&15]) >= uint32(in.imm) {
				pc = int(in.off)
			}
		case opJGE32X:
			if uint32(r[in.dst&15]) >= uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSet32K:
			if uint32(r[in.dst&15])&uint32(in.imm) != 0 {
				pc = int(in.off)
			}
		case opJSet32X:
			if uint32(r[in.dst&15])&uint32(r[in.src&15]) != 0 {
				pc = int(in.off)
			}
		case opJNE32K:
			if uint32(r[in.dst&15]) != uint32(in.imm) {
				pc = int(in.off)
			}
		case opJNE32X:
			if uint32(r[in.dst&15]) != uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSGT32K:
			if int32(r[in.dst&15]) > int32(in.imm) {
				pc = int(in.off)
			}
		case opJSGT32X:
			if int32(r[in.dst&15]) > int32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSGE32K:
			if int32(r[in.dst&15]) >= int32(in.imm) {
				pc = int(in.off)
			}
		case opJSGE32X:
			if int32(r[in.dst&15]) >= int32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJLT32K:
			if uint32(r[in.dst&15]) < uint32(in.imm) {
				pc = int(in.off)
			}
		case opJLT32X:
			if uint32(r[in.dst&15]) < uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJLE32K:
			if uint32(r[in.dst&15]) <= uint32(in.imm) {
				pc = int(in.off)
			}
		case opJLE32X:
			if uint32(r[in.dst&15]) <= uint32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSLT32K:
			if int32(r[in.dst&15]) < int32(in.imm) {
				pc = int(in.off)
			}
		case opJSLT32X:
			if int32(r[in.dst&15]) < int32(r[in.src&15]) {
				pc = int(in.off)
			}
		case opJSLE32K:
			if int32(r[in.dst&15]) <= int32(in.imm) {
				pc = int(in.off)
			}
		case opJSLE32X:
			if int32(r[in.dst&15]) <= int32(r[in.src&15]) {
				pc = int(in.off)
			}

		case opCallHelper:
			if err := m.callHelper(in); err != nil {
				return 0, m.fault(pc-1, err)
			}
		case opCallLocal:
			if m.depth+1 >= MaxFrames {
				return 0, m.fault(pc-1, errCallDepth)
			}
			m.push(pc)
			pc = int(in.off)
		case opExit:
			if m.depth == 0 {
				m.budget = budget
				return r[0], nil
			}
			pc = m.pop()

		case opLdxB:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 1)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[1]byte)(p)[:]
			r[in.dst&15] = uint64(b[0])
		case opLdxH:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 2)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[2]byte)(p)[:]
			r[in.dst&15] = uint64(le.Uint16(b))
		case opLdxW:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 4)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[4]byte)(p)[:]
			r[in.dst&15] = uint64(le.Uint32(b))
		case opLdxDW:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 8)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[8]byte)(p)[:]
			r[in.dst&15] = le.Uint64(b)
		case opLdxSB:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 1)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[1]byte)(p)[:]
			r[in.dst&15] = uint64(int8(b[0]))
		case opLdxSH:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 2)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[2]byte)(p)[:]
			r[in.dst&15] = uint64(int16(le.Uint16(b)))
		case opLdxSW:
			p := m.mem.at(r[in.src&15]+uint64(int64(in.off)), 4)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[4]byte)(p)[:]
			r[in.dst&15] = uint64(int32(le.Uint32(b)))

		case opStB:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 1)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[1]byte)(p)[:]
			b[0] = uint8(in.imm)
		case opStxB:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 1)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[1]byte)(p)[:]
			b[0] = uint8(r[in.src&15])
		case opStH:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 2)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[2]byte)(p)[:]
			le.PutUint16(b, uint16(in.imm))
		case opStxH:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 2)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[2]byte)(p)[:]
			le.PutUint16(b, uint16(r[in.src&15]))
		case opStW:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 4)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[4]byte)(p)[:]
			le.PutUint32(b, uint32(in.imm))
		case opStxW:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 4)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[4]byte)(p)[:]
			le.PutUint32(b, uint32(r[in.src&15]))
		case opStDW:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 8)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[8]byte)(p)[:]
			le.PutUint64(b, in.imm)
		case opStxDW:
			p := m.mem.atWritable(r[in.dst&15]+uint64(int64(in.off)), 8)
			if p == nil {
				return 0, m.accessFault(pc - 1)
			}
			b := (*[8]byte)(p)[:]
			le.PutUint64(b, r[in.src&15])

		case opLdxFrameB:
			r[in.dst&15] = uint64(m.frame(in.off)[0])
		case opLdxFrameH:
			r[in.dst&15] = uint64(le.Uint16(m.frame(in.off)))
		case opLdxFrameW:
			r[in.dst&15] = uint64(le.Uint32(m.frame(in.off)))
		case opLdxFrameDW:
			r[in.dst&15] = le.Uint64(m.frame(in.off))
		case opStFrameB:
			m.frame(in.off)[0] = uint8(in.imm)
		case opStFrameH:
			le.PutUint16(m.frame(in.off), uint16(in.imm))
		case opStFrameW:
			le.PutUint32(m.frame(in.off), uint32(in.imm))
		case opStFrameDW:
			le.PutUint64(m.frame(in.off), in.imm)
		case opStxFrameB:
			m.frame(in.off)[0] = uint8(r[in.src&15])
		case opStxFrameH:
			le.PutUint16(m.frame(in.off), uint16(r[in.src&15]))
		case opStxFrameW:
			le.PutUint32(m.frame(in.off), uint32(r[in.src&15]))
		case opStxFrameDW:
			le.PutUint64(m.frame(in.off), r[in.src&15])

		case opAtomic32, opAtomic64:
			if err := m.atomic(in); err != nil {
				return 0, m.fault(pc-1, err)
			}

		case opLdAbsB, opLdAbsH, opLdAbsW, opLdIndB, opLdIndH, opLdIndW:
			if !m.legacyLoad(in) {
				return 0, nil // out of the packet: the program ends with 0
			}

		default:
			panic("BUG: interp: unknown op " + strconv.Itoa(int(in.op)))
		}
	}
}
