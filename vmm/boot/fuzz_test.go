package boot

import (
	"bytes"
	"io/fs"
	"testing"
)

// FuzzParseSetupHeader: any bytes give a header or an error, never a panic.
func FuzzParseSetupHeader(f *testing.F) {
	f.Add(makeBzImage(goodFields()))
	bad := makeBzImage(goodFields())
	bad[offSetupSects] = 0xff
	f.Add(bad)
	f.Add([]byte("HdrS"))
	f.Fuzz(func(t *testing.T, b []byte) {
		if h, err := ParseSetupHeader(b); err == nil && h.SetupSize() >= len(b) {
			t.Fatalf("accepted setup size %d in a %d-byte file", h.SetupSize(), len(b))
		}
	})
}

// FuzzLoadBzImage loads any file into a 32 MiB guest: an error or a load
// whose entry lies inside guest memory.
func FuzzLoadBzImage(f *testing.F) {
	f.Add(makeBzImage(goodFields()), uint64(0), uint64(0x7000), "console=ttyS0")
	f.Add(makeBzImage(goodFields()), uint64(0x1200000), uint64(0x1ffffff0), "")
	// One guest memory for all inputs (a fuzz worker calls the target
	// sequentially): allocating 32 MiB per input made it crawl.
	mem := make([]byte, 32<<20)
	e820, _ := MemoryMap(uint64(len(mem)), 0xc0000000)
	f.Fuzz(func(t *testing.T, file []byte, kaddr, zp uint64, cmdline string) {
		l, err := LoadBzImage(mem, file, BzImageConfig{KernelAddr: kaddr, ZeroPageAddr: zp, CmdLineAddr: 0x20000,
			CmdLine: cmdline, Initrd: []byte("i"), E820: e820})
		if err == nil && l.Entry >= uint64(len(mem)) {
			t.Fatalf("entry %#x outside guest memory", l.Entry)
		}
	})
}

// FuzzParseNotes: any bytes give notes or an error.
func FuzzParseNotes(f *testing.F) {
	f.Add(append(note("Linux", 6, []byte("abc")), pvhNote(0x1000a30)...))
	f.Add([]byte{4, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, 18, 0, 0, 0, 'X', 'e', 'n', 0})
	f.Fuzz(func(t *testing.T, b []byte) {
		notes, err := ParseNotes(b)
		if err != nil {
			return
		}
		for _, n := range notes {
			if len(n.Desc) > len(b) {
				t.Fatalf("descriptor of %d bytes from %d bytes of notes", len(n.Desc), len(b))
			}
		}
	})
}

// FuzzLoadPVH loads any ELF into a 4 MiB guest.
func FuzzLoadPVH(f *testing.F) {
	f.Add(makeELF([]byte{0xfc, 0xf4}, 0x100000, 0x100, pvhNote(0x100000)))
	f.Add(makeELF([]byte{0xf4}, 0x3ffff0, 0x100, note("Xen", 18, []byte{1, 2, 3, 4})))
	mem := make([]byte, 4<<20)
	f.Fuzz(func(t *testing.T, img []byte) {
		_, _ = LoadPVH(mem, bytes.NewReader(img), pvhTestConfig())
	})
}

// FuzzInitramfs: any member gives an error or a 4-byte-aligned archive
// that ends with the trailer.
func FuzzInitramfs(f *testing.F) {
	f.Add("init", uint32(0o755), []byte("#!/bin/sh\n"))
	f.Add("../etc", uint32(0o20000000755), []byte{})
	f.Fuzz(func(t *testing.T, name string, mode uint32, data []byte) {
		a, err := Initramfs([]InitramfsFile{{Name: name, Mode: fs.FileMode(mode), Data: data}})
		if err == nil && (len(a)%4 != 0 || !bytes.Contains(a, []byte(newcTrailer))) {
			t.Fatalf("archive of %d bytes without alignment or trailer", len(a))
		}
	})
}

// FuzzCarve: carving any range gives an error or a map covering the same
// bytes as before.
func FuzzCarve(f *testing.F) {
	f.Add(uint64(0x10000), uint64(0x1000))
	f.Add(uint64(0x9f000), uint64(0x2000))
	f.Fuzz(func(t *testing.T, addr, size uint64) {
		m, _ := MemoryMap(8<<30, 0xc0000000)
		out, err := Carve(m, addr, size, E820ACPI)
		if err != nil {
			return
		}
		var a, b uint64
		for _, e := range m {
			a += e.Size
		}
		for _, e := range out {
			b += e.Size
		}
		if a != b {
			t.Fatalf("carving [%#x, +%#x) changed the map's size from %#x to %#x", addr, size, a, b)
		}
	})
}
