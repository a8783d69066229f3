package acpi

import (
	"bytes"
	"encoding/binary"
	"slices"
	"strings"
	"testing"
)

// testDevices are three virtio-mmio windows as the VMM places them.
var testDevices = []VirtioMMIO{{0xd0000000, 0x1000, 5}, {0xd0001000, 0x1000, 6}, {0xd0002000, 0x1000, 7}}

// tablesBase is where the tables go in the tests: the start of the BIOS
// area Linux scans for an RSDP.
const tablesBase = 0xe0000

func buildInMemory(t testing.TB, cpus int) ([]byte, *Tables) {
	t.Helper()
	tb, err := Build(tablesBase, Config{CPUs: cpus, Virtio: testDevices})
	if err != nil {
		t.Fatal(err)
	}
	mem := make([]byte, 1<<20)
	copy(mem[tb.Base:], tb.Bytes)
	return mem, tb
}

// TestBuildReadBack generates the tables for 4 vCPUs and reads them back
// as a guest would.
func TestBuildReadBack(t *testing.T) {
	mem, tb := buildInMemory(t, 4)
	p, err := Read(mem, tb.RSDPAddr)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.XSDT) != 2 || p.Tables["FACP"] == nil || p.Tables["APIC"] == nil {
		t.Fatalf("XSDT %x tables %v", p.XSDT, p.Tables)
	}
	if p.FADT.Flags&FlagHWReducedACPI == 0 || p.FADT.IAPCBoot&IAPCVGANotPresent == 0 {
		t.Errorf("FADT flags %#x IAPC_BOOT_ARCH %#x: want HW_REDUCED_ACPI and VGA not present", p.FADT.Flags, p.FADT.IAPCBoot)
	}
	if fadt := p.Tables["FACP"]; len(fadt) != 276 || fadt[8] != 6 || fadt[131] != 5 {
		t.Errorf("FADT length %d revision %d.%d, want 276 bytes, 6.5", len(fadt), fadt[8], fadt[131])
	}
	m := p.MADT
	if m.LocalAPICAddr != 0xfee00000 || !slices.Equal(m.LocalAPICs, []uint8{0, 1, 2, 3}) {
		t.Errorf("MADT local APIC %#x, APIC IDs %v; want 0xfee00000, [0 1 2 3]", m.LocalAPICAddr, m.LocalAPICs)
	}
	if !slices.Equal(m.IOAPICs, []uint32{0xfec00000}) || len(m.Overrides) != 1 || m.Overrides[0] != (InterruptOverride{0, 2, 0}) {
		t.Errorf("MADT IOAPICs %x overrides %+v", m.IOAPICs, m.Overrides)
	}
	for _, s := range []string{"LNRO0005", "_HID", "_CRS", "COM1", "V000", "V002"} {
		if !bytes.Contains(p.DSDT, []byte(s)) {
			t.Errorf("DSDT lacks %q", s)
		}
	}
}

// TestMADTManyCPUs: one Local APIC structure per vCPU, up to the xAPIC limit.
func TestMADTManyCPUs(t *testing.T) {
	mem, tb := buildInMemory(t, MaxCPUs)
	p, err := Read(mem, tb.RSDPAddr)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.MADT.LocalAPICs) != MaxCPUs || p.MADT.LocalAPICs[MaxCPUs-1] != MaxCPUs-1 {
		t.Errorf("%d local APICs", len(p.MADT.LocalAPICs))
	}
	if _, err := Build(tablesBase, Config{CPUs: 256}); err == nil {
		t.Error("256 CPUs accepted: APIC ID 255 is the broadcast ID")
	}
	if _, err := Build(tablesBase, Config{CPUs: 0}); err == nil {
		t.Error("0 CPUs accepted")
	}
}

// TestRSDPChecksums: both checksums of §5.2.5.3 hold, and breaking either
// is caught.
func TestRSDPChecksums(t *testing.T) {
	r := RSDP(0x1234560)
	if sum(r[:20]) != 0 || sum(r) != 0 {
		t.Fatalf("RSDP sums %#x %#x", sum(r[:20]), sum(r))
	}
	if a, err := ParseRSDP(r); err != nil || a != 0x1234560 {
		t.Fatalf("ParseRSDP = %#x, %v", a, err)
	}
	r1 := slices.Clone(r)
	r1[12]++
	r1[32]--
	if _, err := ParseRSDP(r1); err == nil || !strings.Contains(err.Error(), "first 20") {
		t.Errorf("broken checksum: %v", err)
	}
	r2 := slices.Clone(r)
	r2[30]++
	if _, err := ParseRSDP(r2); err == nil || !strings.Contains(err.Error(), "extended") {
		t.Errorf("broken extended checksum: %v", err)
	}
}

