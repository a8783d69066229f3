package boot

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// zstdMagic starts a zstd frame (RFC 8878 §3.1.1): Debian compresses its
// 6.12 kernels' payload with zstd (CONFIG_KERNEL_ZSTD).
var zstdMagic = []byte{0x28, 0xb5, 0x2f, 0xfd}

// TestDebianBzImageHeader parses the real Debian cloud kernel's setup header
// and checks its fields against what boot.rst and the kernel's config say.
func TestDebianBzImageHeader(t *testing.T) {
	g := testenv.GuestKernel(t)
	file, err := os.ReadFile(g.BzImage)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseSetupHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: protocol %d.%02d, setup_sects %d, syssize %#x, init_size %#x, pref_address %#x, kernel %q",
		g.Package, h.Version>>8, h.Version&0xff, h.SetupSects, h.Syssize, h.InitSize, h.PrefAddress, h.KernelVersion)
	if h.Version < 0x020f {
		t.Errorf("protocol %#x, a 6.12 kernel speaks 2.15", h.Version)
	}
	if h.Xloadflags&XLFKernel64 == 0 || h.Xloadflags&XLFCanBeLoadedAbove4G == 0 || !h.Relocatable {
		t.Errorf("xloadflags %#x relocatable %v: want a relocatable 64-bit kernel loadable above 4G", h.Xloadflags, h.Relocatable)
	}
	if h.KernelAlignment != 0x200000 || h.PrefAddress != 0x1000000 {
		t.Errorf("kernel_alignment %#x pref_address %#x, want CONFIG_PHYSICAL_ALIGN 0x200000 and CONFIG_PHYSICAL_START 0x1000000", h.KernelAlignment, h.PrefAddress)
	}
	if h.CmdlineSize != 2047 {
		t.Errorf("cmdline_size %d, want COMMAND_LINE_SIZE-1 = 2047", h.CmdlineSize)
	}
	if v := strings.TrimPrefix(g.Package, "linux-image-"); g.Package != "" && !strings.HasPrefix(h.KernelVersion, v) {
		t.Errorf("kernel_version string %q, package %s", h.KernelVersion, g.Package)
	}
	pm := file[h.SetupSize():]
	if p := pm[h.PayloadOffset:]; !bytes.HasPrefix(p, zstdMagic) {
		t.Errorf("payload at %#x starts % x, want the zstd magic", h.PayloadOffset, p[:4])
	}
}

// TestDebianBzImageLoad loads the real kernel into 128 MiB of guest memory
// and reads the zero page back.
func TestDebianBzImageLoad(t *testing.T) {
	g := testenv.GuestKernel(t)
	file, err := os.ReadFile(g.BzImage)
	if err != nil {
		t.Fatal(err)
	}
	mem := make([]byte, 128<<20)
	c := testConfig(t, uint64(len(mem)))
	l, err := LoadBzImage(mem, file, c)
	if err != nil {
		t.Fatal(err)
	}
	if l.Entry != 0x1000200 {
		t.Errorf("64-bit entry %#x, want pref_address + 0x200", l.Entry)
	}
	n := uint64(l.Header.Syssize) * 16
	if !bytes.Equal(mem[l.KernelAddr:l.KernelAddr+n], file[l.Header.SetupSize():l.Header.SetupSize()+int(n)]) {
		t.Error("protected-mode kernel not at its load address")
	}
	checkZeroPage(t, mem, file, c, l)
	if _, err := LoadBzImage(make([]byte, 32<<20), file, c); err == nil || !strings.Contains(err.Error(), "init_size") {
		t.Errorf("32 MiB guest: err = %v, want init_size not fitting", err)
	}
}

