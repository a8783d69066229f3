package asm

// The atomic statements of the LLVM syntax (RFC 9669 §5.3): the plain
// ones as "lock" statements, the fetching ones as calls:
//
//	lock *(u64 *)(r1 + 0x8) += r2                    add, or, and, xor
//	r2 = atomic_fetch_add((u64 *)(r1 + 0x8), r2)     ... with fetch
//	w2 = xchg32_32(r1 + 0x8, w2)                     xchg
//	r0 = cmpxchg_64(r1 + 0x8, r0, r2)                cmpxchg

import (
	"strings"

	"github.com/deepsys/deepsys/ebpf"
)

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

// atomicCall finishes the fetching atomics, which LLVM prints as calls:
//
//	r1 = atomic_fetch_add((u64 *)(r10 - 0x8), r1)
//	w1 = xchg32_32(r10 - 0x8, w1)
//	r0 = cmpxchg_64(r10 - 0x8, r0, r1)
func (p *llvmParser) atomicCall(st *llvmStmt, dst llvmToken, name llvmToken) error {
	fetchOps := map[string]ebpf.AtomicOp{"atomic_fetch_add": ebpf.AtomicAdd, "atomic_fetch_or": ebpf.AtomicOr,
		"atomic_fetch_and": ebpf.AtomicAnd, "atomic_fetch_xor": ebpf.AtomicXor}
	var op ebpf.AtomicOp
	var size ebpf.Size
	var reg uint8
	var off int16
	var err error
	xchgs := map[string]bool{"xchg_64": true, "cmpxchg_64": true, "xchg32_32": true, "cmpxchg32_32": true}
	if _, ok := fetchOps[name.text]; !ok && !xchgs[name.text] {
		return p.errorf(name, "unknown operation %q", name.text)
	}
	if err := p.expect("("); err != nil {
		return err
	}
	switch name.text {
	case "xchg_64", "cmpxchg_64", "xchg32_32", "cmpxchg32_32": // xchgs
		op, size = ebpf.AtomicXchg, ebpf.SizeDW
		if strings.HasPrefix(name.text, "cmp") {
			op = ebpf.AtomicCmpXchg
		}
		if strings.HasSuffix(name.text, "32_32") {
			size = ebpf.SizeW
		}
		reg, off, err = p.address(true)
	default:
		op = fetchOps[name.text] | ebpf.AtomicFetch
		if size, err = p.atomicSize(); err != nil {
			return err
		}
		reg, off, err = p.address(false)
	}
	if err != nil {
		return err
	}
	if (size == ebpf.SizeDW) != dst.wide {
		return p.errorf(dst, "%s does not match the %d-byte access", dst.text, size.Bytes())
	}
	src, err := p.atomicOperands(dst, op)
	st.ins = ebpf.Instruction{Opcode: memOp(ebpf.ClassSTX, ebpf.ModeATOMIC, size), Dst: reg, Src: src,
		Offset: off, Imm: int32(op)}
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
