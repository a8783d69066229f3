package kernel

import (
	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/conformance"
)

// Engine is the kernel as a conformance.Engine, so that
// conformance.RunDir(kernel.Engine{}, dir) runs a corpus on Linux. The
// prolog needs the memory's length, which Run is the first to know: each
// Run loads the program for that length, runs it once with the full 64-bit
// r0 and unloads it, so a verifier refusal surfaces from Run as a
// *LoadError.
type Engine struct {
	// LogLevel is passed to Load (Options.LogLevel).
	LogLevel int
}

// Name implements conformance.Engine.
func (Engine) Name() string { return "linux" }

// Load implements conformance.Engine.
func (e Engine) Load(insns []ebpf.Instruction) (conformance.Runner, error) {
	return runner{insns, e}, nil
}

type runner struct {
	insns []ebpf.Instruction
	e     Engine
}

func (r runner) Run(mem []byte) (uint64, error) {
	p, err := Load(r.insns, Options{MemLen: len(mem), LogLevel: r.e.LogLevel})
	if err != nil {
		return 0, err
	}
	defer p.Close()
	return p.Run(mem)
}
