package interp

import "fmt"

// RunCount is Run that also returns how many instructions the program
// executed, counted as Options.Budget counts them (lddw is one). Benchmarks
// divide a run's time by it: ns per executed instruction.
func (p *Program) RunCount(ctx []byte) (r0, executed uint64, err error) {
	if len(ctx) > MaxRegionSize {
		return 0, 0, fmt.Errorf("interp: context of %d bytes, more than %d", len(ctx), MaxRegionSize)
	}
	return p.run(ctx)
}
