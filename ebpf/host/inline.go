package host

// Inlined array lookups: what the kernel's verifier does to a
// bpf_map_lookup_elem whose map it knows (kernel/bpf/verifier.c,
// do_misc_fixups calling map->ops->map_gen_lookup; kernel/bpf/arraymap.c,
// array_map_gen_lookup and percpu_array_map_gen_lookup), so that the
// lookup never leaves the program: no helper exit on either engine.
//
//  1. Find the sites (inlineSites). We have no verifier yet (issue 04), so
//     "the map is known" is proven by a local, conservative analysis: the
//     call's r1 was last written by an lddw of a map handle (link.go, step
//     2), and its r2 by "r2 = r10; r2 += c" with the 4-byte key inside the
//     frame (-512 <= c <= -4), and no instruction from the first of those
//     writes to the call is a branch target (one basic block). Anything
//     else keeps the helper call. Requiring the key on the stack means the
//     inlined load cannot fault: a bad key pointer stays a helper error,
//     as before.
//  2. The map must be an array or a per-CPU array, readable by programs,
//     whose values lie at base + i*stride in its slab; we ask the map
//     itself (LookupElem of the first, second and last index) rather than
//     re-deriving its layout. A per-CPU array's base is the CPU's copy of
//     index 0: the kernel's sequence adds this_cpu_off at run time
//     (percpu_array_map_gen_lookup's BPF_MOV64_PERCPU_REG); ours has it
//     as a constant, so a program with such a site is compiled once per
//     CPU (Program.patch) and a run takes the variant of the CPU it holds
//     (cpu.go), which costs a compile per CPU at load time; past
//     maxCPUVariants CPUs the per-CPU lookups stay calls.
//  3. Replace the call with (inlineSeq):
//
//	r0 = *(u32 *)(r10 + c)          the index
//	if w0 >= max_entries goto null  (JMP32: the index is unsigned)
//	r0 *= stride                    (<<= log2 when a power of two)
//	r1 = region address of index 0 ll
//	r0 += r1
//	goto out
//	null: r0 = 0
//	out:  r1 = the map's handle ll
//
//     The kernel's sequence also clobbers r1 (map_ptr += offsetof(value)),
//     which its verifier makes unreadable after a call; ours restores it,
//     because our engines leave r1-r5 as the helper found them and an
//     unverified program may read them.
//  4. Re-target every branch across a patched site (patchInsns): each old
//     instruction's new slot is known, so a jump's new offset is
//     new slot(target) - new slot(jump) - 1; an offset that no longer fits
//     its field leaves the program unpatched.
//  5. Errors name the original program's instructions: a fault in the
//     patched program (never inside a sequence, by step 1) is mapped back
//     through Program.orig (Program.run).
//
// Why variants and not a CPU word the sequence loads: the regions are the
// program's, shared by concurrent runs on different CPUs, and a word past
// the context's end would let programs read there without faulting. What
// differs from the helper call: the budget counts the sequence's
// instructions (up to 7) instead of the call's one.

