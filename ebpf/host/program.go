package host

// Collection and Program: an object's maps, linked into its programs,
// compiled for one engine, run at a hook.

import (
	"errors"
	"fmt"
	"io"
	"sync"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/jit"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// Engine picks what runs the programs.
type Engine int

const (
	Interp Engine = iota // ebpf/interp
	JIT                  // ebpf/jit
)

func (e Engine) String() string {
	if e == JIT {
		return "jit"
	}
	return "interp"
}

// Kind is a program type: it decides the context, the meaning of r0 and
// the helpers a program gets, as the kernel's enum bpf_prog_type does.
type Kind int

// The program types this package runs (uapi/linux/bpf.h numbering).
const (
	SocketFilter Kind = 1 // BPF_PROG_TYPE_SOCKET_FILTER
	SchedCLS     Kind = 3 // BPF_PROG_TYPE_SCHED_CLS (TC)
	XDP          Kind = 6 // BPF_PROG_TYPE_XDP
)

func (k Kind) String() string {
	switch k {
	case SocketFilter:
		return "socket filter"
	case SchedCLS:
		return "tc"
	case XDP:
		return "xdp"
	}
	return fmt.Sprintf("program type %d", int(k))
}

// Options configure a Collection.
type Options struct {
	Engine Engine
	// Budget bounds the instructions of one program run (interp's
	// DefaultBudget if 0); a tail call starts a new count, as in the kernel
	// where each program's own bound is the verifier's.
	Budget uint64
	// Trace receives bpf_trace_printk's messages, one per line, as
	// /sys/kernel/tracing/trace_pipe would show them (nil: discarded).
	Trace io.Writer
	// CPUs is the number of CPUs programs run on (1 if 0), which must be
	// the CPUs the per-CPU maps were made for (maps.Options.CPUs). A run
	// takes a CPU no other run is using and keeps it to the end, tail calls
	// included, as the kernel runs a program with migration disabled: its
	// bpf_get_smp_processor_id and the copy of per-CPU maps it sees. More
	// concurrent runs than CPUs wait for one (cpu.go).
	CPUs int
	// Rand is bpf_get_prandom_u32's source (nil: math/rand/v2).
	Rand func() uint32
	// Now is bpf_ktime_get_ns's clock (nil: CLOCK_MONOTONIC).
	Now func() uint64
}

// Collection is the maps of one object, shared by the programs loaded
// into it, as the kernel's maps are shared by the programs that reference
// them. Its methods may be called from several goroutines.
type Collection struct {
	opts    Options
	maps    []maps.Map
	elems   []maps.Elems // maps[i]'s program face, nil if none (asserted once: helpers_map.go)
	specs   []maps.Spec  // maps[i].Spec(), read once: a helper call must not copy it
	faces   []mapFace    // what the map helpers need of maps[i] (helpers_map.go)
	region  []int        // region index of maps[i]'s values, -1 if none (link.go)
	regions []interp.Region
	traceMu sync.Mutex   // serialises writes to opts.Trace
	cpus    []sync.Mutex // cpus[i] is held by the run on CPU i (cpu.go)
	// noInline loads programs as linked, unpatched: lookups stay helper
	// calls (inline.go), tail calls leave through the helper's error
	// (tailcall.go, step 2). The tests' reference.
	noInline bool
}

// NewCollection takes an object's maps in the order of its map indexes:
// a pseudo lddw's imm i names ms[i] (link.go).
func NewCollection(ms []maps.Map, opts Options) (*Collection, error) {
	c := &Collection{opts: opts, maps: ms, cpus: make([]sync.Mutex, max(opts.CPUs, 1))}
	if err := c.mapRegions(); err != nil {
		return nil, err
	}
	return c, nil
}

// Maps are the collection's maps, by index.
func (c *Collection) Maps() []maps.Map { return c.maps }

// engine is what both engines offer (interp.Program, jit.Program).
type engine interface {
	RunPacket(ctx []byte, pkt *interp.Packet, state any) (uint64, error)
}

// Program is a program of a Collection, linked and compiled; it runs at
// the hook of its Kind (xdp.go, skb.go). Runs may happen concurrently.
type Program struct {
	Name string
	Kind Kind
	c    *Collection
	// engs is the compiled program: one, or one per CPU when an inlined
	// per-CPU lookup has the CPU's copy built in (inline.go, step 2).
	engs []engine
	jits []*jit.Program // to Close; none on the interpreter
	pat  *patched       // the inlined lookups and tail-call exits, nil if none
	// tailExits: the tail calls return 0 to an exit (tailcall.go, step 4).
	tailExits bool
}

// patch inlines the array lookups of linked (inline.go) and gives its tail
// calls an exit (tailcall.go, step 4): the program to compile, or one per
// CPU when a site depends on the CPU. If the patcher refuses (an offset
// that no longer fits), the program stays as linked.
func (p *Program) patch(linked []ebpf.Instruction) [][]ebpf.Instruction {
	var out [][]ebpf.Instruction
	for cpu := range p.c.cpus {
		lookups, perCPU := p.c.inlineSites(linked, cpu)
		sites := tailCallExits(linked, lookups)
		if len(sites) == 0 {
			return [][]ebpf.Instruction{linked}
		}
		pat, err := patchInsns(linked, sites)
		if err != nil {
			return [][]ebpf.Instruction{linked}
		}
		p.pat = pat // the same shape on every CPU: only constants differ
		for k := range sites {
			p.tailExits = p.tailExits || linked[k].Imm == HelperTailCall
		}
		if out = append(out, pat.insns); !perCPU {
			break
		}
	}
	return out
}

// Load links insns against the collection's maps and compiles them for
// the collection's engine, as a program of kind.
func (c *Collection) Load(name string, kind Kind, insns []ebpf.Instruction) (*Program, error) {
	switch kind {
	case XDP, SocketFilter, SchedCLS:
	default:
		return nil, fmt.Errorf("host: %s: %v is not a program type this package runs", name, kind)
	}
	linked, err := c.link(insns)
	if err != nil {
		return nil, fmt.Errorf("host: %s: %w", name, err)
	}
	p := &Program{Name: name, Kind: kind, c: c}
	variants := [][]ebpf.Instruction{linked}
	if !c.noInline {
		variants = p.patch(linked)
	}
	helpers := c.helpers(kind)
	for _, insns := range variants {
		if err := p.compile(insns, helpers); err != nil {
			p.Close()
			return nil, fmt.Errorf("host: %s: %w", name, err)
		}
	}
	return p, nil
}

// compile adds insns, compiled on the collection's engine, to p.engs.
func (p *Program) compile(insns []ebpf.Instruction, helpers map[int32]interp.Helper) error {
	o := p.c.opts
	if o.Engine == JIT {
		j, err := jit.Compile(insns, jit.Options{Helpers: helpers, Budget: o.Budget, Regions: p.c.regions})
		if err != nil {
			return err
		}
		p.engs, p.jits = append(p.engs, j), append(p.jits, j)
		return nil
	}
	e, err := interp.Compile(insns, interp.Options{Helpers: helpers, Budget: o.Budget, Regions: p.c.regions})
	if err != nil {
		return err
	}
	p.engs = append(p.engs, e)
	return nil
}

// Close frees the JIT's code (nothing on the interpreter).
func (p *Program) Close() error {
	var errs []error
	for _, j := range p.jits {
		errs = append(errs, j.Close())
	}
	return errors.Join(errs...)
}

// engine is p compiled for the CPU a run holds.
func (p *Program) engine(cpu int) engine {
	if len(p.engs) == 1 {
		return p.engs[0]
	}
	return p.engs[cpu]
}

// run runs p on ctx and pkt on st.cpu, which the caller holds (cpu.go),
// following tail calls (tailcall.go).
func (p *Program) run(ctx []byte, pkt *interp.Packet, st *runState) (uint64, error) {
	st.prog = p
	for {
		r0, err := st.prog.engine(st.cpu).RunPacket(ctx, pkt, st)
		if st.next == nil { // not a tail call (tailcall.go, steps 2 and 4): no errors.Is down the chain
			if err != nil {
				err = st.prog.pat.origError(err)
			}
			return r0, err
		}
		st.prog, st.next = st.next, nil
	}
}