// readelfPVHEntry asks binutils' readelf, the peer, for the PHYS32_ENTRY
// note's descriptor.
func readelfPVHEntry(t *testing.T, path string) uint64 {
	out, err := exec.Command(testenv.RequireTool(t, "readelf"), "-n", path).Output()
	if err != nil {
		t.Fatal(err)
	}
	// readelf prints "Xen 0x00000008 Unknown note type: (0x00000012)" then
	// "description data: 30 0a 00 01 00 00 00 00".
	m := regexp.MustCompile(`\(0x00000012\)\s+description data: ((?:[0-9a-f]{2} ?)+)`).FindSubmatch(out)
	if m == nil {
		t.Fatalf("readelf -n shows no Xen note 0x12:\n%s", out)
	}
	var b []byte
	for _, f := range strings.Fields(string(m[1])) {
		v, _ := strconv.ParseUint(f, 16, 8)
		b = append(b, byte(v))
	}
	for len(b) < 8 {
		b = append(b, 0)
	}
	return binary.LittleEndian.Uint64(b)
}

// TestDebianPVHEntry finds the PVH entry note in the real vmlinux and
// agrees with readelf about it.
func TestDebianPVHEntry(t *testing.T) {
	g := testenv.GuestKernel(t)
	f, err := elf.Open(g.Vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	entry, err := PVHEntry(f)
	if err != nil {
		t.Fatal(err)
	}
	if want := readelfPVHEntry(t, g.Vmlinux); uint64(entry) != want {
		t.Errorf("PVH entry %#x, readelf says %#x", entry, want)
	}
	t.Logf("PVH entry %#x", entry)
}

// TestDebianPVHLoad loads the real vmlinux and checks the segments, the
// entry's first instruction and hvm_start_info.
func TestDebianPVHLoad(t *testing.T) {
	g := testenv.GuestKernel(t)
	r, err := os.Open(g.Vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	mem := make([]byte, 128<<20)
	e820, _ := MemoryMap(uint64(len(mem)), 0xc0000000)
	c := PVHConfig{StartInfoAddr: 0x6000, CmdLineAddr: 0x20000, CmdLine: "console=ttyS0",
		Initrd: []byte("initrd"), InitrdAddr: 0x7000000, RSDP: 0xe0000, E820: e820}
	l, err := LoadPVH(mem, r, c)
	if err != nil {
		t.Fatal(err)
	}
	// pvh_start_xen (arch/x86/platform/pvh/head.S) begins with cld.
	if mem[l.Entry] != 0xfc {
		t.Errorf("byte at PVH entry %#x is %#x, want cld (0xfc)", l.Entry, mem[l.Entry])
	}
	checkStartInfo(t, mem, c)
}

// linuxElfnoteBuildSalt is LINUX_ELFNOTE_BUILD_SALT (include/linux/build-salt.h):
// the "Linux" note holding CONFIG_BUILD_SALT, which Debian sets to the
// kernel release.
const linuxElfnoteBuildSalt = 0x100

// TestDebianVmlinuxIsThePayload: the vmlinux setup-deps extracted is the
// kernel the bzImage carries: its build-salt note names the release the
// bzImage's kernel_version string starts with.
func TestDebianVmlinuxIsThePayload(t *testing.T) {
	g := testenv.GuestKernel(t)
	file, err := os.ReadFile(g.BzImage)
	if err != nil {
		t.Fatal(err)
	}
	h, err := ParseSetupHeader(file)
	if err != nil {
		t.Fatal(err)
	}
	f, err := elf.Open(g.Vmlinux)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	release := ""
	for _, p := range f.Progs {
		if p.Type != elf.PT_NOTE {
			continue
		}
		b := make([]byte, p.Filesz)
		if _, err := p.ReadAt(b, 0); err != nil {
			t.Fatal(err)
		}
		notes, err := ParseNotes(b)
		if err != nil {
			t.Fatal(err)
		}
		for _, n := range notes {
			if n.Name == "Linux" && n.Type == linuxElfnoteBuildSalt {
				release = strings.TrimRight(string(n.Desc), "\x00")
			}
		}
	}
	if release == "" {
		t.Fatal("vmlinux has no Linux release note")
	}
	if !strings.HasPrefix(h.KernelVersion, release+" ") {
		t.Errorf("vmlinux release %q, bzImage kernel_version %q", release, h.KernelVersion)
	}
}
