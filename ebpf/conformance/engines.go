package conformance

import (
	"math"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/jit"
)

// Interpreter is the engine of package interp, with the uBPF test helpers.
type Interpreter struct{}

// Name implements Engine.
func (Interpreter) Name() string { return "interp" }

// Load implements Engine.
func (Interpreter) Load(insns []ebpf.Instruction) (Runner, error) {
	p, err := interp.Compile(insns, interp.Options{Helpers: UBPFHelpers})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// JIT is the engine of package jit (x86-64 code), with the same helpers.
// A loaded program's code is freed when it is no longer referenced.
type JIT struct{}

// Name implements Engine.
func (JIT) Name() string { return "jit" }

// Load implements Engine.
func (JIT) Load(insns []ebpf.Instruction) (Runner, error) {
	p, err := jit.Compile(insns, jit.Options{Helpers: UBPFHelpers})
	if err != nil {
		return nil, err
	}
	return p, nil
}

// UBPFHelpers are the helpers uBPF's test runner registers (ids 0-5), which
// some uBPF test files call: gather_bytes, memfrob, no_op, sqrti, strcmp_ext
// and unwind.
var UBPFHelpers = map[int32]interp.Helper{
	0: func(_ *interp.Env, a, b, c, d, e uint64) (uint64, error) { // gather_bytes
		return a<<32 | b<<24 | c<<16 | d<<8 | e, nil
	},
	1: func(env *interp.Env, p, n, _, _, _ uint64) (uint64, error) { // memfrob
		mem, err := env.Store(p, int(n&0xffff))
		for i := range mem {
			mem[i] ^= 42
		}
		return 0, err
	},
	2: func(*interp.Env, uint64, uint64, uint64, uint64, uint64) (uint64, error) { return 0, nil }, // no_op
	3: func(_ *interp.Env, x, _, _, _, _ uint64) (uint64, error) { // sqrti
		return uint64(math.Sqrt(float64(x))), nil
	},
	4: strcmpExt,
	5: func(_ *interp.Env, r1, _, _, _, _ uint64) (uint64, error) { return r1, nil }, // unwind
}

// strcmpExt compares two NUL-terminated strings in program memory.
func strcmpExt(env *interp.Env, a, b, _, _, _ uint64) (uint64, error) {
	for i := uint64(0); ; i++ {
		ca, err := env.Load(a+i, 1)
		if err != nil {
			return 0, err
		}
		cb, err := env.Load(b+i, 1)
		if err != nil {
			return 0, err
		}
		if ca[0] != cb[0] || ca[0] == 0 {
			return uint64(int64(ca[0]) - int64(cb[0])), nil
		}
	}
}
