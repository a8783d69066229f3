package kernel

// Objects: an ELF object as ebpf/loader links it, loaded into Linux the
// way libbpf loads it (maps created, global data written and .rodata
// frozen by cilium/ebpf, programs loaded with the maps' descriptors in
// their pseudo loads), and run with BPF_PROG_TEST_RUN on a packet. It is
// the kernel's side of `deepsys ebpf test-run --engine linux`, to set
// beside ebpf/host's run of the same object on our engines. Programs are
// loaded as the object's license says (GPL-only helpers need "GPL").

import (
	"bytes"
	"errors"
	"fmt"
	"strings"
	"time"

	cebpf "github.com/cilium/ebpf"

	"github.com/deepsys/deepsys/ebpf/loader"
)

// Object is an object's maps in the kernel and the programs loaded so far.
type Object struct {
	obj   *loader.Object
	maps  []*cebpf.Map
	fds   []int
	progs map[string]*cebpf.Program
}

// LoadObject creates obj's maps in the kernel.
func LoadObject(obj *loader.Object) (*Object, error) {
	o := &Object{obj: obj, progs: map[string]*cebpf.Program{}}
	for _, d := range obj.Maps {
		spec := &cebpf.MapSpec{Name: objName(d.Name), Type: cebpf.MapType(d.Type), KeySize: d.KeySize,
			ValueSize: d.ValueSize, MaxEntries: d.MaxEntries, Flags: d.Flags}
		if d.Init != nil { // cilium/ebpf writes it, then freezes BPF_F_RDONLY_PROG maps
			v := append(bytes.Clone(d.Init), make([]byte, max(int(d.ValueSize)-len(d.Init), 0))...)
			spec.Contents = []cebpf.MapKV{{Key: uint32(0), Value: v}}
		}
		m, err := cebpf.NewMap(spec)
		if err != nil {
			o.Close()
			return nil, fmt.Errorf("kernel: map %q: %w", d.Name, err)
		}
		o.maps, o.fds = append(o.maps, m), append(o.fds, m.FD())
	}
	return o, nil
}

// objName fits a name to BPF_OBJ_NAME_LEN: 15 characters of
// [A-Za-z0-9_.].
func objName(s string) string {
	s = strings.Map(func(r rune) rune {
		if r == '_' || r == '.' || ('a' <= r && r <= 'z') || ('A' <= r && r <= 'Z') || ('0' <= r && r <= '9') {
			return r
		}
		return '_'
	}, s)
	return s[:min(len(s), 15)]
}

var progTypes = map[loader.ProgType]cebpf.ProgramType{
	loader.XDP: cebpf.XDP, loader.SocketFilter: cebpf.SocketFilter, loader.SchedCLS: cebpf.SchedCLS, loader.SchedACT: cebpf.SchedACT,
}

// program loads the object's program called name (once).
func (o *Object) program(name string) (*cebpf.Program, error) {
	if p := o.progs[name]; p != nil {
		return p, nil
	}
	lp := o.obj.Program(name)
	if lp == nil {
		return nil, fmt.Errorf("kernel: the object has no program %q", name)
	}
	t, ok := progTypes[lp.Type]
	if !ok {
		return nil, fmt.Errorf("kernel: %s: no test run for %v programs here", name, lp.Type)
	}
	insns, err := lp.WithFDs(o.fds)
	if err != nil {
		return nil, err
	}
	code, err := toCilium(insns)
	if err != nil {
		return nil, err
	}
	p, err := cebpf.NewProgram(&cebpf.ProgramSpec{Name: objName(name), Type: t, Instructions: code, License: o.obj.License})
	var verr *cebpf.VerifierError
	switch {
	case errors.As(err, &verr):
		return nil, &LoadError{Log: verr.Log, Err: err}
	case err != nil:
		return nil, fmt.Errorf("kernel: loading %s: %w", name, err)
	}
	o.progs[name] = p
	return p, nil
}

// SetTail puts program prog in slot of the program array called mapName.
func (o *Object) SetTail(mapName string, slot uint32, prog string) error {
	i := o.obj.MapIndex(mapName)
	if i < 0 || o.maps[i].Type() != cebpf.ProgramArray {
		return fmt.Errorf("kernel: %q is not a program array of the object", mapName)
	}
	p, err := o.program(prog)
	if err != nil {
		return err
	}
	return o.maps[i].Update(slot, uint32(p.FD()), cebpf.UpdateAny)
}

// TestRun runs the program called name repeat times on data with
// BPF_PROG_TEST_RUN: its retval and data_out, then (cilium/ebpf's Run does
// not report it) another repeat runs for the kernel's mean time per run.
func (o *Object) TestRun(name string, data []byte, repeat int) (uint32, []byte, time.Duration, error) {
	p, err := o.program(name)
	if err != nil {
		return 0, nil, 0, err
	}
	opts := cebpf.RunOptions{Data: data, DataOut: make([]byte, len(data)+4096), Repeat: uint32(max(repeat, 1))}
	ret, err := p.Run(&opts)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("kernel: BPF_PROG_TEST_RUN: %w", err)
	}
	_, d, err := p.Benchmark(data, max(repeat, 1), nil)
	if err != nil {
		return 0, nil, 0, fmt.Errorf("kernel: BPF_PROG_TEST_RUN with repeat %d: %w", repeat, err)
	}
	return ret, opts.DataOut, d, nil
}

// Close releases the programs and maps.
func (o *Object) Close() error {
	var errs []error
	for _, p := range o.progs {
		errs = append(errs, p.Close())
	}
	for _, m := range o.maps {
		errs = append(errs, m.Close())
	}
	return errors.Join(errs...)
}
