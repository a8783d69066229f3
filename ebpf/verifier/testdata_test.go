package verifier

import (
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// objectPrograms loads every program of the ebpf/testdata objects.
func objectPrograms(t testing.TB) []objectProgram {
	files, err := filepath.Glob("../testdata/*.o")
	if err != nil || len(files) == 0 {
		t.Fatalf("no test objects: %v", err)
	}
	var out []objectProgram
	for _, f := range files {
		obj, err := loader.LoadFile(f)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		for _, p := range obj.Programs {
			out = append(out, objectProgram{file: filepath.Base(f), obj: obj, prog: p})
		}
	}
	return out
}

type objectProgram struct {
	file string
	obj  *loader.Object
	prog *loader.Program
}

func (o objectProgram) name() string { return o.file + ":" + o.prog.Name }

func (o objectProgram) options(level int) Options {
	specs := make([]maps.Spec, len(o.obj.Maps))
	for i, m := range o.obj.Maps {
		specs[i] = m.Spec
	}
	return Options{ProgType: o.prog.Type, Maps: specs, LogLevel: level}
}

// TestObjectsAccepted: the kernel accepts every test object's programs,
// and so must we.
func TestObjectsAccepted(t *testing.T) {
	for _, o := range objectPrograms(t) {
		t.Run(o.name(), func(t *testing.T) {
			res, err := Verify(o.prog.Insns, o.options(1))
			if err != nil {
				t.Fatalf("rejected: %v\n%s", err, err.(*RejectError).Log)
			}
			t.Logf("%d insns, processed %d, states %d", len(o.prog.Insns), res.Processed, res.States)
		})
	}
}
