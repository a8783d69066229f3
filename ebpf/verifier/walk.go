package verifier

// The walk: every path of the program, depth first, one instruction at a
// time (the kernel's do_check).
//
//  1. Verify checks the program's structure first (ebpf.Validate on a
//     copy whose map references are constants, then cfg.go: every
//     instruction reachable), so that the walk may trust opcodes, fields
//     and jump targets.
//  2. The walk starts with r1 = ctx and r10 = the frame pointer, and
//     applies each instruction's transfer function to the state: ALU
//     (ptr_alu.go for pointers, scalar_alu.go for numbers), loads and
//     stores (mem_access.go), calls (calls.go), jumps (jumps.go).
//  3. A conditional jump whose outcome is not known forks the path: the
//     state of the taken edge is pushed on a stack of pending states, and
//     the walk goes on with the fall-through; when a path ends (exit of
//     the main program, or pruned) the next pending state is popped.
//  4. At prune points (jump targets and the instruction after a
//     conditional jump) the state is compared with the states already
//     verified there (prune.go); one at least as general ends the path.
//  5. The walk stops at the first error, or after MaxInsns instructions
//     processed ("BPF program is too large"): bounded loops are verified
//     by walking each iteration, so an unbounded one hits the limit (or,
//     when an iteration repeats a state exactly, "infinite loop
//     detected").

