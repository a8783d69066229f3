package boot

import (
	"bytes"
	"encoding/binary"
)

// bzImageFields are the setup header fields makeBzImage writes.
type bzImageFields struct {
	setupSects                        uint8
	version, xloadflags               uint16
	loadflags, minAlign, relocatable  uint8
	syssize, kernelAlign, cmdlineSize uint32
	payloadOff, payloadLen, initSize  uint32
	prefAddress                       uint64
	pmLen                             int
}

// goodFields describe a small valid bzImage: 1 setup sector, 4 KiB of
// protected-mode "kernel", protocol 2.15, relocatable, 2 MiB aligned.
func goodFields() bzImageFields {
	return bzImageFields{setupSects: 1, version: 0x020f, xloadflags: XLFKernel64 | XLFCanBeLoadedAbove4G,
		loadflags: LoadedHigh, minAlign: 21, relocatable: 1, syssize: 4096 / 16, kernelAlign: 0x200000,
		cmdlineSize: 2047, payloadOff: 0x100, payloadLen: 0x200, initSize: 0x10000, prefAddress: 0x1000000, pmLen: 4096}
}

// makeBzImage builds a bzImage whose header says f, with the kernel version
// string "6.0-test" in the setup code and a recognisable protected-mode body.
func makeBzImage(f bzImageFields) []byte {
	sects := int(f.setupSects)
	if sects == 0 {
		sects = 4
	}
	setup := (sects + 1) * 512
	b := make([]byte, setup+f.pmLen)
	le := binary.LittleEndian
	b[offSetupSects] = f.setupSects
	le.PutUint16(b[offBootFlag:], BootFlagMagic)
	b[offJump], b[offJump+1] = 0xeb, 0x6a // jmp to 0x26c: a 2.15 header's end
	le.PutUint32(b[offHeader:], HeaderMagic)
	le.PutUint16(b[offVersion:], f.version)
	le.PutUint16(b[offKernelVersion:], 0x300-0x200)
	copy(b[0x300:], "6.0-test\x00")
	b[offLoadflags] = f.loadflags
	le.PutUint32(b[offSyssize:], f.syssize)
	le.PutUint32(b[offInitrdAddrMax:], 0x7fffffff)
	le.PutUint32(b[offKernelAlignment:], f.kernelAlign)
	b[offRelocatable] = f.relocatable
	b[offMinAlignment] = f.minAlign
	le.PutUint16(b[offXloadflags:], f.xloadflags)
	le.PutUint32(b[offCmdlineSize:], f.cmdlineSize)
	le.PutUint32(b[offPayloadOffset:], f.payloadOff)
	le.PutUint32(b[offPayloadLength:], f.payloadLen)
	le.PutUint64(b[offPrefAddress:], f.prefAddress)
	le.PutUint32(b[offInitSize:], f.initSize)
	for i := setup; i < len(b); i++ {
		b[i] = byte(i * 7)
	}
	return b
}

// note encodes one ELF note.
func note(name string, typ uint32, desc []byte) []byte {
	var w bytes.Buffer
	n := append([]byte(name), 0)
	binary.Write(&w, binary.LittleEndian, [3]uint32{uint32(len(n)), uint32(len(desc)), typ})
	w.Write(n)
	w.Write(make([]byte, align4(uint64(len(n)))-uint64(len(n))))
	w.Write(desc)
	w.Write(make([]byte, align4(uint64(len(desc)))-uint64(len(desc))))
	return w.Bytes()
}

// makeELF builds a 64-bit x86-64 ELF executable with one PT_LOAD segment
// of code at physical loadAddr (memsz = len(code) + bss) and one PT_NOTE
// segment holding notes.
func makeELF(code []byte, loadAddr, bss uint64, notes []byte) []byte {
	const ehsize, phsize = 64, 56
	codeOff := uint64(ehsize + 2*phsize)
	noteOff := codeOff + uint64(len(code))
	var w bytes.Buffer
	le := binary.LittleEndian
	w.Write([]byte{0x7f, 'E', 'L', 'F', 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0})
	binary.Write(&w, le, struct {
		Type, Machine              uint16
		Version                    uint32
		Entry, Phoff, Shoff        uint64
		Flags                      uint32
		Ehsize, Phentsize, Phnum   uint16
		Shentsize, Shnum, Shstrndx uint16
	}{2, 62, 1, loadAddr, ehsize, 0, 0, ehsize, phsize, 2, 0, 0, 0})
	phdr := func(typ, flags uint32, off, addr, filesz, memsz uint64) {
		binary.Write(&w, le, struct {
			Type, Flags                         uint32
			Off, Vaddr, Paddr, Filesz, Memsz, A uint64
		}{typ, flags, off, addr, addr, filesz, memsz, 4})
	}
	phdr(1, 5, codeOff, loadAddr, uint64(len(code)), uint64(len(code))+bss)
	phdr(4, 4, noteOff, 0, uint64(len(notes)), uint64(len(notes)))
	w.Write(code)
	w.Write(notes)
	return w.Bytes()
}

// pvhNote is Linux's PHYS32_ENTRY note: an 8-byte descriptor.
func pvhNote(entry uint64) []byte {
	d := make([]byte, 8)
	binary.LittleEndian.PutUint64(d, entry)
	return note("Xen", XenElfnotePhys32Entry, d)
}
