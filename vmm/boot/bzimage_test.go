package boot

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// testConfig is a small guest: 32 MiB, zero page at 0x7000, command line
// at 0x20000, kernel at its pref_address (16 MiB).
func testConfig(t *testing.T, memSize uint64) BzImageConfig {
	t.Helper()
	e820, err := MemoryMap(memSize, 0xc0000000)
	if err != nil {
		t.Fatal(err)
	}
	return BzImageConfig{ZeroPageAddr: 0x7000, CmdLineAddr: 0x20000, CmdLine: "console=ttyS0 panic=-1",
		Initrd: []byte("070701 initrd bytes"), RSDP: 0xe0000, E820: e820}
}

func TestLoadBzImageHandMade(t *testing.T) {
	file := makeBzImage(goodFields())
	mem := make([]byte, 32<<20)
	c := testConfig(t, uint64(len(mem)))
	l, err := LoadBzImage(mem, file, c)
	if err != nil {
		t.Fatal(err)
	}
	if l.KernelAddr != 0x1000000 || l.Entry != 0x1000200 || l.BootArg != 0x7000 {
		t.Errorf("loaded at %#x entry %#x zero page %#x", l.KernelAddr, l.Entry, l.BootArg)
	}
	if !bytes.Equal(mem[l.KernelAddr:l.KernelAddr+4096], file[1024:]) {
		t.Error("protected-mode kernel not copied to its load address")
	}
	if want := uint64(len(mem)) - 4096; l.InitrdAddr != want {
		t.Errorf("initrd at %#x, want the last page %#x", l.InitrdAddr, want)
	}
	checkZeroPage(t, mem, file, c, l)
}

// checkZeroPage reads struct boot_params back field by field
// (zero-page.rst, boot.rst).
func checkZeroPage(t *testing.T, mem, file []byte, c BzImageConfig, l *Loaded) {
	t.Helper()
	zp := mem[c.ZeroPageAddr : c.ZeroPageAddr+ZeroPageSize]
	le := binary.LittleEndian
	if !bytes.Equal(zp[offHeader:offHeader+4], []byte("HdrS")) || zp[offSetupSects] != file[offSetupSects] {
		t.Error("setup header not copied into the zero page")
	}
	if zp[offTypeOfLoader] != 0xff || zp[offLoadflags]&CanUseHeap == 0 {
		t.Errorf("type_of_loader %#x loadflags %#x", zp[offTypeOfLoader], zp[offLoadflags])
	}
	if got := le.Uint32(zp[offCmdLinePtr:]); uint64(got) != c.CmdLineAddr {
		t.Errorf("cmd_line_ptr %#x, want %#x", got, c.CmdLineAddr)
	}
	if got := string(mem[c.CmdLineAddr : c.CmdLineAddr+uint64(len(c.CmdLine))+1]); got != c.CmdLine+"\x00" {
		t.Errorf("command line in memory %q", got)
	}
	if img, sz := le.Uint32(zp[offRamdiskImage:]), le.Uint32(zp[offRamdiskSize:]); uint64(img) != l.InitrdAddr || int(sz) != len(c.Initrd) {
		t.Errorf("ramdisk_image %#x size %d, want %#x %d", img, sz, l.InitrdAddr, len(c.Initrd))
	}
	if !bytes.Equal(mem[l.InitrdAddr:l.InitrdAddr+uint64(len(c.Initrd))], c.Initrd) {
		t.Error("initrd not in memory")
	}
	if got := le.Uint64(zp[offACPIRSDPAddr:]); got != c.RSDP {
		t.Errorf("acpi_rsdp_addr %#x, want %#x", got, c.RSDP)
	}
	if n := int(zp[offE820Num]); n != len(c.E820) {
		t.Fatalf("e820_entries %d, want %d", n, len(c.E820))
	}
	for i, e := range c.E820 {
		o := offE820Tbl + i*e820Size
		got := E820Entry{le.Uint64(zp[o:]), le.Uint64(zp[o+8:]), le.Uint32(zp[o+16:])}
		if got != e {
			t.Errorf("e820[%d] = %+v, want %+v", i, got, e)
		}
	}
}

