package asm

// The atomic statements of the LLVM syntax (RFC 9669 §5.3): the plain
// ones as "lock" statements, the fetching ones as calls:
//
//	lock *(u64 *)(r1 + 0x8) += r2                    add, or, and, xor
//	r2 = atomic_fetch_add((u64 *)(r1 + 0x8), r2)     ... with fetch
//	w2 = xchg32_32(r1 + 0x8, w2)                     xchg
//	r0 = cmpxchg_64(r1 + 0x8, r0, r2)                cmpxchg

import "github.com/deepsys/deepsys/ebpf"

var llvmLockOps = map[string]ebpf.AtomicOp{"+=": ebpf.AtomicAdd, "|=": ebpf.AtomicOr, "&=": ebpf.AtomicAnd,
	"^=": ebpf.AtomicXor}

// lock parses "lock *(u64 *)(rD + off) += rS" after the "lock".
func (p *llvmParser) lock(st *llvmStmt) error {
	if err := p.expect("*"); err != nil {
		return err
	}
	size, err := p.atomicSize()
	if err != nil {
		return err
	}
	dst, off, err := p.address(false)
	if err != nil {
		return err
	}
	opTok := p.next()
	op, ok := llvmLockOps[opTok.text]
	if !ok || opTok.kind != ltOp {
		return p.errorf(opTok, "expected += |= &= or ^=, %s", found(opTok))
	}
	src, err := p.memReg(size)
	st.ins = ebpf.Instruction{Opcode: memOp(ebpf.ClassSTX, ebpf.ModeATOMIC, size), Dst: dst, Src: src,
		Offset: off, Imm: int32(op)}
	return err
}

// atomicSize reads "(u32 *)" or "(u64 *)", the sizes atomics have.
func (p *llvmParser) atomicSize() (ebpf.Size, error) {
	size, _, t, err := p.sizeCast()
	if err == nil && size != ebpf.SizeW && size != ebpf.SizeDW || err == nil && t.text[0] == 's' {
		err = p.errorf(t, "atomic operations are u32 or u64, found %q", t.text)
	}
	return size, err
}

// llvmAtomicCall is a fetching atomic written as a call: its operation,
// and for LLVM's xchg and cmpxchg the size, their address being written
// bare ("r1 + 0x8"); the others take the size from a cast, "(u64 *)(r1 + 0x8)".
type llvmAtomicCall struct {
	op   ebpf.AtomicOp
	size ebpf.Size // with bare
	bare bool
}

var llvmAtomicCalls = func() map[string]llvmAtomicCall {
	m := map[string]llvmAtomicCall{
		"xchg_64":      {ebpf.AtomicXchg, ebpf.SizeDW, true},
		"xchg32_32":    {ebpf.AtomicXchg, ebpf.SizeW, true},
		"cmpxchg_64":   {ebpf.AtomicCmpXchg, ebpf.SizeDW, true},
		"cmpxchg32_32": {ebpf.AtomicCmpXchg, ebpf.SizeW, true},
	}
	// LLVM's atomic_fetch_add, and the verifier log's atomic64_fetch_add,
	// atomic_xchg, atomic64_cmpxchg, ...
	for _, prefix := range []string{"atomic_", "atomic64_"} {
		for name, op := range map[string]ebpf.AtomicOp{"fetch_add": ebpf.AtomicAdd, "fetch_or": ebpf.AtomicOr,
			"fetch_and": ebpf.AtomicAnd, "fetch_xor": ebpf.AtomicXor} {
			m[prefix+name] = llvmAtomicCall{op: op | ebpf.AtomicFetch}
		}
		m[prefix+"xchg"] = llvmAtomicCall{op: ebpf.AtomicXchg}
		m[prefix+"cmpxchg"] = llvmAtomicCall{op: ebpf.AtomicCmpXchg}
	}
	return m
}()

// atomicCall finishes the fetching atomics, which LLVM prints as calls:
//
//	r1 = atomic_fetch_add((u64 *)(r10 - 0x8), r1)
//	w1 = xchg32_32(r10 - 0x8, w1)
//	r0 = cmpxchg_64(r10 - 0x8, r0, r1)
//
// and the verifier log as r1 = atomic64_fetch_add((u64 *)(r10 -8), r1),
// r0 = atomic64_cmpxchg((u64 *)(r10 -8), r0, r1).
func (p *llvmParser) atomicCall(st *llvmStmt, dst llvmToken, name llvmToken) error {
	call, ok := llvmAtomicCalls[name.text]
	if !ok {
		return p.errorf(name, "unknown operation %q", name.text)
	}
	if err := p.expect("("); err != nil {
		return err
	}
	size := call.size
	if !call.bare {
		var err error
		if size, err = p.atomicSize(); err != nil {
			return err
		}
	}
	reg, off, err := p.address(call.bare)
	if err != nil {
		return err
	}
	// 8 bytes take rN; 4 bytes wN in LLVM's xchg32_32 and cmpxchg32_32, and
	// either in the cast forms (the verifier log writes rN, LLVM wN).
	if size == ebpf.SizeDW && !dst.wide || call.bare && size == ebpf.SizeW && dst.wide {
		return p.errorf(dst, "%s does not match the %d-byte access", dst.text, size.Bytes())
	}
	src, err := p.atomicOperands(dst, call.op)
	st.ins = ebpf.Instruction{Opcode: memOp(ebpf.ClassSTX, ebpf.ModeATOMIC, size), Dst: reg, Src: src,
		Offset: off, Imm: int32(call.op)}
	return err
}

// atomicOperands reads ", r0, rS)" (cmpxchg) or ", rS)" with rS the
// destination (the others), and returns rS.
func (p *llvmParser) atomicOperands(dst llvmToken, op ebpf.AtomicOp) (uint8, error) {
	if err := p.expect(","); err != nil {
		return 0, err
	}
	if op == ebpf.AtomicCmpXchg {
		if dst.val != 0 {
			return 0, p.errorf(dst, "cmpxchg writes r0, not %s", dst.text)
		}
		r, err := p.reg()
		if err != nil {
			return 0, err
		}
		if r.val != 0 || r.wide != dst.wide {
			return 0, p.errorf(r, "cmpxchg compares with %s, found %s", dst.text, r.text)
		}
		if err := p.expect(","); err != nil {
			return 0, err
		}
	}
	r, err := p.reg()
	if err != nil {
		return 0, err
	}
	if r.wide != dst.wide || op != ebpf.AtomicCmpXchg && r.val != dst.val {
		return 0, p.errorf(r, "the value register must be %s, found %s", dst.text, r.text)
	}
	return uint8(r.val), p.expect(")")
}
