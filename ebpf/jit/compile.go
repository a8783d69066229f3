package jit

// Compile: validation, segments, code generation, executable memory.

import (
	"fmt"
	"runtime"
	"slices"
	"sync"
	"sync/atomic"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	x86 "github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/internal/execmem"
)

// Options configure Compile; they mean what interp.Options mean.
type Options struct {
	// Helpers maps helper ids to their implementations, interp's type:
	// one set of helpers serves both engines.
	Helpers map[int32]interp.Helper
	// Budget bounds the instructions one Run executes
	// (interp.DefaultBudget if 0), counted exactly as interp counts them.
	Budget uint64
	// Regions are memory the program may address besides its stack and
	// context; region i is at interp.RegionAddr(i).
	Regions []interp.Region
}

// Program is a compiled program. Run may be called from several
// goroutines at once; Close frees the code once no Run is in progress.
type Program struct {
	mu  sync.RWMutex     // Run holds it for reading, Close for writing
	seg *execmem.Segment // nil once closed

	start     uintptr // code address of instruction 0
	code      []byte  // a copy, for Disassemble
	offsets   []int   // code offset of each instruction, then of the stubs
	entry     int     // code offset of the program (after entry and exit)
	layout    *ebpf.Program
	helpers   []interp.Helper
	helperIDs []int32
	budget    uint64
	regions   []interp.Region
	// stackWrites: what a run can write of the stack (ebpf.StackWrites),
	// the bytes below r10; -1 when unbounded. reset clears only that.
	stackWrites int
	idle        atomic.Pointer[machine] // one idle machine, in front of pool (machine.go)
	pool        sync.Pool               // more idle *machine
}

// Compile validates insns and translates them to x86-64 code (doc.go).
func Compile(insns []ebpf.Instruction, opts Options) (*Program, error) {
	if err := ebpf.Validate(insns); err != nil {
		return nil, err
	}
	if len(opts.Regions) > interp.MaxRegions {
		return nil, fmt.Errorf("jit: %d regions, at most %d", len(opts.Regions), interp.MaxRegions)
	}
	insns = slices.Clone(insns)
	p := &Program{layout: ebpf.NewProgram(insns), budget: opts.Budget, regions: opts.Regions}
	if p.budget == 0 {
		p.budget = interp.DefaultBudget
	}
	if n, ok := ebpf.StackWrites(insns); ok {
		p.stackWrites = n
	} else {
		p.stackWrites = -1
	}
	g := &gen{insns: insns, layout: p.layout, stubs: map[stubKey]x86.Label{}}
	g.calls = slices.ContainsFunc(insns, ebpf.Instruction.IsLocalCall)
	if err := p.resolveHelpers(g, opts.Helpers); err != nil {
		return nil, err
	}
	code, err := g.generate()
	if err != nil {
		return nil, fmt.Errorf("jit: %w", err) // a generator bug: the encoder refused an instruction
	}
	seg, err := execmem.New(code)
	if err != nil {
		return nil, err
	}
	p.seg, p.code, p.offsets, p.entry = seg, slices.Clone(code), g.offsets, g.start
	p.start = seg.Addr() + uintptr(g.start)
	runtime.AddCleanup(p, func(s *execmem.Segment) { _ = s.Free() }, seg)
	return p, nil
}

// resolveHelpers gives each helper id a slot, in order of first call, as
// interp does; an id missing from Options.Helpers is a compile error.
func (p *Program) resolveHelpers(g *gen, helpers map[int32]interp.Helper) error {
	g.helpers = make([]int, len(g.insns))
	slot := map[int32]int{}
	for i, ins := range g.insns {
		if ins.Opcode != uint8(ebpf.ClassJMP)|uint8(ebpf.JumpCall) || ins.IsLocalCall() {
			continue
		}
		s, ok := slot[ins.Imm]
		if !ok {
			h := helpers[ins.Imm]
			if h == nil {
				return &ebpf.InvalidError{Index: i, Slot: p.layout.Slot(i), Reason: fmt.Sprintf("call of helper %d, which Options.Helpers does not define", ins.Imm)}
			}
			s = len(p.helpers)
			p.helpers = append(p.helpers, h)
			p.helperIDs = append(p.helperIDs, ins.Imm)
			slot[ins.Imm] = s
		}
		g.helpers[i] = s
	}
	return nil
}

// Close frees the code. It waits for Runs in progress; Run fails after it.
// (If a Program is dropped without Close, a cleanup frees the code.)
func (p *Program) Close() error {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.seg == nil {
		return nil
	}
	err := p.seg.Free()
	p.seg = nil
	return err
}

// generate writes the whole program (gen.go, "Code layout").
func (g *gen) generate() ([]byte, error) {
	a := &g.a
	n := len(g.insns)
	g.exit = a.NewLabel()
	g.labels = make([]x86.Label, n)
	for i := range g.labels {
		g.labels[i] = a.NewLabel()
	}
	g.segLen = segments(g.layout)
	g.emitEntry()
	g.start = a.Len()
	g.offsets = make([]int, n+1)
	for i, ins := range g.insns {
		g.offsets[i] = a.Len()
		a.Bind(g.labels[i])
		if g.segLen[i] > 0 {
			g.charge(i)
		}
		g.instruction(i, ins)
	}
	g.offsets[n] = a.Len()
	g.emitSlowPaths()
	g.emitStubs()
	return a.Finish()
}

// instruction emits instruction i.
func (g *gen) instruction(i int, ins ebpf.Instruction) {
	switch c := ins.Class(); {
	case ins.IsLDDW():
		g.lddw(ins)
	case c.IsALU():
		g.alu(ins)
	case c.IsJump():
		g.jump(i, ins)
	case c == ebpf.ClassLD:
		g.legacyLoad(i, ins)
	case c == ebpf.ClassLDX:
		g.load(i, ins)
	case ins.Mode() == ebpf.ModeATOMIC:
		g.atomic(i, ins)
	default:
		g.store(i, ins)
	}
}
