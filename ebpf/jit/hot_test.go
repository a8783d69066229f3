package jit

import (
	"fmt"
	"testing"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// TestHotWindowEdges: loads and stores of every size at the edges of the
// hot window (the context) and next to it — just below, just past its
// end, straddling it, in the windows beside it (the stack, a read-only
// and a writable region), far above — do on the JIT exactly what they do
// on the interpreter: the same faults, values and memory.
func TestHotWindowEdges(t *testing.T) {
	ctx := []byte{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12}
	regions := []interp.Region{{Name: "ro", Data: make([]byte, 16), ReadOnly: true}, {Name: "rw", Data: make([]byte, 16)}}
	var addrs []uint64
	for _, base := range []uint64{interp.ContextAddr, interp.StackAddr + 7*512, interp.RegionAddr(0), interp.RegionAddr(1)} {
		for _, off := range []int64{-8, -1, 0, 1, 4, 8, 9, 11, 12, 16, 1 << 31, 1<<32 - 1} {
			addrs = append(addrs, uint64(int64(base)+off))
		}
	}
	addrs = append(addrs, 0, 1<<63, interp.RegionAddr(13), ^uint64(0))
	for _, addr := range addrs {
		for _, size := range []string{"b", "h", "w", "dw"} {
			for _, src := range []string{
				fmt.Sprintf("lddw %%r1, %#x\nldx%s %%r0, [%%r1+0]\nexit", addr, size),
				fmt.Sprintf("lddw %%r1, %#x\nmov %%r0, -1\nstx%s [%%r1+0], %%r0\nexit", addr, size),
				fmt.Sprintf("lddw %%r1, %#x\nst%s [%%r1+1], 7\nmov %%r0, 0\nexit", addr-1, size),
			} {
				insns := mustAssemble(t, src)
				s := setup{ctx: ctx, regions: regions}
				want := runInterp(insns, s)
				got, _ := runJIT(insns, s)
				if d := differ(want, got); d != "" {
					t.Errorf("%s\n%s", src, d)
				}
			}
		}
	}
}
