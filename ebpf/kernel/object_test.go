package kernel

import (
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/internal/testenv"
)

// TestObjectTestRun: test programs of ebpf/testdata through LoadObject:
// verdicts and output sizes as BPF_PROG_TEST_RUN gives them.
func TestObjectTestRun(t *testing.T) {
	testenv.RequireBPF(t)
	for _, c := range []struct {
		file, prog string
		tail       string // a program for slot 0 of jump_table
		n          int
		ret        uint32
		out        int
	}{
		{"helpers.o", "xdp_adjust", "", 60, 0, 24}, // three runs on one buffer: 60 -> 42 -> 24, then too short
		{"helpers.o", "xdp_redirect", "", 60, 4, 60},
		{"tailcall.o", "xdp_dispatch", "xdp_drop_all", 60, 1, 60},
		{"tailcall.o", "xdp_dispatch", "", 61, 2, 61},
		{"calls.o", "xdp_calls", "", 14, 1, 14},
	} {
		obj, err := loader.LoadFile(filepath.Join("..", "testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		o, err := LoadObject(obj)
		if err != nil {
			t.Fatal(err)
		}
		if c.tail != "" {
			if err := o.SetTail("jump_table", 0, c.tail); err != nil {
				t.Fatal(err)
			}
		}
		ret, out, d, err := o.TestRun(c.prog, make([]byte, c.n), 3)
		if err != nil || ret != c.ret || len(out) != c.out || d < 0 {
			t.Errorf("%s %s: retval %d, %d bytes, %v, %v; want %d, %d bytes", c.file, c.prog, ret, len(out), d, err, c.ret, c.out)
		}
		if _, _, _, err := o.TestRun("nope", make([]byte, 60), 1); err == nil {
			t.Errorf("%s: a program that does not exist ran", c.file)
		}
		o.Close()
	}
}
