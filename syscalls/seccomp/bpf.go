package seccomp

import (
	"encoding/binary"
	"errors"
	"fmt"

	"golang.org/x/sys/unix"
)

// Classic BPF, the language of seccomp filters (Documentation/networking/
// filter.rst; include/uapi/linux/filter.h): an accumulator A, an index
// register X, 16 scratch words M[], and 8-byte instructions {code, jt, jf,
// k}. A conditional jump's targets jt and jf are 8-bit forward offsets, so
// a target more than 255 instructions ahead is reached through a trampoline
// (below); BPF_JA takes the 32-bit k.
const (
	opLdAbs  = unix.BPF_LD | unix.BPF_W | unix.BPF_ABS
	opAndK   = unix.BPF_ALU | unix.BPF_AND | unix.BPF_K
	opJeqK   = unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K
	opJgtK   = unix.BPF_JMP | unix.BPF_JGT | unix.BPF_K
	opJgeK   = unix.BPF_JMP | unix.BPF_JGE | unix.BPF_K
	opJa     = unix.BPF_JMP | unix.BPF_JA
	opRetK   = unix.BPF_RET | unix.BPF_K
	maxInsns = unix.BPF_MAXINSNS
	maxJump  = 255
)

// label names a place in the program that jumps go to; next is the
// instruction that follows.
type label int

const next label = -1

// node is an instruction under construction. A conditional jump's targets
// are labels until assemble turns them into node ids. (The builder emits no
// BPF_JA; only layout inserts them, as trampolines.)
type node struct {
	code   uint16
	k      uint32
	jt, jf label
}

// builder collects the nodes of a program and the labels bound to them.
type builder struct {
	nodes  []node
	labels []int // label -> index of the node it is bound to, -1 unbound
}

func (b *builder) newLabel() label {
	b.labels = append(b.labels, -1)
	return label(len(b.labels) - 1)
}

// bind places l at the next node emitted.
func (b *builder) bind(l label) { b.labels[l] = len(b.nodes) }

func (b *builder) stmt(code uint16, k uint32) { b.nodes = append(b.nodes, node{code: code, k: k}) }

func (b *builder) ret(v uint32) { b.stmt(opRetK, v) }

func (b *builder) jump(code uint16, k uint32, jt, jf label) {
	b.nodes = append(b.nodes, node{code: code, k: k, jt: jt, jf: jf})
}

// assemble lays the nodes out and encodes them, resolving labels to
// offsets. Layout, repeated until every offset fits:
//  1. number the nodes in order and compute each jump's offsets;
//  2. for the first conditional jump whose jt or jf is over 255, insert
//     right after it one trampoline per far target (a copy of the target
//     when it is a RET, else a BPF_JA with a 32-bit offset) and point the
//     jump at them (offsets 0 and 1).
//
// Inserting only lengthens other jumps, so each branch is fixed at most
// once and the loop ends.
func (b *builder) assemble() ([]unix.SockFilter, error) {
	prog, err := b.resolveLabels()
	if err != nil {
		return nil, err
	}
	for {
		pos := positions(prog)
		i := firstFarJump(prog, pos)
		if i < 0 {
			return encode(prog, pos)
		}
		prog = insertTrampolines(prog, i)
		if len(prog) > maxInsns {
			return nil, fmt.Errorf("compiled filter needs more than %d instructions (BPF_MAXINSNS)", maxInsns)
		}
	}
}

// layoutNode is a node whose targets are node ids.
type layoutNode struct {
	id     int
	code   uint16
	k      uint32
	jt, jf int // target ids of a conditional jump or (jt) of BPF_JA
}

// resolveLabels turns labels into the ids of the nodes they are bound to.
func (b *builder) resolveLabels() ([]layoutNode, error) {
	out := make([]layoutNode, len(b.nodes))
	target := func(i int, l label) (int, error) {
		if l == next {
			return i + 1, nil
		}
		t := b.labels[l]
		if t <= i || t >= len(b.nodes) {
			return 0, fmt.Errorf("BUG: seccomp compiler: label %d of node %d resolves to %d", l, i, t)
		}
		return t, nil
	}
	for i, n := range b.nodes {
		out[i] = layoutNode{id: i, code: n.code, k: n.k}
		if !isCondJump(n.code) {
			continue
		}
		var err1, err2 error
		out[i].jt, err1 = target(i, n.jt)
		out[i].jf, err2 = target(i, n.jf)
		if err := errors.Join(err1, err2); err != nil {
			return nil, err
		}
	}
	return out, nil
}