import (
	"encoding/binary"
	"math/bits"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// wrOnlyProg is BPF_F_WRONLY_PROG: programs may not read the map.
const wrOnlyProg = 1 << 8

// maxCPUVariants is the most CPUs for which a program with a per-CPU
// lookup is compiled once per CPU (step 2).
const maxCPUVariants = 64

// inlineScan bounds how far back from a call step 1 looks.
const inlineScan = 64

// arrayLayout is where map i's values are as CPU cpu sees them, if it may
// be inlined (step 2).
func (c *Collection) arrayLayout(i, cpu int) (base, stride uint64, max uint32, ok bool) {
	s, e := c.specs[i], c.elems[i]
	switch {
	case e == nil || s.KeySize != 4 || s.MaxEntries == 0 || s.Flags&wrOnlyProg != 0:
		return 0, 0, 0, false
	case s.Type != maps.Array && (s.Type != maps.PerCPUArray || len(c.cpus) > maxCPUVariants):
		return 0, 0, 0, false
	}
	at := func(idx uint32) (int, bool) { return e.LookupElem(binary.NativeEndian.AppendUint32(nil, idx), cpu) }
	first, ok0 := at(0)
	last, ok1 := at(s.MaxEntries - 1)
	if s.MaxEntries > 1 {
		second, ok2 := at(1)
		stride, ok0 = uint64(second-first), ok0 && ok2
	}
	if !ok0 || !ok1 || stride >= 1<<31 || uint64(last-first) != uint64(s.MaxEntries-1)*stride {
		return 0, 0, 0, false
	}
	return interp.RegionAddr(c.region[i]) + uint64(first), stride, s.MaxEntries, true
}

// inlineSites are the sequences to put in place of the lookups of insns
// that step 1 proves inlinable, by instruction index, for a run on CPU
// cpu; perCPU says whether one of them depends on the CPU.
func (c *Collection) inlineSites(insns []ebpf.Instruction, cpu int) (sites map[int][]ebpf.Instruction, perCPU bool) {
	targets, ok := branchTargets(insns)
	if !ok {
		return nil, false
	}
	sites = map[int][]ebpf.Instruction{}
	for k, ins := range insns {
		if ins.Opcode != uint8(ebpf.ClassJMP)|uint8(ebpf.JumpCall) || ins.Src != ebpf.PseudoCallHelper || ins.Imm != HelperMapLookupElem {
			continue
		}
		handle, keyOff, ok := lookupArgs(insns, targets, k)
		if !ok {
			continue
		}
		i, ok := c.mapOf(handle)
		if !ok {
			continue
		}
		if base, stride, max, ok := c.arrayLayout(i, cpu); ok {
			sites[k] = inlineSeq(handle, keyOff, base, stride, max)
			perCPU = perCPU || c.specs[i].Type == maps.PerCPUArray && len(c.cpus) > 1
		}
	}
	return sites, perCPU
}

// branchTargets marks every instruction a branch lands on; ok is false if
// a branch is broken (Validate will say so).
func branchTargets(insns []ebpf.Instruction) ([]bool, bool) {
	p := ebpf.NewProgram(insns)
	targets := make([]bool, len(insns)+1)
	for i, ins := range insns {
		if _, br := ins.BranchOffset(); !br {
			continue
		}
		t, err := p.Target(i)
		if err != nil {
			return nil, false
		}
		targets[t] = true
	}
	return targets, true
}

// lookupArgs proves, walking back from the call at k inside its basic
// block, that r1 is a map handle and r2 = r10 + keyOff (step 1).
func lookupArgs(insns []ebpf.Instruction, targets []bool, k int) (handle uint64, keyOff int16, ok bool) {
	r1, r2add, r2 := false, false, false
	for j := k - 1; j >= 0 && j >= k-inlineScan; j-- {
		if targets[j+1] {
			return 0, 0, false
		}
		ins, w := insns[j], writes(insns[j])
		if w&(1<<1) != 0 && !r1 {
			if !ins.IsLDDW() || ins.Dst != 1 || ins.Src != ebpf.PseudoImm64 {
				return 0, 0, false
			}
			handle, r1 = uint64(ins.Imm64), true
		}
		if w&(1<<2) != 0 {
			switch {
			case !r2add:
				if ins.Opcode != uint8(ebpf.ClassALU64)|uint8(ebpf.ALUAdd)|uint8(ebpf.SourceK) || ins.Dst != 2 || ins.Imm < -ebpf.StackSize || ins.Imm > -4 {
					return 0, 0, false
				}
				keyOff, r2add = int16(ins.Imm), true
			case !r2:
				if ins.Opcode != uint8(ebpf.ClassALU64)|uint8(ebpf.ALUMov)|uint8(ebpf.SourceX) || ins.Dst != 2 || ins.Src != ebpf.R10 || ins.Offset != 0 {
					return 0, 0, false
				}
				r2 = true
			}
		}
		if r1 && r2 {
			return handle, keyOff, true
		}
	}
	return 0, 0, false
}

// writes is the set of registers ins may write (bit r for register r),
// conservatively: calls clobber r0-r5, legacy loads too.
func writes(ins ebpf.Instruction) uint16 {
	const scratch = 1<<6 - 1
	switch c := ins.Class(); {
	case c.IsALU(), c == ebpf.ClassLDX:
		return 1 << ins.Dst
	case c == ebpf.ClassLD:
		if ins.IsLDDW() {
			return 1 << ins.Dst
		}
		return scratch
	case c == ebpf.ClassSTX:
		if ins.Mode() == ebpf.ModeATOMIC && ebpf.AtomicOp(ins.Imm)&ebpf.AtomicFetch != 0 {
			return 1<<ins.Src | 1
		}
		return 0
	case c.IsJump():
		if op := ins.JumpOp(); op == ebpf.JumpCall || op == ebpf.JumpExit {
			return scratch
		}
	}
	return 0
}

// inlineSeq is step 3's sequence.
func inlineSeq(handle uint64, keyOff int16, base, stride uint64, max uint32) []ebpf.Instruction {
	scale := ebpf.Instruction{Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALUMul) | uint8(ebpf.SourceK), Imm: int32(stride)}
	if bits.OnesCount64(stride) == 1 {
		scale = ebpf.Instruction{Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALULsh) | uint8(ebpf.SourceK), Imm: int32(bits.TrailingZeros64(stride))}
	}
	return []ebpf.Instruction{
		{Opcode: uint8(ebpf.ClassLDX) | uint8(ebpf.ModeMEM) | uint8(ebpf.SizeW), Dst: 0, Src: ebpf.R10, Offset: keyOff},
		{Opcode: uint8(ebpf.ClassJMP32) | uint8(ebpf.JumpGE) | uint8(ebpf.SourceK), Dst: 0, Offset: 5, Imm: int32(max)},
		scale,
		lddw(1, base),
		{Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALUAdd) | uint8(ebpf.SourceX), Dst: 0, Src: 1},
		{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpA), Offset: 1},
		{Opcode: uint8(ebpf.ClassALU64) | uint8(ebpf.ALUMov) | uint8(ebpf.SourceK), Dst: 0},
		lddw(1, handle),
	}
}

func lddw(dst uint8, v uint64) ebpf.Instruction {
	return ebpf.Instruction{Opcode: ebpf.OpLDDW, Dst: dst, Imm: int32(v), Imm64: int64(v)}
}
