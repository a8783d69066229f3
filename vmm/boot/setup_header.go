package boot

import (
	"encoding/binary"
	"fmt"
)

// Offsets of the setup header fields inside a bzImage file and inside the
// zero page (boot.rst "The Real-Mode Kernel Header"; the header sits at the
// same offset in both).
const (
	offSetupSects      = 0x1f1
	offSyssize         = 0x1f4
	offBootFlag        = 0x1fe
	offJump            = 0x200
	offHeader          = 0x202
	offVersion         = 0x206
	offKernelVersion   = 0x20e
	offTypeOfLoader    = 0x210
	offLoadflags       = 0x211
	offCode32Start     = 0x214
	offRamdiskImage    = 0x218
	offRamdiskSize     = 0x21c
	offHeapEndPtr      = 0x224
	offCmdLinePtr      = 0x228
	offInitrdAddrMax   = 0x22c
	offKernelAlignment = 0x230
	offRelocatable     = 0x234
	offMinAlignment    = 0x235
	offXloadflags      = 0x236
	offCmdlineSize     = 0x238
	offPayloadOffset   = 0x248
	offPayloadLength   = 0x24c
	offPrefAddress     = 0x258
	offInitSize        = 0x260
	// setupHeaderEnd is the end of init_size, the last field this package
	// reads; protocol 2.12 headers reach 0x268 and later ones beyond.
	setupHeaderEnd = 0x264
)

// Constants of the header (boot.rst "Details of Header Fields").
const (
	HeaderMagic   = 0x53726448 // "HdrS", little-endian
	BootFlagMagic = 0xAA55
	// MinVersion is protocol 2.12, the first with xloadflags and so the
	// first that can say it has a 64-bit entry point.
	MinVersion = 0x020c

	LoadedHigh  = 1 << 0 // loadflags: protected-mode code at 0x100000
	CanUseHeap  = 1 << 7 // loadflags: heap_end_ptr is valid
	XLFKernel64 = 1 << 0 // xloadflags: 64-bit entry at load address + 0x200
	// XLFCanBeLoadedAbove4G: kernel, boot_params, command line and initrd
	// may sit above 4 GiB.
	XLFCanBeLoadedAbove4G = 1 << 1

	// Entry64Offset is where the 64-bit entry point sits in the loaded
	// protected-mode kernel (boot.rst "64-bit Boot Protocol").
	Entry64Offset = 0x200
	// LoaderUndefined is type_of_loader 0xff: a boot loader with no
	// assigned ID.
	LoaderUndefined = 0xff
)

// SetupHeader is the part of struct setup_header a loader needs, decoded
// and validated.
type SetupHeader struct {
	SetupSects      uint8 // 512-byte sectors of real-mode setup code (0 read as 4)
	Syssize         uint32
	Version         uint16 // boot protocol version, major<<8 | minor
	KernelVersion   string // the version string kernel_version points at
	Loadflags       uint8
	Code32Start     uint32
	InitrdAddrMax   uint32 // highest address the initrd may end at
	KernelAlignment uint32
	Relocatable     bool
	MinAlignment    uint8 // log2 of the smallest alignment the kernel accepts
	Xloadflags      uint16
	CmdlineSize     uint32 // longest command line, without its NUL
	PayloadOffset   uint32 // compressed vmlinux, from the protected-mode start
	PayloadLength   uint32
	PrefAddress     uint64
	InitSize        uint32 // bytes the kernel needs from its load address
}

// SetupSize is the size in the file of the boot sector and the real-mode
// setup code; the protected-mode kernel follows it.
func (h *SetupHeader) SetupSize() int { return (int(h.SetupSects) + 1) * 512 }

// ParseSetupHeader decodes and validates the setup header of the bzImage
// in file, which must be a kernel this package can boot through the 64-bit
// entry.
func ParseSetupHeader(file []byte) (*SetupHeader, error) {
	if len(file) < setupHeaderEnd {
		return nil, fmt.Errorf("bzImage: %d bytes, too short for a setup header (needs %#x)", len(file), setupHeaderEnd)
	}
	le := binary.LittleEndian
	if m := le.Uint32(file[offHeader:]); m != HeaderMagic {
		return nil, fmt.Errorf("bzImage: header magic at %#x is %#x, want %#x (\"HdrS\")", offHeader, m, HeaderMagic)
	}
	if f := le.Uint16(file[offBootFlag:]); f != BootFlagMagic {
		return nil, fmt.Errorf("bzImage: boot_flag at %#x is %#x, want %#x", offBootFlag, f, BootFlagMagic)
	}
	h := decodeHeader(file)
	if err := h.validate(len(file)); err != nil {
		return nil, err
	}
	h.KernelVersion = kernelVersion(file, le.Uint16(file[offKernelVersion:]), h.SetupSize())
	return h, nil
}