// TestReadBad corrupts generated tables one way each; Read must name the
// problem.
func TestReadBad(t *testing.T) {
	le := binary.LittleEndian
	for _, c := range []struct {
		name string
		edit func(mem []byte, tb *Tables)
		rsdp uint64
		want string
	}{
		{"rsdp outside memory", nil, 1<<20 - 10, "outside guest memory"},
		{"no rsdp", nil, 0x1000, "signature"},
		{"xsdt outside memory", func(m []byte, tb *Tables) { setRSDPXSDT(m, tb, 1<<40) }, 0, "outside guest memory"},
		{"xsdt checksum", func(m []byte, tb *Tables) { m[xsdtAddr(m, tb)+20]++ }, 0, "checksum"},
		{"xsdt huge length", func(m []byte, tb *Tables) {
			fixTable(m, xsdtAddr(m, tb), func(b []byte) { le.PutUint32(b[4:], 0xffffffff) })
		}, 0, "outside guest memory"},
		{"xsdt short length", func(m []byte, tb *Tables) { le.PutUint32(m[xsdtAddr(m, tb)+4:], 10) }, 0, "length 10"},
		{"xsdt entry outside", func(m []byte, tb *Tables) {
			fixTable(m, xsdtAddr(m, tb), func(b []byte) { le.PutUint64(b[HeaderSize:], 0xfffffffffffffff0) })
		}, 0, "XSDT entry 0"},
		{"madt bad structure", func(m []byte, tb *Tables) {
			a := le.Uint64(m[xsdtAddr(m, tb)+HeaderSize+8:])
			fixTable(m, a, func(b []byte) { b[HeaderSize+8+1] = 200 })
		}, 0, "MADT: structure at offset 44"},
		{"madt short lapic", func(m []byte, tb *Tables) {
			a := le.Uint64(m[xsdtAddr(m, tb)+HeaderSize+8:])
			fixTable(m, a, func(b []byte) { b[HeaderSize+8+1] = 2; b[HeaderSize+8+2] = 0 })
		}, 0, "want 8"},
	} {
		t.Run(c.name, func(t *testing.T) {
			mem, tb := buildInMemory(t, 2)
			if c.edit != nil {
				c.edit(mem, tb)
			}
			rsdp := tb.RSDPAddr
			if c.rsdp != 0 {
				rsdp = c.rsdp
			}
			_, err := Read(mem, rsdp)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}

func xsdtAddr(mem []byte, tb *Tables) uint64 { return binary.LittleEndian.Uint64(mem[tb.RSDPAddr+24:]) }

// setRSDPXSDT points the RSDP at a and fixes both checksums.
func setRSDPXSDT(mem []byte, tb *Tables, a uint64) {
	copy(mem[tb.RSDPAddr:], RSDP(a))
}

// fixTable edits the table at a and recomputes its checksum, so only the
// edit is wrong.
func fixTable(mem []byte, a uint64, edit func([]byte)) {
	b := mem[a:]
	edit(b)
	n := min(uint64(binary.LittleEndian.Uint32(b[4:])), uint64(len(b)))
	b[9] = 0
	b[9] = Checksum(b[:n])
}

func TestBuildBad(t *testing.T) {
	for _, c := range []struct {
		name string
		base uint64
		cfg  Config
		want string
	}{
		{"misaligned", 0xe0004, Config{CPUs: 1}, "aligned"},
		{"above 4G", 1<<32 - 64, Config{CPUs: 1}, "below 4 GiB"},
		{"device above 4G", tablesBase, Config{CPUs: 1, Virtio: []VirtioMMIO{{1 << 32, 0x1000, 5}}}, "below 4 GiB"},
		{"device size 0", tablesBase, Config{CPUs: 1, Virtio: []VirtioMMIO{{0xd0000000, 0, 5}}}, "virtio-mmio device 0"},
		{"too many devices", tablesBase, Config{CPUs: 1, Virtio: make([]VirtioMMIO, 1001)}, "at most 1000"},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := Build(c.base, c.cfg)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}
