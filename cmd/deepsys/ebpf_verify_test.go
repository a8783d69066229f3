package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEBPFVerifyObjects(t *testing.T) {
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"xdp_counter.o"}, []string{"xdp_count: accepted ("}},
		{[]string{"helpers.o", "--section", "xdp_csum", "--log-level", "2"}, []string{"xdp_csum: accepted (", "0: (b4) w0 = 0x2 ; R0=2 R1=ctx() R10=fp0\n", "1: (61) w2 = *(u32 *)(r1 + 0x4) ; R0=2 R1=ctx() R2=pkt_end() R10=fp0\n", "processed "}},
		{[]string{"socket_filter.o", "--type", "socket"}, []string{"socket_udp: accepted"}},
	} {
		args := append([]string{"ebpf", "verify", filepath.Join("..", "..", "ebpf", "testdata", c.args[0])}, c.args[1:]...)
		code, out, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s\n%s", c.args, code, errs, out)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, out)
			}
		}
	}
}

func TestEBPFVerifyAsm(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.s")
	bad := filepath.Join(dir, "bad.s")
	os.WriteFile(good, []byte("mov %r0, 2\nexit\n"), 0o644)
	os.WriteFile(bad, []byte("ldxw %r2, [%r1+0]\nldxb %r0, [%r2+0]\nexit\n"), 0o644)
	code, out, _ := runCLI(t, "ebpf", "verify", "--asm", good)
	if code != 0 || !strings.HasPrefix(out, "accepted (") {
		t.Errorf("good.s: exit %d, output %q", code, out)
	}
	code, out, errs := runCLI(t, "ebpf", "verify", "--asm", bad, "--log-level", "1")
	want := "rejected: invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0) at insn 1\n"
	if code == 0 || !strings.HasPrefix(out, want) || !strings.Contains(out, "R2=pkt(r=0)") || !strings.HasPrefix(errs, "deepsys: ") {
		t.Errorf("bad.s: exit %d, output %q, stderr %q", code, out, errs)
	}
	code, _, _ = runCLI(t, "ebpf", "verify", "--asm", bad, "--type", "socket")
	if code == 0 {
		t.Error("bad.s as a socket filter accepted")
	}
}

func TestEBPFVerifyBadInput(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "not.o")
	os.WriteFile(notELF, []byte("not an ELF file"), 0o644)
	for _, args := range [][]string{
		{"ebpf", "verify", notELF},
		{"ebpf", "verify"},
		{"ebpf", "verify", "--asm", filepath.Join(dir, "missing.s")},
		{"ebpf", "verify", filepath.Join("..", "..", "ebpf", "testdata", "xdp_counter.o"), "--section", "nope"},
		{"ebpf", "verify", filepath.Join("..", "..", "ebpf", "testdata", "xdp_counter.o"), "--type", "kprobe"},
	} {
		if code, _, errs := runCLI(t, args...); code == 0 || !strings.HasPrefix(errs, "deepsys: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