import (
	"errors"
	"fmt"
	"slices"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// DefaultMaxInsns is the kernel's BPF_COMPLEXITY_LIMIT_INSNS.
const DefaultMaxInsns = 1_000_000

// maxPending is BPF_COMPLEXITY_LIMIT_JMP_SEQ: pending branch states.
const maxPending = 8192

// Options say what the program is and how to report.
type Options struct {
	// ProgType decides the context, the helpers and the return value:
	// loader.XDP, loader.SocketFilter, loader.SchedCLS or loader.SchedACT.
	ProgType loader.ProgType
	// Maps are the maps the program's pseudo loads name: lddw src 1
	// (ebpf.PseudoMapFD) or 5 with imm = index here, src 2 or 6
	// (PseudoMapValue) with the value's offset in the second slot.
	Maps []maps.Spec
	// LogLevel is 0 (no log), 1 (the error and the state of its path, or
	// the summary) or 2 (every instruction with the registers it leaves).
	LogLevel int
	// MaxInsns bounds the instructions processed (DefaultMaxInsns if 0).
	MaxInsns int
	// Unprivileged verifies as a user without CAP_PERFMON: reads of
	// uninitialised stack are refused. The default is root's rules.
	Unprivileged bool

	// fragment, set by tests only, verifies a piece of code from a given
	// state (fragment.go).
	fragment *fragment
}

// Result is an accepted program's verification statistics.
type Result struct {
	Processed  int    // instructions processed over all paths
	States     int    // states stored at prune points
	PeakStates int    // the most states stored at once
	MaxDepth   int    // the deepest combined stack of a call chain, in bytes
	Log        string // the log at Options.LogLevel
}

// env is one verification.
type env struct {
	insns     []ebpf.Instruction
	prog      *ebpf.Program
	opts      Options
	log       logger
	idGen     uint32
	pending   []*state
	explored  map[int][]*checkpoint
	prune     []bool
	fnOf      []int       // fnOf[i]: the first instruction of i's function
	live      []regSet    // live[i]: registers read on some path from i before written (liveness.go)
	depth     map[int]int // function start -> deepest stack byte used
	calls     map[[2]int]int
	res       Result
	insnIdx   int // the instruction being checked
	jmps      int // jumps and calls processed
	prevJmps  int // jmps when the last checkpoint was stored
	prevInsns int // res.Processed then
}

// Verify proves insns safe to run as a program of opts.ProgType, or
// returns a *RejectError saying where and why not.
func Verify(insns []ebpf.Instruction, opts Options) (*Result, error) {
	if opts.MaxInsns <= 0 {
		opts.MaxInsns = DefaultMaxInsns
	}
	if opts.fragment != nil {
		insns = withEnd(insns)
	}
	e := &env{insns: insns, opts: opts, log: logger{level: opts.LogLevel},
		explored: map[int][]*checkpoint{}, depth: map[int]int{}, calls: map[[2]int]int{}}
	if err := e.structure(); err != nil {
		return nil, err
	}
	if err := e.walk(); err != nil {
		return nil, err
	}
	if err := e.checkStackDepth(); err != nil {
		return nil, err
	}
	e.log.printf("processed %d insns (limit %d) max_states_per_insn %d total_states %d peak_states %d\n",
		e.res.Processed, opts.MaxInsns, e.maxStatesPerInsn(), e.res.States, e.res.PeakStates)
	e.res.Log = e.log.b.String()
	return &e.res, nil
}

// structure is step 1.
func (e *env) structure() error {
	if _, ok := contexts[e.opts.ProgType]; !ok {
		return &RejectError{Insn: -1, Slot: -1, Reason: fmt.Sprintf("program type %v is not verified here (xdp, socket_filter, sched_cls, sched_act are)", e.opts.ProgType)}
	}
	plain := slices.Clone(e.insns)
	for i := range plain {
		if plain[i].IsLDDW() && plain[i].Src != ebpf.PseudoImm64 {
			if err := e.checkPseudo(plain[i]); err != nil {
				return e.rejectAt(i, err.Error(), nil)
			}
			plain[i].Src, plain[i].Imm64, plain[i].Imm = 0, 0, 0
		}
	}
	if err := ebpf.Validate(plain); err != nil {
		var ie *ebpf.InvalidError
		if errors.As(err, &ie) {
			return e.rejectAt(ie.Index, ie.Reason, nil)
		}
		return e.rejectAt(-1, err.Error(), nil)
	}
	e.prog = ebpf.NewProgram(e.insns)
	if err := e.checkCFG(); err != nil {
		return err
	}
	e.computeLiveness()
	return nil
}

// rejectAt is the RejectError for instruction i, logging st's state.
func (e *env) rejectAt(i int, reason string, st *state) *RejectError {
	re := &RejectError{Insn: i, Slot: i, Reason: reason}
	if i >= 0 && e.prog != nil && i < len(e.insns) {
		re.Slot = e.prog.Slot(i)
	}
	if i >= 0 && i < len(e.insns) && e.prog != nil {
		e.log.printf("%s\n", insnLine(re.Slot, e.insns[i]))
	}
	if st != nil {
		e.log.printf("%s\n", st)
	}
	e.log.printf("%s\n", reason)
	if e.log.level > 0 {
		e.log.printf("processed %d insns (limit %d) max_states_per_insn %d total_states %d peak_states %d\n",
			e.res.Processed, e.opts.MaxInsns, e.maxStatesPerInsn(), e.res.States, e.res.PeakStates)
	}
	re.Log = e.log.b.String()
	return re
}

// walk is steps 2-5.
func (e *env) walk() error {
	cur := initialState()
	if e.opts.fragment != nil {
		cur = e.fragmentState()
	}
	for {
		if cur == nil {
			if len(e.pending) == 0 {
				return nil
			}
			cur = e.pending[len(e.pending)-1]
			e.pending = e.pending[:len(e.pending)-1]
			if e.log.level > 1 {
				e.log.trace("from %d: %s\n", e.prog.Slot(cur.insn), cur)
			}
		}
		i := cur.insn
		e.insnIdx = i
		if e.fragmentEnd(i) {
			e.pathDone(cur)
			cur = nil
			continue
		}
		e.res.Processed++
		if e.res.Processed > e.opts.MaxInsns {
			return e.rejectAt(i, fmt.Sprintf("BPF program is too large. Processed %d insn", e.res.Processed), cur)
		}
		if e.prune[i] {
			pruned, err := e.visit(cur)
			if err != nil {
				return e.rejectAt(i, err.Error(), cur)
			}
			if pruned {
				if e.log.level > 1 {
					e.log.trace("%d: safe\n", e.prog.Slot(i))
				}
				e.pathDone(cur)
				cur = nil
				continue
			}
		}
		done, err := e.step(cur)
		if err != nil {
			return e.rejectAt(i, err.Error(), cur)
		}
		if e.log.level > 1 && !e.log.truncated {
			e.log.trace("%s ; %s\n", insnLine(e.prog.Slot(i), e.insns[i]), cur)
		}
		if done {
			e.pathDone(cur)
			cur = nil
		}
	}
}

// push saves the state of an edge not taken yet (step 3).
func (e *env) push(s *state) error {
	if len(e.pending) >= maxPending {
		return fail("The sequence of %d jumps is too complex.", len(e.pending))
	}
	if s.parent != nil {
		s.parent.branches++
	}
	e.pending = append(e.pending, s)
	return nil
}

func (e *env) newID() uint32 {
	e.idGen++
	return e.idGen
}

// step checks instruction cur.insn and moves cur to the next one; done
// means the path ended.
func (e *env) step(cur *state) (done bool, err error) {
	ins := e.insns[cur.insn]
	switch c := ins.Class(); {
	case c.IsALU():
		err = e.alu(cur, ins)
	case c == ebpf.ClassLDX:
		err = e.load(cur, ins)
	case c == ebpf.ClassST, c == ebpf.ClassSTX:
		err = e.store(cur, ins)
	case c == ebpf.ClassLD:
		err = e.ld(cur, ins)
	default:
		e.jmps++
		return e.jump(cur, ins)
	}
	cur.insn++
	return false, err
}

// readReg checks that register r may be read ("R%d !read_ok").
func readReg(s *state, r uint8) (*Reg, error) {
	reg := s.reg(r)
	if reg.Type == NotInit {
		return nil, fail("R%d !read_ok", r)
	}
	return reg, nil
}

// ld is the 64-bit immediate load and the legacy packet loads.
func (e *env) ld(s *state, ins ebpf.Instruction) error {
	switch ins.Mode() {
	case ebpf.ModeABS, ebpf.ModeIND:
		return e.legacyLoad(s, ins)
	}
	switch ins.Src {
	case ebpf.PseudoMapFD, ebpf.PseudoMapIdx:
		r := ptrReg(ConstPtrToMap)
		r.Map = int(uint32(ins.Imm64))
		*s.reg(ins.Dst) = r
	case ebpf.PseudoMapValue, ebpf.PseudoMapIdxValue:
		r := ptrReg(PtrToMapValue)
		r.Map, r.Off = int(uint32(ins.Imm64)), int32(uint64(ins.Imm64)>>32)
		*s.reg(ins.Dst) = r
	default:
		*s.reg(ins.Dst) = constReg(uint64(ins.Imm64))
	}
	return nil
}

// checkPseudo checks a map reference (the kernel's resolve_pseudo_ldimm64).
func (e *env) checkPseudo(ins ebpf.Instruction) error {
	idx, off := int(uint32(ins.Imm64)), uint32(uint64(ins.Imm64)>>32)
	switch ins.Src {
	case ebpf.PseudoMapFD, ebpf.PseudoMapIdx:
		if idx >= len(e.opts.Maps) {
			return fail("fd %d is not pointing to valid bpf_map", idx)
		}
		if off != 0 {
			return fail("unrecognized bpf_ld_imm64 insn")
		}
	case ebpf.PseudoMapValue, ebpf.PseudoMapIdxValue:
		if idx >= len(e.opts.Maps) {
			return fail("fd %d is not pointing to valid bpf_map", idx)
		}
		m := e.opts.Maps[idx]
		if m.Type != maps.Array || m.MaxEntries != 1 || off >= m.ValueSize {
			return fail("invalid access to map value pointer, value_size=%d off=%d", m.ValueSize, off)
		}
	default:
		return fail("unrecognized bpf_ld_imm64 insn")
	}
	return nil
}

// legacyLoad is LD_ABS / LD_IND (check_ld_abs): socket filters and TC,
// with the skb in r6; r0 gets the loaded value and r1-r5 are clobbered.
func (e *env) legacyLoad(s *state, ins ebpf.Instruction) error {
	if e.opts.ProgType == loader.XDP {
		return fail("BPF_LD_[ABS|IND] instructions not allowed for this program type")
	}
	if r6 := s.reg(ebpf.R6); r6.Type != PtrToCtx {
		return fail("at the time of BPF_LD_ABS|IND R6 != pointer to skb")
	}
	if len(s.refs) > 0 {
		return fail("BPF_LD_[ABS|IND] cannot be mixed with socket references")
	}
	if ins.Mode() == ebpf.ModeIND {
		if _, err := readReg(s, ins.Src); err != nil {
			return err
		}
	}
	for r := ebpf.R1; r <= ebpf.R5; r++ {
		*s.reg(uint8(r)) = Reg{}
	}
	*s.reg(ebpf.R0) = sizedUnknown(ins.Size().Bytes())
	return nil
}
