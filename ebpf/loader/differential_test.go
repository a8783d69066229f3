package loader

import (
	"encoding/binary"
	"path/filepath"
	"testing"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
)

// TestDifferentialCilium loads every object of the testdata directory with
// our loader and with cilium/ebpf's LoadCollectionSpec, the Go world's
// standard loader, and compares what a kernel would be given: per program
// the linked instructions (count, every field of every instruction that is
// not relocated, where each function starts) and what each relocated
// instruction names; per map the type, sizes, entries and flags.
func TestDifferentialCilium(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testdata, "*.o"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no objects in %s: %v", testdata, err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			obj, err := LoadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			spec, err := cebpf.LoadCollectionSpec(file)
			if err != nil {
				t.Fatal(err)
			}
			compareMaps(t, obj, spec)
			if len(obj.Programs) != len(spec.Programs) {
				t.Errorf("%d programs, cilium has %d", len(obj.Programs), len(spec.Programs))
			}
			for _, p := range obj.Programs {
				cp := spec.Programs[p.Name]
				if cp == nil {
					t.Errorf("program %q: cilium does not have it", p.Name)
					continue
				}
				if uint32(cp.Type) != uint32(p.Type) || cp.SectionName != p.Section {
					t.Errorf("program %q: type %v section %q, cilium %v %q", p.Name, p.Type, p.Section, cp.Type, cp.SectionName)
				}
				compareInsns(t, obj, p, cp.Instructions)
			}
		})
	}
}

// compareMaps checks every map cilium found against ours; cilium leaves
// out global-data sections no instruction refers to, libbpf (and we) keep
// them.
func compareMaps(t *testing.T, obj *Object, spec *cebpf.CollectionSpec) {
	t.Helper()
	for _, m := range obj.Maps {
		cm := spec.Maps[m.Name]
		if cm == nil {
			if m.Init == nil || referenced(obj, m.Name) {
				t.Errorf("map %q: cilium does not have it", m.Name)
			}
			continue
		}
		if uint32(cm.Type) != uint32(m.Type) || cm.KeySize != m.KeySize || cm.ValueSize != m.ValueSize ||
			cm.MaxEntries != m.MaxEntries || cm.Flags != m.Flags {
			t.Errorf("map %q: %+v, cilium %v k%d v%d n%d f%#x", m.Name, m.Spec, cm.Type, cm.KeySize, cm.ValueSize, cm.MaxEntries, cm.Flags)
		}
	}
	if len(spec.Maps) > len(obj.Maps) {
		t.Errorf("cilium has %d maps, we have %d", len(spec.Maps), len(obj.Maps))
	}
}

func referenced(obj *Object, mapName string) bool {
	for _, p := range obj.Programs {
		for _, r := range p.Relocs {
			if r.Kind != RelocCall && obj.Maps[r.Map].Name == mapName {
				return true
			}
		}
	}
	return false
}

// compareInsns compares one linked program with cilium's.
func compareInsns(t *testing.T, obj *Object, p *Program, cins casm.Instructions) {
	t.Helper()
	if len(p.Insns) != len(cins) {
		t.Errorf("program %q: %d instructions, cilium %d", p.Name, len(p.Insns), len(cins))
		return
	}
	relocs := map[int]Reloc{}
	for _, r := range p.Relocs {
		relocs[r.Insn] = r
	}
	funcs := map[int]string{}
	for _, f := range p.Funcs {
		funcs[f.Insn] = f.Name
	}
	for i, ins := range p.Insns {
		c := cins[i]
		if sym := c.Symbol(); sym != funcs[i] {
			t.Errorf("program %q insn %d: function %q starts here, cilium says %q", p.Name, i, funcs[i], sym)
		}
		r, ok := relocs[i]
		if !ok {
			if want := fromCilium(t, c); want != ins {
				t.Errorf("program %q insn %d: %+v, cilium %+v", p.Name, i, ins, want)
			}
			continue
		}
		compareReloc(t, obj, p, r, c)
	}
}

// compareReloc checks that a relocated instruction names what cilium's
// reference names: the map (global data maps are named after their
// section in both) or the callee.
func compareReloc(t *testing.T, obj *Object, p *Program, r Reloc, c casm.Instruction) {
	t.Helper()
	want := r.Symbol
	if r.Kind != RelocCall {
		want = obj.Maps[r.Map].Name
	}
	if c.Reference() != want {
		t.Errorf("program %q insn %d: refers to %q, cilium to %q", p.Name, r.Insn, want, c.Reference())
	}
	if r.Kind == RelocMapValue && uint32(c.Constant>>32) != r.Offset {
		t.Errorf("program %q insn %d: offset %d in %q, cilium %d", p.Name, r.Insn, r.Offset, want, c.Constant>>32)
	}
}

// fromCilium converts a cilium instruction to ours through its encoding.
func fromCilium(t *testing.T, c casm.Instruction) ebpf.Instruction {
	t.Helper()
	var buf = make([]byte, 0, 16)
	w := &sliceWriter{&buf}
	if _, err := c.Marshal(w, nativeEndian); err != nil {
		t.Fatal(err)
	}
	insns, err := ebpf.Decode(buf)
	if err != nil || len(insns) != 1 {
		t.Fatalf("decoding cilium's %v: %v", c, err)
	}
	return insns[0]
}

type sliceWriter struct{ b *[]byte }

func (w *sliceWriter) Write(p []byte) (int, error) { *w.b = append(*w.b, p...); return len(p), nil }

var nativeEndian = binary.LittleEndian
