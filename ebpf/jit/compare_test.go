package jit

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// The differential harness: run one program on interp and on the JIT,
// each over its own copy of the context and regions, and say how the two
// differ — in r0, in the error (compared as text), in the memory they
// leave behind. They must not differ at all.

// setup is what a program runs with.
type setup struct {
	ctx     []byte
	regions []interp.Region
	helpers map[int32]interp.Helper
	budget  uint64
}

// outcome is what one engine made of it.
type outcome struct {
	r0      uint64
	err     error
	ctx     []byte
	regions [][]byte
}

func (s setup) fresh() ([]byte, []interp.Region) {
	regions := slices.Clone(s.regions)
	for i := range regions {
		regions[i].Data = slices.Clone(regions[i].Data)
	}
	return slices.Clone(s.ctx), regions
}

func (o *outcome) keep(ctx []byte, regions []interp.Region) {
	o.ctx = ctx
	for _, r := range regions {
		o.regions = append(o.regions, r.Data)
	}
}

func runInterp(insns []ebpf.Instruction, s setup) outcome {
	ctx, regions := s.fresh()
	var o outcome
	p, err := interp.Compile(insns, interp.Options{Helpers: s.helpers, Budget: s.budget, Regions: regions})
	if err != nil {
		o.err = err
	} else {
		o.r0, o.err = p.Run(ctx)
	}
	o.keep(ctx, regions)
	return o
}

// runJIT also returns the instructions the JIT executed.
func runJIT(insns []ebpf.Instruction, s setup) (outcome, uint64) {
	ctx, regions := s.fresh()
	var o outcome
	var executed uint64
	p, err := Compile(insns, Options{Helpers: s.helpers, Budget: s.budget, Regions: regions})
	if err != nil {
		o.err = err
	} else {
		o.r0, executed, o.err = p.run(ctx)
		if err := p.Close(); err != nil {
			o.err = fmt.Errorf("Close: %w", err)
		}
	}
	o.keep(ctx, regions)
	return o, executed
}

// differ says how the two outcomes differ, or "".
func differ(want, got outcome) string {
	switch {
	case (want.err == nil) != (got.err == nil) || want.err != nil && want.err.Error() != got.err.Error():
		return fmt.Sprintf("error: interp %v, jit %v", want.err, got.err)
	case want.err == nil && want.r0 != got.r0:
		return fmt.Sprintf("r0: interp %#x, jit %#x", want.r0, got.r0)
	case !bytes.Equal(want.ctx, got.ctx):
		return "context after the run: " + bytesDiffer(want.ctx, got.ctx)
	}
	for i := range want.regions {
		if !bytes.Equal(want.regions[i], got.regions[i]) {
			return fmt.Sprintf("region %d after the run: %s", i, bytesDiffer(want.regions[i], got.regions[i]))
		}
	}
	return ""
}

// bytesDiffer shows the 8-byte word where a and b (of one length) first differ.
func bytesDiffer(a, b []byte) string {
	i := 0
	for i < len(a) && a[i] == b[i] {
		i++
	}
	i &^= 7
	end := min(i+8, len(a))
	return fmt.Sprintf("at byte %d, interp % x, jit % x", i, a[i:end], b[i:end])
}

// agree fails t if the engines differ on insns, and returns the JIT's
// outcome and instruction count.
func agree(t testing.TB, name string, insns []ebpf.Instruction, s setup) (outcome, uint64) {
	t.Helper()
	got, executed := runJIT(insns, s)
	if d := differ(runInterp(insns, s), got); d != "" {
		t.Errorf("%s: %s\n%s", name, d, asm.Disassemble(insns))
	}
	return got, executed
}

// agreeAtEveryBudget runs insns with the default budget, then with every
// budget from 1 to one more than it needed (at most limit): the engines
// must agree at each, ErrBudget instruction included.
func agreeAtEveryBudget(t *testing.T, name string, insns []ebpf.Instruction, s setup, limit uint64) {
	t.Helper()
	_, executed := agree(t, name, insns, s)
	for b := uint64(1); b <= min(executed+1, limit); b++ {
		s.budget = b
		agree(t, fmt.Sprintf("%s, budget %d", name, b), insns, s)
	}
}

func mustAssemble(tb testing.TB, src string) []ebpf.Instruction {
	tb.Helper()
	insns, err := asm.Assemble(src)
	if err != nil {
		tb.Fatalf("assembling:\n%s\n%v", src, err)
	}
	return insns
}
