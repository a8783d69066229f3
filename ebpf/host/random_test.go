package host

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/internal/testenv"
)

// Random programs the kernel's verifier accepts, run in Linux and on both
// engines: every packet access is behind a bounds check on data and
// data_end read afresh, helpers get constant sizes, r7 accumulates what
// the steps read and becomes the verdict and a map value. They must give
// the same verdicts, packets and maps everywhere.

// verifiedStep is one step of a random program.
func verifiedStep(r *rand.Rand) string {
	bounds := func(n int, skip int) string { // r2 = data, r3 = data_end; skip steps' instructions unless n bytes
		return fmt.Sprintf("ldxw %%r2, [%%r6+0]\nldxw %%r3, [%%r6+4]\nmov %%r4, %%r2\nadd %%r4, %d\njgt %%r4, %%r3, +%d\n", n, skip)
	}
	size := []string{"b", "h", "w", "dw"}[r.IntN(4)]
	width := map[string]int{"b": 1, "h": 2, "w": 4, "dw": 8}[size]
	off := r.IntN(64)
	switch r.IntN(13) {
	case 0:
		return bounds(off+width, 2) + fmt.Sprintf("ldx%s %%r5, [%%r2+%d]\nadd %%r7, %%r5", size, off)
	case 1:
		return bounds(off+width, 1) + fmt.Sprintf("stx%s [%%r2+%d], %%r7", size, off)
	case 2:
		return fmt.Sprintf("mov %%r1, %%r6\nmov %%r2, %d\ncall 44\nadd %%r7, %%r0", r.IntN(120)-80)
	case 3:
		return fmt.Sprintf("mov %%r1, %%r6\nmov %%r2, %d\ncall 65\nadd %%r7, %%r0", r.IntN(200)-100)
	case 4:
		return fmt.Sprintf("mov %%r1, %%r6\nmov %%r2, %d\ncall 54\nadd %%r7, %%r0", -4*r.IntN(12)+r.IntN(2)*r.IntN(4))
	case 5:
		op := []string{"add", "sub", "mul", "xor", "or", "and", "lsh", "rsh", "arsh"}[r.IntN(9)]
		return fmt.Sprintf("%s %%r7, %d", op, r.IntN(64))
	case 6:
		return fmt.Sprintf("stw [%%r10-4], %d\nstxdw [%%r10-16], %%r7\nlddw %%r1, %s\nmov %%r2, %%r10\nadd %%r2, -4\nmov %%r3, %%r10\nadd %%r3, -16\nmov %%r4, %d\ncall 2\nadd %%r7, %%r0",
			r.IntN(6), mapRef0, r.IntN(3))
	case 7:
		return fmt.Sprintf("stw [%%r10-4], %d\nlddw %%r1, %s\nmov %%r2, %%r10\nadd %%r2, -4\ncall 1\njeq %%r0, 0, +3\nldxdw %%r5, [%%r0+0]\nadd %%r7, %%r5\nstxdw [%%r0+0], %%r7",
			r.IntN(6), mapRef0)
	case 8:
		f, t := r.IntN(24), r.IntN(24)
		return bounds(f+t, 8) + fmt.Sprintf("mov %%r1, %%r2\nmov %%r3, %%r2\nadd %%r3, %d\nmov %%r2, %d\nmov %%r4, %d\nmov %%r5, %%r7\ncall 28\nadd %%r7, %%r0", f, f, t)
	case 9:
		return fmt.Sprintf("stw [%%r10-4], %d\nlddw %%r1, %s\nmov %%r2, %%r10\nadd %%r2, -4\ncall 3\nadd %%r7, %%r0", r.IntN(6), mapRef0)
	case 10:
		return fmt.Sprintf("mov %%r1, %%r6\nmov %%r2, %d\nmov %%r3, %%r10\nadd %%r3, -32\nmov %%r4, %d\ncall 189\nadd %%r7, %%r0", r.IntN(140), 1+r.IntN(8))
	case 11:
		return fmt.Sprintf("stxdw [%%r10-40], %%r7\nmov %%r1, %%r6\nmov %%r2, %d\nmov %%r3, %%r10\nadd %%r3, -40\nmov %%r4, %d\ncall 190\nadd %%r7, %%r0", r.IntN(140), 1+r.IntN(8))
	default:
		return fmt.Sprintf("mov %%r1, %d\nmov %%r2, %d\ncall 23\nadd %%r7, %%r0", r.IntN(8), r.IntN(4)/3)
	}
}

// verifiedProgram is a random program of n steps.
func verifiedProgram(r *rand.Rand, n int) string {
	steps := []string{"mov %r6, %r1\nmov %r7, 0"}
	for range n {
		steps = append(steps, verifiedStep(r))
	}
	steps = append(steps, "lddw %r1, 0xf00d020000000001\nstxdw [%r1+0], %r7\nmov %r0, %r7\nand %r0, 3\nexit")
	return strings.Join(steps, "\n")
}

func TestRandomProgramsAgainstKernel(t *testing.T) {
	testenv.RequireBPF(t)
	r := rand.New(rand.NewPCG(7, 11))
	programs := 500
	if testing.Short() {
		programs = 50
	}
	for i := range programs {
		tc := xdpCase{
			name: fmt.Sprintf("random program %d", i), src: verifiedProgram(r, 4+r.IntN(24)),
			maps: []mapDef{{spec: maps.Spec{Name: "h", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 4}}, {spec: arraySpec("g", 8, 1)}},
		}
		for range 3 {
			tc.packets = append(tc.packets, eth(14+r.IntN(120)))
		}
		want := runKernel(t, tc)
		for _, e := range engines {
			if d := outcomesDiffer(want, runHost(t, tc, e)); d != "" {
				t.Fatalf("%s: linux vs %v: %s\n%s", tc.name, e, d, tc.src)
			}
		}
	}
}
