package loader

import (
	"bytes"
	"debug/elf"
	"os"
	"path/filepath"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// seedObjects are every committed object: the shared test programs and
// the loader's own.
func seedObjects(f *testing.F) [][]byte {
	var out [][]byte
	for _, pattern := range []string{filepath.Join(testdata, "*.o"), "testdata/*.o"} {
		files, _ := filepath.Glob(pattern)
		for _, file := range files {
			data, err := os.ReadFile(file)
			if err != nil {
				f.Fatal(err)
			}
			out = append(out, data)
		}
	}
	if len(out) == 0 {
		f.Fatal("no seed objects")
	}
	return out
}

// FuzzLoad: any input either fails with an error or loads into programs
// whose every local call lands on the function its relocation names and
// whose relocations name maps that exist.
func FuzzLoad(f *testing.F) {
	for _, data := range seedObjects(f) {
		f.Add(data)
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		obj, err := Load(bytes.NewReader(data))
		if err != nil {
			return
		}
		for _, p := range obj.Programs {
			checkLinked(t, obj, p)
		}
	})
}

// checkLinked checks a loaded program's invariants.
func checkLinked(t *testing.T, obj *Object, p *Program) {
	start := map[string]int{}
	for _, fn := range p.Funcs {
		start[fn.Name] = fn.Insn
	}
	prog := ebpf.NewProgram(p.Insns)
	for _, r := range p.Relocs {
		if r.Insn < 0 || r.Insn >= len(p.Insns) {
			t.Fatalf("%s: relocation at %d outside %d instructions", p.Name, r.Insn, len(p.Insns))
		}
		switch r.Kind {
		case RelocCall:
			if _, err := prog.Target(r.Insn); err != nil {
				t.Fatalf("%s: call at %d: %v", p.Name, r.Insn, err)
			}
			if _, ok := start[r.Symbol]; !ok {
				t.Fatalf("%s: call at %d of %q, which is not linked in", p.Name, r.Insn, r.Symbol)
			}
		default:
			if r.Map < 0 || r.Map >= len(obj.Maps) || !p.Insns[r.Insn].IsLDDW() {
				t.Fatalf("%s: relocation %+v", p.Name, r)
			}
		}
	}
}

// FuzzParseBTF: parsing and sizing every type never panics or hangs.
func FuzzParseBTF(f *testing.F) {
	for _, data := range seedObjects(f) {
		ef, err := elf.NewFile(bytes.NewReader(data))
		if err != nil || ef.Section(".BTF") == nil {
			continue
		}
		if btf, err := ef.Section(".BTF").Data(); err == nil {
			f.Add(btf)
		}
	}
	f.Add(newBTF().add("loop", kindTypedef, 0, 1).bytes())
	f.Fuzz(func(t *testing.T, data []byte) {
		spec, err := parseBTF(data)
		if err != nil {
			return
		}
		for id := range spec.types {
			spec.sizeof(uint32(id))
			btfMapDef(spec, uint32(id))
		}
	})
}
