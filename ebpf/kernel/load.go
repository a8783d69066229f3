package kernel

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"sync"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
)

// Options control Load.
type Options struct {
	// MemLen is the length of the memory Run and Bench will be given (0 to
	// MaxMemLen): the prolog proves to the verifier that r1 points at
	// MemLen bytes and sets r2 to MemLen.
	MemLen int
	// Retval32 loads the prolog and the program alone, as the whole XDP
	// program: Run then reports only the low 32 bits of r0 (the retval of
	// BPF_PROG_TEST_RUN). Without it the program runs as a function of a
	// 5-slot main that stores its full r0 in an array map.
	Retval32 bool
	// LogLevel is the verifier log's detail: 0 fetches a log (at level 1)
	// only when the program is refused; 1 logs the state at each branch;
	// 2 logs every instruction's register state (large).
	LogLevel int
}

// Program is a program loaded into the kernel, verified and JIT-compiled.
// Run may be called from several goroutines; Close releases the kernel
// objects.
type Program struct {
	prog   *cebpf.Program
	result *cebpf.Map // the 64-bit r0; nil with Options.Retval32
	memLen int
	offset int
	mu     sync.Mutex // serialises Run: result holds one value
}

// LoadError is the kernel's refusal of a program, with the verifier log.
// The log numbers instructions from the first slot loaded: the program's
// slot s is the log's s + Offset.
type LoadError struct {
	Offset int      // slots of prolog (and wrapper) in front of the program
	Log    []string // the verifier log, one line per element
	Err    error    // from bpf(BPF_PROG_LOAD); wraps the errno
}

func (e *LoadError) Error() string {
	return fmt.Sprintf("kernel: verifier refused the program (its slot 0 is the log's %d): %v", e.Offset, e.Err)
}

func (e *LoadError) Unwrap() error { return e.Err }

// license lets the program call GPL-only helpers; these are test programs.
const license = "GPL"

// Load verifies and JIT-compiles prolog + insns as an XDP program through
// bpf(BPF_PROG_LOAD). A refusal by the verifier is a *LoadError.
func Load(insns []ebpf.Instruction, opts Options) (*Program, error) {
	if opts.MemLen < 0 || opts.MemLen > MaxMemLen {
		return nil, fmt.Errorf("kernel: Options.MemLen %d is outside 0-%d", opts.MemLen, MaxMemLen)
	}
	p := &Program{memLen: opts.MemLen}
	front := Prolog(opts.MemLen)
	if !opts.Retval32 {
		m, err := cebpf.NewMap(&cebpf.MapSpec{Name: "deepsys_r0", Type: cebpf.Array, KeySize: 4, ValueSize: 8, MaxEntries: 1})
		if err != nil {
			return nil, fmt.Errorf("kernel: creating the result map: %w", err)
		}
		p.result = m
		front = append(wrapper(m.FD()), front...)
	}
	p.offset = ebpf.NewProgram(front).NumSlots()
	if err := p.load(append(front, insns...), opts); err != nil {
		p.Close()
		return nil, err
	}
	return p, nil
}

func (p *Program) load(insns []ebpf.Instruction, opts Options) error {
	code, err := toCilium(insns)
	if err != nil {
		return err
	}
	spec := &cebpf.ProgramSpec{Name: "deepsys", Type: cebpf.XDP, Instructions: code, License: license}
	popts := cebpf.ProgramOptions{LogLevel: cebpf.LogLevel(opts.LogLevel)}
	prog, err := cebpf.NewProgramWithOptions(spec, popts)
	var verr *cebpf.VerifierError
	switch {
	case errors.As(err, &verr):
		return &LoadError{Offset: p.offset, Log: verr.Log, Err: err}
	case err != nil:
		return fmt.Errorf("kernel: loading: %w", err)
	}
	p.prog = prog
	return nil
}

// toCilium converts our encoding into cilium/ebpf's instructions through
// the bytes, and checks that cilium encodes them back to the same bytes:
// the kernel must see exactly the program we were given.
func toCilium(insns []ebpf.Instruction) (casm.Instructions, error) {
	code := ebpf.Encode(nil, insns)
	out, err := casm.AppendInstructions(nil, bytes.NewReader(code), binary.LittleEndian, "linux")
	if err != nil {
		return nil, fmt.Errorf("kernel: cilium/ebpf cannot decode the program: %w", err)
	}
	var back bytes.Buffer
	if err := out.Marshal(&back, binary.LittleEndian); err != nil {
		return nil, fmt.Errorf("kernel: cilium/ebpf cannot encode the program: %w", err)
	}
	if !bytes.Equal(back.Bytes(), code) {
		return nil, fmt.Errorf("kernel: cilium/ebpf does not carry the program byte for byte (slot %d differs)", firstDiff(code, back.Bytes())/ebpf.SlotSize)
	}
	return out, nil
}

func firstDiff(a, b []byte) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}

// Offset is the number of slots in front of the program: the prolog, and
// the wrapper unless Options.Retval32.
func (p *Program) Offset() int { return p.offset }

// VerifierLog is the log of the accepted program at Options.LogLevel 1 or
// 2 ("" at 0).
func (p *Program) VerifierLog() string { return p.prog.VerifierLog }

// Close releases the program and its result map.
func (p *Program) Close() error {
	var errs []error
	if p.prog != nil {
		errs = append(errs, p.prog.Close())
	}
	if p.result != nil {
		errs = append(errs, p.result.Close())
	}
	return errors.Join(errs...)
}
