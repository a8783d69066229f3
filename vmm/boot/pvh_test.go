package boot

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strings"
	"testing"
)

// checkStartInfo reads hvm_start_info back (start_info.h).
func checkStartInfo(t *testing.T, mem []byte, c PVHConfig) {
	t.Helper()
	le := binary.LittleEndian
	si := mem[c.StartInfoAddr:]
	if le.Uint32(si) != StartInfoMagic || le.Uint32(si[4:]) != 1 {
		t.Fatalf("start_info magic %#x version %d", le.Uint32(si), le.Uint32(si[4:]))
	}
	if got := le.Uint64(si[24:]); got != c.CmdLineAddr {
		t.Errorf("cmdline_paddr %#x, want %#x", got, c.CmdLineAddr)
	}
	if !bytes.HasPrefix(mem[c.CmdLineAddr:], append([]byte(c.CmdLine), 0)) {
		t.Error("command line not in memory")
	}
	if got := le.Uint64(si[32:]); got != c.RSDP {
		t.Errorf("rsdp_paddr %#x, want %#x", got, c.RSDP)
	}
	if n := le.Uint32(si[12:]); int(n) != 1 {
		t.Fatalf("nr_modules %d, want 1 (the initrd)", n)
	}
	mod := mem[le.Uint64(si[16:]):]
	if le.Uint64(mod) != c.InitrdAddr || le.Uint64(mod[8:]) != uint64(len(c.Initrd)) {
		t.Errorf("module %#x+%d, want %#x+%d", le.Uint64(mod), le.Uint64(mod[8:]), c.InitrdAddr, len(c.Initrd))
	}
	if n := le.Uint32(si[48:]); int(n) != len(c.E820) {
		t.Fatalf("memmap_entries %d, want %d", n, len(c.E820))
	}
	mm := mem[le.Uint64(si[40:]):]
	for i, e := range c.E820 {
		o := i * memmapEntrySize
		got := E820Entry{le.Uint64(mm[o:]), le.Uint64(mm[o+8:]), le.Uint32(mm[o+16:])}
		if got != e {
			t.Errorf("memmap[%d] = %+v, want %+v", i, got, e)
		}
	}
}

func pvhTestConfig() PVHConfig {
	e820, _ := MemoryMap(4<<20, 0xc0000000)
	return PVHConfig{StartInfoAddr: 0x6000, CmdLineAddr: 0x8000, CmdLine: "console=ttyS0",
		Initrd: []byte("initrd!"), InitrdAddr: 0x300000, E820: e820}
}

func TestLoadPVHHandMade(t *testing.T) {
	code := []byte{0xfc, 0xf4} // cld; hlt
	img := makeELF(code, 0x100000, 0x1000, append(note("Linux", 6, []byte("x\x00")), pvhNote(0x100000)...))
	mem := make([]byte, 4<<20)
	mem[0x100002] = 0xaa // bss must come back zeroed
	c := pvhTestConfig()
	l, err := LoadPVH(mem, bytes.NewReader(img), c)
	if err != nil {
		t.Fatal(err)
	}
	if l.Entry != 0x100000 || l.BootArg != 0x6000 {
		t.Errorf("entry %#x start_info %#x", l.Entry, l.BootArg)
	}
	if !bytes.Equal(mem[0x100000:0x100002], code) || mem[0x100002] != 0 {
		t.Error("segment not loaded or bss not zeroed")
	}
	checkStartInfo(t, mem, c)
}

func TestLoadPVHBad(t *testing.T) {
	code := []byte{0xf4}
	for _, c := range []struct {
		name string
		img  []byte
		edit func(*PVHConfig)
		want string
	}{
		{"not ELF", []byte("MZ not an elf"), nil, "vmlinux"},
		{"no note", makeELF(code, 0x100000, 0, note("Linux", 6, nil)), nil, "CONFIG_PVH"},
		{"bad descriptor", makeELF(code, 0x100000, 0, note("Xen", 18, []byte{1, 2})), nil, "2-byte descriptor"},
		{"entry above 4G", makeELF(code, 0x100000, 0, pvhNote(1<<33)), nil, "above 4 GiB"},
		{"truncated note", makeELF(code, 0x100000, 0, pvhNote(0x100000)[:14]), nil, "run past"},
		{"segment past memory", makeELF(code, 0x3fffff, 0x100, pvhNote(0x100000)), nil, "outside guest memory"},
		{"huge bss", makeELF(code, 0x100000, 1<<62, pvhNote(0x100000)), nil, "outside guest memory"},
		{"cmdline on kernel", makeELF(code, 0x100000, 0, pvhNote(0x100000)), func(c *PVHConfig) { c.CmdLineAddr = 0x100000 }, "overlaps"},
		{"initrd past memory", makeELF(code, 0x100000, 0, pvhNote(0x100000)), func(c *PVHConfig) { c.InitrdAddr = 4<<20 - 2 }, "initrd"},
		{"initrd without address", makeELF(code, 0x100000, 0, pvhNote(0x100000)), func(c *PVHConfig) { c.InitrdAddr = 0 }, "without an InitrdAddr"},
		{"long cmdline", makeELF(code, 0x100000, 0, pvhNote(0x100000)), func(c *PVHConfig) { c.CmdLine = strings.Repeat("y", 4096) }, "command line"},
	} {
		t.Run(c.name, func(t *testing.T) {
			cfg := pvhTestConfig()
			if c.edit != nil {
				c.edit(&cfg)
			}
			_, err := LoadPVH(make([]byte, 4<<20), bytes.NewReader(c.img), cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

func TestPVHNoNoteIsErrNoPVHNote(t *testing.T) {
	img := makeELF([]byte{0xf4}, 0x100000, 0, nil)
	_, err := LoadPVH(make([]byte, 4<<20), bytes.NewReader(img), pvhTestConfig())
	if !errors.Is(err, ErrNoPVHNote) {
		t.Fatalf("err = %v, want ErrNoPVHNote", err)
	}
}

func TestParseNotes(t *testing.T) {
	b := append(note("Linux", 6, []byte("abcde")), pvhNote(0x1000a30)...)
	n, err := ParseNotes(b)
	if err != nil {
		t.Fatal(err)
	}
	if len(n) != 2 || n[0].Name != "Linux" || string(n[0].Desc) != "abcde" || n[1].Name != "Xen" || n[1].Type != 18 {
		t.Fatalf("notes %+v", n)
	}
	if _, err := ParseNotes(b[:5]); err == nil {
		t.Error("5-byte note accepted")
	}
}
