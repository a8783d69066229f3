package amd64

// Atomic read-modify-write: XCHG, and the LOCK prefix on XADD, CMPXCHG and
// the group 1 operations with a memory destination (SDM vol. 2A, "LOCK—
// Assert LOCK# Signal Prefix", "XCHG—Exchange Register/Memory With
// Register", "XADD—Exchange and Add", "CMPXCHG—Compare and Exchange").
//
//	F0 prefix   makes the instruction after it atomic; allowed only on a
//	            read-modify-write of memory (else #UD), so only these
//	            methods emit it
//	86/87 /r    xchg r/m, r: with memory it is atomic without LOCK
//	90+r        xchg eax/rax, r (no ModRM; but 90 alone is NOP, which does
//	            not zero-extend, so xchg eax, eax is written 87 C0, and
//	            any xchg of RAX with itself takes 87 too)
//	0F C0/C1 /r xadd r/m, r:    tmp = r/m + r; r = r/m; r/m = tmp
//	0F B0/B1 /r cmpxchg r/m, r: if RAX == r/m { r/m = r; ZF=1 } else { RAX = r/m; ZF=0 }
//
// A locked instruction is also a full memory barrier on x86-64 (SDM vol.
// 3A, "Memory Ordering in P6 and More Recent Processor Families": locked
// instructions have a total order and are not reordered with loads or
// stores), the sequentially consistent atomics eBPF and Wasm ask for.

// XchgRR swaps x and y.
func (a *Assembler) XchgRR(w Width, x, y Reg) {
	if !a.ok("xchg", w, anyWidth, x, y) {
		return
	}
	if y == RAX {
		x, y = y, x
	}
	if w != W8 && x == RAX && y != RAX {
		a.plusR(inst{w: w, op: 0x90}, y)
		return
	}
	a.rr(inst{w: w, op: byteOp(w, 0x87), rex: w == W8 && byteREX(x, y)}, y, x)
}

// XchgMR atomically swaps [m] and r (the processor locks the bus without a
// LOCK prefix).
func (a *Assembler) XchgMR(w Width, m Mem, r Reg) {
	if a.ok("xchg", w, anyWidth, r) && a.okMem("xchg", m) {
		a.rm(inst{w: w, op: byteOp(w, 0x87), rex: w == W8 && byteREX(r)}, r, m, 0)
	}
}

// LockXadd is lock xadd [m], r: atomically adds r to [m] and sets r to the
// old value of [m].
func (a *Assembler) LockXadd(w Width, m Mem, r Reg) {
	if a.ok("xadd", w, anyWidth, r) && a.okMem("xadd", m) {
		a.rm(inst{w: w, lock: true, op: byteOp(w, 0x0fc1), rex: w == W8 && byteREX(r)}, r, m, 0)
	}
}

// LockCmpxchg is lock cmpxchg [m], r: atomically, if [m] equals RAX (EAX,
// AX, AL at narrower widths) it stores r and sets ZF, else it loads [m]
// into RAX and clears ZF.
func (a *Assembler) LockCmpxchg(w Width, m Mem, r Reg) {
	if a.ok("cmpxchg", w, anyWidth, r) && a.okMem("cmpxchg", m) {
		a.rm(inst{w: w, lock: true, op: byteOp(w, 0x0fb1), rex: w == W8 && byteREX(r)}, r, m, 0)
	}
}

// LockALUMR is lock op [m], src: an atomic ALUMR. op may not be Cmp.
func (a *Assembler) LockALUMR(op ALUOp, w Width, m Mem, src Reg) {
	if a.okLock(op) && a.okALU(op, w, src) && a.okMem(op.String(), m) {
		a.rm(inst{w: w, lock: true, op: byteOp(w, opc(op)*8+1), rex: w == W8 && byteREX(src)}, src, m, 0)
	}
}

// LockALUMI is lock op [m], imm: an atomic ALUMI. op may not be Cmp.
func (a *Assembler) LockALUMI(op ALUOp, w Width, m Mem, imm int32) {
	if a.okLock(op) {
		a.aluMI(true, op, w, m, imm)
	}
}

func (a *Assembler) okLock(op ALUOp) bool {
	if op == Cmp {
		a.fail("lock cmp", "CMP does not write memory; LOCK would raise #UD")
		return false
	}
	return true
}
