package main

import (
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

func testdataObject(name string) string { return filepath.Join("..", "..", "ebpf", "testdata", name) }

// ipv4UDPHex is an Ethernet + IPv4 + UDP frame of 64 bytes, in hex.
func ipv4UDPHex() string {
	p := make([]byte, 64)
	copy(p[12:], []byte{0x08, 0x00, 0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17})
	return hex.EncodeToString(p)
}

func TestEBPFTestRun(t *testing.T) {
	dir := t.TempDir()
	pkt := filepath.Join(dir, "pkt.bin")
	if err := os.WriteFile(pkt, make([]byte, 60), 0o644); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		args []string
		want []string
	}{
		{[]string{"helpers.o", "--prog", "xdp_adjust", "--data", pkt, "--hex"},
			[]string{"program xdp_adjust (xdp) on interp\n", "retval 2 (0x2): XDP_PASS\n", "packet out: 42 bytes\n", "00000020  00 00 00 00 00 00 00 00  00 00"}},
		{[]string{"helpers.o", "--prog", "xdp_adjust", "--data", pkt, "--engine", "jit", "--repeat", "5"},
			[]string{"on jit\n", "retval 0 (0x0): XDP_ABORTED\n", "(5 runs)"}}, // the runs share the buffer: the head moves until it cannot
		{[]string{"helpers.o", "--prog", "xdp_time_rand", "--data", pkt}, []string{"trace_pipe:\nt=", " r="}},
		{[]string{"helpers.o", "--prog", "xdp_redirect", "--data", pkt}, []string{"retval 4 (0x4): XDP_REDIRECT\n", "redirect to ifindex 1\n"}},
		{[]string{"socket_filter.o", "--section", "socket", "--data-hex", ipv4UDPHex()}, []string{"(socket filter)", "retval 50 (0x32): keep 50 of 50 bytes\n"}},
		{[]string{"tc.o", "--section", "tc", "--data-hex", ipv4UDPHex()}, []string{"(tc)", "retval 0 (0x0): TC_ACT_OK\n", "packet out: 64 bytes\n"}},
		{[]string{"tailcall.o", "--prog", "xdp_dispatch", "--data", pkt, "--tail", "jump_table:0=xdp_drop_all"}, []string{"retval 1 (0x1): XDP_DROP\n"}},
		{[]string{"tailcall.o", "--prog", "xdp_dispatch", "--data", pkt, "--tail", "jump_table:1=xdp_drop_all"}, []string{"retval 2 (0x2): XDP_PASS\n"}},
	} {
		args := append([]string{"ebpf", "test-run", testdataObject(c.args[0])}, c.args[1:]...)
		code, out, errs := runCLI(t, args...)
		if code != 0 {
			t.Fatalf("%v: exit %d: %s", c.args, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%v: output lacks %q:\n%s", c.args, w, out)
			}
		}
	}
}

func TestEBPFTestRunBadInput(t *testing.T) {
	obj := testdataObject("helpers.o")
	for _, c := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{obj, "--prog", "xdp_adjust"}, 2, "--data FILE or --data-hex"},
		{[]string{obj, "--prog", "xdp_adjust", "--data-hex", "zz"}, 2, "--data-hex"},
		{[]string{obj, "--section", "xdp", "--data-hex", "00"}, 2, "6 programs"},
		{[]string{obj, "--prog", "nope", "--data-hex", "00"}, 2, "no program"},
		{[]string{obj, "--prog", "xdp_adjust", "--data-hex", "00", "--engine", "qemu"}, 2, "--engine"},
		{[]string{obj, "--prog", "xdp_adjust", "--data-hex", "00"}, 1, "takes 14 to 3520"},
		{[]string{testdataObject("tailcall.o"), "--prog", "xdp_dispatch", "--data-hex", strings.Repeat("00", 14), "--tail", "jump_table=1"}, 2, "MAP:INDEX=PROG"},
		{[]string{testdataObject("tailcall.o"), "--prog", "xdp_dispatch", "--data-hex", strings.Repeat("00", 14), "--tail", "nope:0=xdp_drop_all"}, 2, "not a program array"},
		{[]string{testdataObject("tailcall.o"), "--prog", "xdp_dispatch", "--data-hex", strings.Repeat("00", 14), "--tail", "jump_table:9=xdp_drop_all"}, 1, "argument list too long"},
		{[]string{filepath.Join(t.TempDir(), "missing.o"), "--data-hex", "00"}, 1, "missing.o"},
	} {
		code, _, errs := runCLI(t, append([]string{"ebpf", "test-run"}, c.args...)...)
		if code != c.code || !strings.HasPrefix(errs, "deepsys: ") || !strings.Contains(errs, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want exit %d and %q", c.args, code, errs, c.code, c.want)
		}
	}
}

// TestEBPFTestRunLinux: --engine linux runs the same program in the
// kernel and prints the same verdict and packet.
func TestEBPFTestRunLinux(t *testing.T) {
	testenv.RequireBPF(t)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"helpers.o", "--prog", "xdp_adjust", "--data-hex", strings.Repeat("00", 60)}, "retval 2 (0x2): XDP_PASS\n"},
		{[]string{"tailcall.o", "--prog", "xdp_dispatch", "--data-hex", strings.Repeat("00", 60), "--tail", "jump_table:0=xdp_drop_all"}, "retval 1 (0x1): XDP_DROP\n"},
		{[]string{"socket_filter.o", "--section", "socket", "--data-hex", ipv4UDPHex()}, "keep 50 of 50 bytes\n"},
	} {
		var outs []string
		for _, engine := range []string{"interp", "linux"} {
			args := append([]string{"ebpf", "test-run", testdataObject(c.args[0]), "--engine", engine, "--hex"}, c.args[1:]...)
			code, out, errs := runCLI(t, args...)
			if code != 0 || !strings.Contains(out, c.want) {
				t.Fatalf("%v on %s: exit %d, %s\n%s", c.args, engine, code, errs, out)
			}
			outs = append(outs, out[strings.Index(out, "retval"):strings.Index(out, "duration")]+out[strings.Index(out, "packet out"):strings.Index(out, "packet out")+strings.Index(out[strings.Index(out, "packet out"):], "\n")])
		}
		if outs[0] != outs[1] {
			t.Errorf("%v: interp and linux differ:\n%s\n%s", c.args, outs[0], outs[1])
		}
	}
}
