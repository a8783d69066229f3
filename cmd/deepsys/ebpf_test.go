package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

func TestEBPFAsmDisasmRun(t *testing.T) {
	dir := t.TempDir()
	src := filepath.Join(dir, "p.s")
	bin := filepath.Join(dir, "p.bin")
	if err := os.WriteFile(src, []byte("mov %r0, 5\nldxb %r1, [%r1+1]\nadd %r0, %r1\nexit\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, errs := runCLI(t, "ebpf", "asm", "-o", bin, src); code != 0 {
		t.Fatalf("asm: exit %d: %s", code, errs)
	}
	code, out, _ := runCLI(t, "ebpf", "disasm", "--llvm", bin)
	if code != 0 || out != "r0 = 0x5\nw1 = *(u8 *)(r1 + 0x1)\nr0 += r1\nexit\n" {
		t.Fatalf("disasm --llvm: exit %d:\n%s", code, out)
	}
	// asm --llvm reads that text back to the same bytes.
	llvmSrc := filepath.Join(dir, "p.ll.s")
	if err := os.WriteFile(llvmSrc, []byte(out), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, words, errs := runCLI(t, "ebpf", "asm", "--llvm", llvmSrc); code != 0 || !strings.HasPrefix(words, "0x00000005000000b7\n") {
		t.Fatalf("asm --llvm: exit %d: %s%s", code, words, errs)
	}
	code, out, _ = runCLI(t, "ebpf", "disasm", bin)
	if code != 0 || !strings.Contains(out, "ldxb %r1, [%r1+1]") {
		t.Fatalf("disasm: exit %d:\n%s", code, out)
	}
	if code, out, _ = runCLI(t, "ebpf", "run", "--mem", "00 0a", src); code != 0 || out != "r0 = 0xf (15)\n" {
		t.Fatalf("run: exit %d: %q", code, out)
	}
	if code, out, _ = runCLI(t, "ebpf", "run", "--engine", "jit", "--mem", "00 0a", src); code != 0 || out != "r0 = 0xf (15)\n" {
		t.Fatalf("run --engine jit: exit %d: %q", code, out)
	}
	// Reading past the 2-byte memory is refused with the instruction named,
	// by both engines.
	for _, engine := range []string{"interp", "jit"} {
		if code, _, errs := runCLI(t, "ebpf", "run", "--engine", engine, "--mem", "00", src); code != 1 || !strings.Contains(errs, "instruction 1") {
			t.Fatalf("run --engine %s out of bounds: exit %d: %s", engine, code, errs)
		}
	}
	if code, _, _ := runCLI(t, "ebpf", "run", "--engine", "qemu", src); code != 2 {
		t.Fatalf("run --engine qemu: exit %d, want 2 (usage)", code)
	}
	// --jit lists each eBPF instruction above its x86-64 code.
	code, out, _ = runCLI(t, "ebpf", "disasm", "--jit", bin)
	if code != 0 || !strings.Contains(out, "; 1: ldxb %r1, [%r1+1]") || !strings.Contains(out, "ret") {
		t.Fatalf("disasm --jit: exit %d:\n%s", code, out)
	}
}

func TestEBPFBadInput(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.s")
	os.WriteFile(bad, []byte("mov %r0, 5\nfrobnicate %r1\n"), 0o644)
	trunc := filepath.Join(dir, "trunc.bin")
	os.WriteFile(trunc, []byte{0xb7, 0, 0}, 0o644)
	for _, args := range [][]string{
		{"ebpf", "asm", bad},
		{"ebpf", "disasm", trunc},
		{"ebpf", "run", "--mem", "zz", bad},
		{"ebpf", "conformance", dir},
		{"ebpf", "conformance", "--engine", "jit", dir},
	} {
		code, _, errs := runCLI(t, args...)
		if code == 0 || !strings.HasPrefix(errs, "deepsys: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
	if _, _, errs := runCLI(t, "ebpf", "asm", bad); !strings.Contains(errs, "line 2") {
		t.Errorf("asm error does not name the line: %s", errs)
	}
}

func TestEBPFConformanceClosingLine(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "bpf_conformance"), "tests")
	for _, engine := range []string{"interp", "jit", "both"} {
		code, out, errs := runCLI(t, "ebpf", "conformance", "--engine", engine, dir)
		lines := strings.Split(strings.TrimSpace(out), "\n")
		last := lines[len(lines)-1]
		if code != 0 || !strings.HasSuffix(last, " passed, 0 failed, 1 skipped") {
			t.Fatalf("--engine %s: exit %d (%s); last line %q", engine, code, errs, last)
		}
		if engine == "both" && (!strings.Contains(out, "== interp\n") || !strings.Contains(out, "== jit\n")) {
			t.Errorf("--engine both does not head each engine's report:\n%s", out)
		}
	}
	if code, _, _ := runCLI(t, "ebpf", "conformance", "--engine", "jitt", dir); code == 0 {
		t.Error("--engine jitt accepted")
	}
}