// decodeHeader reads the fields; len(file) >= setupHeaderEnd.
func decodeHeader(file []byte) *SetupHeader {
	le := binary.LittleEndian
	h := &SetupHeader{
		SetupSects:      file[offSetupSects],
		Syssize:         le.Uint32(file[offSyssize:]),
		Version:         le.Uint16(file[offVersion:]),
		Loadflags:       file[offLoadflags],
		Code32Start:     le.Uint32(file[offCode32Start:]),
		InitrdAddrMax:   le.Uint32(file[offInitrdAddrMax:]),
		KernelAlignment: le.Uint32(file[offKernelAlignment:]),
		Relocatable:     file[offRelocatable] != 0,
		MinAlignment:    file[offMinAlignment],
		Xloadflags:      le.Uint16(file[offXloadflags:]),
		CmdlineSize:     le.Uint32(file[offCmdlineSize:]),
		PayloadOffset:   le.Uint32(file[offPayloadOffset:]),
		PayloadLength:   le.Uint32(file[offPayloadLength:]),
		PrefAddress:     le.Uint64(file[offPrefAddress:]),
		InitSize:        le.Uint32(file[offInitSize:]),
	}
	if h.SetupSects == 0 {
		h.SetupSects = 4
	}
	return h
}

// validate checks what boot.rst requires of a kernel booted through the
// 64-bit entry point, against a file of fileLen bytes.
func (h *SetupHeader) validate(fileLen int) error {
	switch {
	case h.Version < MinVersion:
		return fmt.Errorf("bzImage: boot protocol %d.%02d, need >= 2.12 for the 64-bit entry", h.Version>>8, h.Version&0xff)
	case h.Xloadflags&XLFKernel64 == 0:
		return fmt.Errorf("bzImage: xloadflags %#x lacks XLF_KERNEL_64: no 64-bit entry point", h.Xloadflags)
	case h.Loadflags&LoadedHigh == 0:
		return fmt.Errorf("bzImage: loadflags %#x lacks LOADED_HIGH: a zImage, not a bzImage", h.Loadflags)
	case h.KernelAlignment == 0 || h.KernelAlignment&(h.KernelAlignment-1) != 0:
		return fmt.Errorf("bzImage: kernel_alignment %#x is not a power of two", h.KernelAlignment)
	case h.MinAlignment > 31:
		return fmt.Errorf("bzImage: min_alignment %d is not a log2 alignment below 2^32", h.MinAlignment)
	case h.CmdlineSize == 0:
		return fmt.Errorf("bzImage: cmdline_size is 0")
	}
	pm := uint64(fileLen) - uint64(min(h.SetupSize(), fileLen))
	switch {
	case h.SetupSize() >= fileLen:
		return fmt.Errorf("bzImage: setup_sects %d puts the kernel at %#x, past the file's %d bytes", h.SetupSects, h.SetupSize(), fileLen)
	case uint64(h.Syssize)*16 > pm:
		return fmt.Errorf("bzImage: syssize %d paragraphs (%d bytes) exceeds the %d bytes after the setup code", h.Syssize, uint64(h.Syssize)*16, pm)
	case uint64(h.PayloadOffset)+uint64(h.PayloadLength) > pm:
		return fmt.Errorf("bzImage: payload [%#x, +%#x) lies past the protected-mode kernel's %d bytes", h.PayloadOffset, h.PayloadLength, pm)
	case uint64(h.InitSize) < uint64(h.Syssize)*16:
		return fmt.Errorf("bzImage: init_size %#x is smaller than the kernel's %#x bytes", h.InitSize, uint64(h.Syssize)*16)
	}
	return nil
}

// kernelVersion reads the NUL-terminated string kernel_version points at
// (its offset + 0x200, inside the setup code), or "" if it is not there.
func kernelVersion(file []byte, ptr uint16, setupSize int) string {
	if ptr == 0 {
		return ""
	}
	start := int(ptr) + 0x200
	end := min(setupSize, len(file))
	for i := start; i < end; i++ {
		if file[i] == 0 {
			return string(file[start:i])
		}
	}
	return ""
}
