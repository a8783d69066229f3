package interp

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf/asm"
)

func TestRunCount(t *testing.T) {
	for _, c := range []struct {
		src  string
		want uint64
	}{
		{"mov %r0, 0\nexit", 2},
		{"lddw %r0, 0x100000000\nexit", 2},
		{"mov %r1, 3\nloop:\nsub %r1, 1\njne %r1, 0, loop\nmov %r0, %r1\nexit", 1 + 3*2 + 2},
	} {
		insns, err := asm.Assemble(c.src)
		if err != nil {
			t.Fatal(err)
		}
		p, err := Compile(insns, Options{})
		if err != nil {
			t.Fatal(err)
		}
		if _, n, err := p.RunCount(nil); err != nil || n != c.want {
			t.Errorf("%q: executed %d, %v; want %d", c.src, n, err, c.want)
		}
	}
}
