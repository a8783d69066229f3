package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestEBPFObjdump(t *testing.T) {
	for _, c := range []struct {
		file string
		want []string
	}{
		{"xdp_counter.o", []string{
			`license "GPL", 1 programs, 3 maps`,
			"   3 xdp                      000001f0 PROGBITS       AX\n",
			"   0 proto_count      percpu_array       4       8         256    0x0  .maps\n",
			"   2 .rodata          array              4       2           1   0x80  .rodata, 2 bytes of initial value\n",
			"Program xdp_count (section xdp, type xdp, 58 instructions):\n0000000000000000 <xdp_count>:\n",
			"      15:\t18 11 00 00 00 00 00 00 00 00 00 00 00 00 00 00\tr1 = map[proto_count] ll\n",
			"r1 = map_value[.rodata]+0x0 ll <drop_udp_port>\n",
		}},
		{"calls.o", []string{"call 0x5 <sum>\n", "0000000000000108 <clamp>:\n", "   0 .data            array"}},
		{"legacy_maps.o", []string{"   1 flows            hash               4       8         128    0x1  maps\n"}},
	} {
		code, out, errs := runCLI(t, "ebpf", "objdump", filepath.Join("..", "..", "ebpf", "testdata", c.file))
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.file, code, errs)
		}
		for _, w := range c.want {
			if !strings.Contains(out, w) {
				t.Errorf("%s: output lacks %q:\n%s", c.file, w, out)
			}
		}
	}
}

func TestEBPFObjdumpBadInput(t *testing.T) {
	dir := t.TempDir()
	notELF := filepath.Join(dir, "not.o")
	os.WriteFile(notELF, []byte("not an ELF file"), 0o644)
	for _, args := range [][]string{
		{"ebpf", "objdump", notELF},
		{"ebpf", "objdump", filepath.Join(dir, "missing.o")},
		{"ebpf", "objdump"},
	} {
		if code, _, errs := runCLI(t, args...); code == 0 || !strings.HasPrefix(errs, "deepsys: ") {
			t.Errorf("%v: exit %d, stderr %q", args, code, errs)
		}
	}
}