func isCondJump(code uint16) bool {
	return code&0x07 == unix.BPF_JMP && code&0xf0 != unix.BPF_JA
}

func positions(prog []layoutNode) map[int]int {
	pos := make(map[int]int, len(prog))
	for i, n := range prog {
		pos[n.id] = i
	}
	return pos
}

func firstFarJump(prog []layoutNode, pos map[int]int) int {
	for i, n := range prog {
		if isCondJump(n.code) && (pos[n.jt]-i-1 > maxJump || pos[n.jf]-i-1 > maxJump) {
			return i
		}
	}
	return -1
}

// insertTrampolines gives both targets of the jump at i a trampoline right
// after it; the jump then goes to offsets 0 (jt) and 1 (jf).
func insertTrampolines(prog []layoutNode, i int) []layoutNode {
	byID := map[int]layoutNode{}
	for _, n := range prog {
		byID[n.id] = n
	}
	nextID := 0 // above every id in use
	for _, n := range prog {
		nextID = max(nextID, n.id+1)
	}
	tramp := func(target int, id int) layoutNode {
		t := byID[target]
		if t.code&0x07 == unix.BPF_RET {
			return layoutNode{id: id, code: t.code, k: t.k}
		}
		return layoutNode{id: id, code: opJa, jt: target}
	}
	t1, t2 := tramp(prog[i].jt, nextID), tramp(prog[i].jf, nextID+1)
	prog[i].jt, prog[i].jf = t1.id, t2.id
	out := make([]layoutNode, 0, len(prog)+2)
	out = append(out, prog[:i+1]...)
	out = append(out, t1, t2)
	return append(out, prog[i+1:]...)
}

// encode writes the laid-out program as struct sock_filter.
func encode(prog []layoutNode, pos map[int]int) ([]unix.SockFilter, error) {
	out := make([]unix.SockFilter, len(prog))
	for i, n := range prog {
		out[i] = unix.SockFilter{Code: n.code, K: n.k}
		switch {
		case n.code == opJa:
			out[i].K = uint32(pos[n.jt] - i - 1)
		case isCondJump(n.code):
			out[i].Jt, out[i].Jf = uint8(pos[n.jt]-i-1), uint8(pos[n.jf]-i-1)
		}
	}
	return out, nil
}

// insnSize is sizeof(struct sock_filter).
const insnSize = 8

// Marshal encodes the filter as the kernel's array of struct sock_filter
// (u16 code, u8 jt, u8 jf, u32 k; this machine's byte order, little
// endian), the bytes seccomp(2) and PTRACE_SECCOMP_GET_FILTER exchange.
func (f *Filter) Marshal() []byte {
	out := make([]byte, 0, len(f.Insns)*insnSize)
	for _, in := range f.Insns {
		out = binary.LittleEndian.AppendUint16(out, in.Code)
		out = append(out, in.Jt, in.Jf)
		out = binary.LittleEndian.AppendUint32(out, in.K)
	}
	return out
}

// Unmarshal decodes struct sock_filter bytes and checks the program as the
// kernel would (Validate).
func Unmarshal(data []byte) (*Filter, error) {
	if len(data)%insnSize != 0 {
		return nil, fmt.Errorf("seccomp filter: %d bytes is not a whole number of %d-byte instructions", len(data), insnSize)
	}
	f := &Filter{Insns: make([]unix.SockFilter, len(data)/insnSize)}
	for i := range f.Insns {
		b := data[i*insnSize:]
		f.Insns[i] = unix.SockFilter{Code: binary.LittleEndian.Uint16(b), Jt: b[2], Jf: b[3], K: binary.LittleEndian.Uint32(b[4:])}
	}
	if err := f.Validate(); err != nil {
		return nil, err
	}
	return f, nil
}
