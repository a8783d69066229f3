package kernel

import (
	"encoding/binary"
	"errors"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/conformance"
	"github.com/deepsys/deepsys/internal/testenv"
)

// words is the little-endian encoding of insns as 64-bit words.
func words(insns []ebpf.Instruction) []uint64 {
	code := ebpf.Encode(nil, insns)
	out := make([]uint64, len(code)/ebpf.SlotSize)
	for i := range out {
		out[i] = binary.LittleEndian.Uint64(code[i*ebpf.SlotSize:])
	}
	return out
}

// TestPrologEncoding checks the prolog and the wrapper against the
// instructions bpf_conformance writes (lib/src/bpf_conformance.cc
// _generate_xdp_prolog, libbpf_plugin.cc
// generate_64_bit_return_value_fixup), as {opcode, dst, src, off, imm}.
func TestPrologEncoding(t *testing.T) {
	type insn struct {
		op       uint8
		dst, src uint8
		off      int16
		imm      int32
	}
	enc := func(in []insn) []uint64 {
		var out []uint64
		for _, i := range in {
			out = append(out, uint64(i.op)|uint64(i.dst)<<8|uint64(i.src)<<12|uint64(uint16(i.off))<<16|uint64(uint32(i.imm))<<32)
		}
		return out
	}
	const size, fd = 0x1234, 7
	for _, c := range []struct {
		name string
		got  []ebpf.Instruction
		want []insn
	}{
		{"prolog", Prolog(size), []insn{
			{0xb7, 0, 0, 0, -1}, {0xbf, 6, 1, 0, 0}, {0x61, 1, 6, 0, 0}, {0x61, 2, 6, 4, 0},
			{0xbf, 3, 1, 0, 0}, {0x07, 3, 0, 0, size}, {0xbd, 3, 2, 1, 0}, {0x95, 0, 0, 0, 0}, {0xb7, 2, 0, 0, size},
		}},
		{"wrapper", wrapper(fd), []insn{
			{0x85, 0, 1, 0, 4}, {0x18, 1, 2, 0, fd}, {0, 0, 0, 0, 0}, {0x7b, 1, 0, 0, 0}, {0x95, 0, 0, 0, 0},
		}},
	} {
		got, want := words(c.got), enc(c.want)
		if len(got) != len(want) {
			t.Errorf("%s: %d slots, want %d", c.name, len(got), len(want))
			continue
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("%s slot %d: %#016x, want %#016x", c.name, i, got[i], want[i])
			}
		}
	}
}

// TestCiliumCarriesCorpus: every program of both corpora goes through
// cilium/ebpf's instructions byte for byte (toCilium checks it).
func TestCiliumCarriesCorpus(t *testing.T) {
	n := 0
	for _, dir := range []string{
		filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests"),
		filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests"),
	} {
		files, _ := filepath.Glob(filepath.Join(dir, "*.data"))
		for _, path := range files {
			tf, err := asm.ReadTestFile(path)
			if err != nil {
				continue // the asm package's tests judge these
			}
			insns, err := tf.Program()
			if err != nil {
				continue
			}
			if _, err := toCilium(insns); err != nil {
				t.Errorf("%s: %v", filepath.Base(path), err)
			}
			n++
		}
	}
	t.Logf("%d programs carried", n)
}

func mustAssemble(t *testing.T, src string) []ebpf.Instruction {
	t.Helper()
	insns, err := asm.Assemble(src)
	if err != nil {
		t.Fatal(err)
	}
	return insns
}

func TestRunWidths(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	insns := mustAssemble(t, "lddw %r0, 0x1122334455667788\nldxb %r1, [%r1+1]\nadd %r0, %r1\nexit")
	mem := []byte{0, 0x10}
	for _, c := range []struct {
		opts Options
		want uint64
	}{
		{Options{MemLen: 2}, 0x1122334455667798},
		{Options{MemLen: 2, Retval32: true}, 0x55667798},
	} {
		p, err := Load(insns, c.opts)
		if err != nil {
			t.Fatal(err)
		}
		r0, err := p.Run(mem)
		p.Close()
		if err != nil || r0 != c.want {
			t.Errorf("%+v: r0 = %#x, %v; want %#x", c.opts, r0, err, c.want)
		}
	}
}

