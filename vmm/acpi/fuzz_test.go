package acpi

import "testing"

// FuzzRead: Read over any guest memory from any RSDP address gives tables
// or an error, never a panic or an access outside mem.
func FuzzRead(f *testing.F) {
	tb, err := Build(0x40, Config{CPUs: 2, Virtio: testDevices[:1]})
	if err != nil {
		f.Fatal(err)
	}
	good := append(make([]byte, 0x40), tb.Bytes...)
	f.Add(good, uint64(0x40))
	f.Add(good[:0x100], uint64(0x40))
	f.Add([]byte("RSD PTR "), uint64(0))
	f.Fuzz(func(t *testing.T, mem []byte, rsdp uint64) {
		p, err := Read(mem, rsdp)
		if err == nil && (p.MADT == nil || len(p.DSDT) < HeaderSize) {
			t.Fatalf("Read succeeded without a MADT or DSDT: %+v", p)
		}
	})
}

// FuzzParseMADT decodes any bytes as a MADT.
func FuzzParseMADT(f *testing.F) {
	m, err := MADT(MADTConfig{CPUs: 3, Overrides: []InterruptOverride{{0, 2, 0}}})
	if err != nil {
		f.Fatal(err)
	}
	f.Add(m)
	f.Add(append(m[:HeaderSize+8:HeaderSize+8], 0, 1))
	f.Fuzz(func(t *testing.T, b []byte) {
		if info, err := parseMADT(b); err == nil && len(info.LocalAPICs) > len(b)/8 {
			t.Fatalf("%d local APICs from %d bytes", len(info.LocalAPICs), len(b))
		}
	})
}

// FuzzDSDT builds a DSDT for any device window: an error, or a table whose
// header checks.
func FuzzDSDT(f *testing.F) {
	f.Add(uint64(0xd0000000), uint64(0x1000), uint32(5), uint16(3))
	f.Add(uint64(0xfffff000), uint64(0x1001), uint32(0), uint16(1000))
	f.Fuzz(func(t *testing.T, base, size uint64, gsi uint32, n uint16) {
		devs := make([]VirtioMMIO, int(n)%1100)
		for i := range devs {
			devs[i] = VirtioMMIO{base, size, gsi}
		}
		b, err := DSDT(devs)
		if err != nil {
			return
		}
		if _, err := ParseHeader(b); err != nil {
			t.Fatal(err)
		}
	})
}