func TestLoadBzImageBad(t *testing.T) {
	file := makeBzImage(goodFields())
	for _, c := range []struct {
		name string
		mem  int
		edit func(*BzImageConfig)
		want string
	}{
		{"misaligned kernel", 32 << 20, func(c *BzImageConfig) { c.KernelAddr = 0x1001000 }, "min_alignment"},
		{"kernel past memory", 16 << 20, func(c *BzImageConfig) {}, "outside guest memory"},
		{"long command line", 32 << 20, func(c *BzImageConfig) { c.CmdLine = strings.Repeat("x", 2048) }, "cmdline_size"},
		{"zero page past memory", 32 << 20, func(c *BzImageConfig) { c.ZeroPageAddr = 32<<20 - 100 }, "zero page"},
		{"zero page wraps", 32 << 20, func(c *BzImageConfig) { c.ZeroPageAddr = ^uint64(0) - 10 }, "zero page"},
		{"cmdline on kernel", 32 << 20, func(c *BzImageConfig) { c.CmdLineAddr = 0x1000100 }, "overlaps"},
		{"initrd too high", 32 << 20, func(c *BzImageConfig) { c.InitrdAddr = 32<<20 - 4 }, "initrd"},
		{"no e820", 32 << 20, func(c *BzImageConfig) { c.E820 = nil }, "e820"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem := make([]byte, c.mem)
			cfg := testConfig(t, 32<<20)
			c.edit(&cfg)
			_, err := LoadBzImage(mem, file, cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

func TestLoadBzImageNotRelocatable(t *testing.T) {
	f := goodFields()
	f.relocatable = 0
	cfg := testConfig(t, 64<<20)
	cfg.KernelAddr = 0x2000000
	_, err := LoadBzImage(make([]byte, 64<<20), makeBzImage(f), cfg)
	if err == nil || !strings.Contains(err.Error(), "pref_address") {
		t.Fatalf("err = %v, want the pref_address rule", err)
	}
}

func TestMemoryMap(t *testing.T) {
	m, err := MemoryMap(8<<30, 0xc0000000)
	if err != nil {
		t.Fatal(err)
	}
	want := []E820Entry{{0, 0x9fc00, E820RAM}, {0x9fc00, 0x60400, E820Reserved},
		{0x100000, 0xc0000000 - 0x100000, E820RAM}, {1 << 32, 8<<30 - 0xc0000000, E820RAM}}
	if len(m) != len(want) {
		t.Fatalf("map %+v", m)
	}
	for i := range want {
		if m[i] != want[i] {
			t.Errorf("entry %d = %+v, want %+v", i, m[i], want[i])
		}
	}
	if _, err := MemoryMap(1<<20, 0xc0000000); err == nil {
		t.Error("1 MiB of RAM accepted")
	}
	if _, err := MemoryMap(1<<30, 5<<30); err == nil {
		t.Error("MMIO gap above 4 GiB accepted")
	}
}

func TestCarve(t *testing.T) {
	m, err := MemoryMap(256<<20, 0xc0000000)
	if err != nil {
		t.Fatal(err)
	}
	got, err := Carve(m, 0x10000, 0x1000, E820ACPI)
	if err != nil {
		t.Fatal(err)
	}
	want := []E820Entry{{0, 0x10000, E820RAM}, {0x10000, 0x1000, E820ACPI}, {0x11000, 0x9fc00 - 0x11000, E820RAM},
		{0x9fc00, 0x60400, E820Reserved}, {0x100000, 256<<20 - 0x100000, E820RAM}}
	if !slices.Equal(got, want) {
		t.Errorf("Carve = %+v\nwant %+v", got, want)
	}
	if edge, err := Carve(m, 0, 0x9fc00, E820Reserved); err != nil || len(edge) != len(m) {
		t.Errorf("carving a whole entry: %+v, %v", edge, err)
	}
	for _, bad := range []struct{ addr, size uint64 }{{0x9f000, 0x2000}, {0xa0000, 0x1000}, {0x1000, 0}, {^uint64(0) - 1, 4}} {
		if _, err := Carve(m, bad.addr, bad.size, E820ACPI); err == nil {
			t.Errorf("Carve(%#x, %#x) accepted", bad.addr, bad.size)
		}
	}
}