// TestRunWritesBack: stores to the packet come back into mem, as on the
// interpreter.
func TestRunWritesBack(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	p, err := Load(mustAssemble(t, "stb [%r1+2], 0xab\nmov %r0, 0\nexit"), Options{MemLen: 3})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	mem := []byte{1, 2, 3}
	if _, err := p.Run(mem); err != nil || mem[2] != 0xab || mem[0] != 1 {
		t.Errorf("mem = %x, %v; want 0102ab", mem, err)
	}
	if _, err := p.Run(make([]byte, 4)); err == nil || !strings.Contains(err.Error(), "loaded for 3") {
		t.Errorf("Run with the wrong length: %v", err)
	}
}

func TestLoadError(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	insns := mustAssemble(t, "mov %r0, 1\nlsh %r0, 64\nexit")
	for _, c := range []struct {
		opts   Options
		offset int
	}{
		{Options{}, WrapperSlots + PrologSlots},
		{Options{Retval32: true}, PrologSlots},
		{Options{Retval32: true, LogLevel: 2}, PrologSlots},
	} {
		_, err := Load(insns, c.opts)
		var lerr *LoadError
		if !errors.As(err, &lerr) {
			t.Fatalf("%+v: %v, want a *LoadError", c.opts, err)
		}
		if lerr.Offset != c.offset || !strings.Contains(err.Error(), "invalid shift 64") {
			t.Errorf("%+v: offset %d, %v; want offset %d and the verifier's reason", c.opts, lerr.Offset, err, c.offset)
		}
		// The log names the shift at its loaded position: slot 1 + Offset.
		if want := strconv.Itoa(1+c.offset) + ": "; !strings.Contains(strings.Join(lerr.Log, "\n"), want) {
			t.Errorf("%+v: the log has no line for instruction %s:\n%s", c.opts, want, strings.Join(lerr.Log, "\n"))
		}
	}
	if _, err := Load(insns, Options{MemLen: MaxMemLen + 1}); err == nil {
		t.Error("MemLen above MaxMemLen was accepted")
	}
}

func TestVerifierLogLevel2(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	p, err := Load(mustAssemble(t, "mov %r0, 7\nexit"), Options{LogLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if log := p.VerifierLog(); !strings.Contains(log, "(b7) r0 = 7") || !strings.Contains(log, "R0=7") {
		t.Errorf("level-2 log lacks the register state R0=7:\n%s", log)
	}
}

// TestEngineRunDir runs the corpus through conformance.RunDir: everything
// passes but the files the kernel refuses (kernelRefuses), which fail, and
// callx, which conformance skips.
func TestEngineRunDir(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	results, err := conformance.RunDir(Engine{}, filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests"))
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range results {
		_, refused := kernelRefuses[filepath.Base(r.File)]
		if r.Status == conformance.Fail && !refused {
			t.Errorf("%s: %s", r.File, r.Detail)
		}
		if r.Status == conformance.Pass && refused {
			t.Errorf("%s passed; the kernel should refuse it", r.File)
		}
	}
	pass, fail, skip := conformance.Count(results)
	t.Logf("linux: %d passed, %d failed (refused by the verifier), %d skipped", pass, fail, skip)
}

// TestBench: a loop costs more than an empty program, by the kernel's clock.
func TestBench(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	empty := mustAssemble(t, "mov %r0, 0\nexit")
	loop := mustAssemble(t, "mov %r0, 0\nmov %r3, 1000\nadd %r0, %r3\nsub %r3, 1\njne %r3, 0, -3\nexit")
	var ns [2]float64
	for i, insns := range [][]ebpf.Instruction{empty, loop} {
		p, err := Load(insns, Options{MemLen: 0, Retval32: true})
		if err != nil {
			t.Fatal(err)
		}
		d, err := p.Bench(nil, 1000)
		p.Close()
		if err != nil {
			t.Fatal(err)
		}
		ns[i] = float64(d.Nanoseconds())
	}
	if ns[1] <= ns[0] {
		t.Errorf("1000-iteration loop %v ns/run, empty program %v ns/run", ns[1], ns[0])
	}
	t.Logf("empty %v ns/run, loop %v ns/run", ns[0], ns[1])
}
