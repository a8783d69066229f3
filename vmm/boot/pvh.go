package boot

import (
	"debug/elf"
	"fmt"
	"io"
)

// PVHConfig says where in guest memory LoadPVH puts things.
type PVHConfig struct {
	StartInfoAddr uint64 // hvm_start_info, then its module list and memory map
	CmdLineAddr   uint64
	CmdLine       string
	Initrd        []byte // nil for none
	InitrdAddr    uint64 // required when Initrd is set
	RSDP          uint64
	E820          []E820Entry
}

// maxCmdLine bounds the PVH command line; Linux's COMMAND_LINE_SIZE on
// x86 is 2048 bytes including the NUL.
const maxCmdLine = 2047

// LoadPVH loads the vmlinux ELF r into mem per the PVH boot ABI (steps 1-3
// of the package comment) and returns the 32-bit entry point.
func LoadPVH(mem []byte, r io.ReaderAt, c PVHConfig) (*Loaded, error) {
	f, err := elf.NewFile(r)
	if err != nil {
		return nil, fmt.Errorf("vmlinux: %w", err)
	}
	if f.Class != elf.ELFCLASS64 || f.Machine != elf.EM_X86_64 {
		return nil, fmt.Errorf("vmlinux: %v %v, want ELFCLASS64 EM_X86_64", f.Class, f.Machine)
	}
	entry, err := PVHEntry(f)
	if err != nil {
		return nil, err
	}
	if len(c.Initrd) > 0 && c.InitrdAddr == 0 {
		return nil, fmt.Errorf("pvh: initrd of %d bytes without an InitrdAddr", len(c.Initrd))
	}
	if len(c.CmdLine) > maxCmdLine {
		return nil, fmt.Errorf("pvh: command line of %d bytes, at most %d", len(c.CmdLine), maxCmdLine)
	}
	si, err := pvhStartInfo(c)
	if err != nil {
		return nil, err
	}
	spans := []span{{"hvm_start_info", c.StartInfoAddr, uint64(len(si))},
		{"command line", c.CmdLineAddr, uint64(len(c.CmdLine)) + 1}, {"initrd", c.InitrdAddr, uint64(len(c.Initrd))}}
	if err := loadSegments(mem, f, spans); err != nil {
		return nil, err
	}
	if err := placePVH(mem, si, c); err != nil {
		return nil, err
	}
	return &Loaded{Entry: uint64(entry), BootArg: c.StartInfoAddr, InitrdAddr: c.InitrdAddr}, nil
}

func pvhStartInfo(c PVHConfig) ([]byte, error) {
	s := StartInfo{CmdLine: c.CmdLineAddr, RSDP: c.RSDP, Memmap: c.E820}
	if len(c.Initrd) > 0 {
		s.Modules = []Module{{Addr: c.InitrdAddr, Size: uint64(len(c.Initrd))}}
	}
	return s.Build(c.StartInfoAddr)
}

// loadSegments copies each PT_LOAD segment to its physical address and
// zeroes its bss; segments must fit in mem and miss the boot data in spans.
func loadSegments(mem []byte, f *elf.File, spans []span) error {
	for i, p := range f.Progs {
		if p.Type != elf.PT_LOAD {
			continue
		}
		what := fmt.Sprintf("vmlinux PT_LOAD segment %d", i)
		if p.Filesz > p.Memsz {
			return fmt.Errorf("%s: filesz %#x > memsz %#x", what, p.Filesz, p.Memsz)
		}
		dst, err := region(mem, what, p.Paddr, p.Memsz)
		if err != nil {
			return err
		}
		if err := checkDisjoint(append([]span{{what, p.Paddr, p.Memsz}}, spans...)); err != nil {
			return err
		}
		if _, err := io.ReadFull(p.Open(), dst[:p.Filesz]); err != nil {
			return fmt.Errorf("%s: reading %#x bytes: %w", what, p.Filesz, err)
		}
		clear(dst[p.Filesz:])
	}
	return nil
}

// placePVH writes start_info, the command line and the initrd.
func placePVH(mem, si []byte, c PVHConfig) error {
	if err := checkDisjoint([]span{{"hvm_start_info", c.StartInfoAddr, uint64(len(si))},
		{"command line", c.CmdLineAddr, uint64(len(c.CmdLine)) + 1}, {"initrd", c.InitrdAddr, uint64(len(c.Initrd))}}); err != nil {
		return fmt.Errorf("pvh: %w", err)
	}
	if err := put(mem, "pvh hvm_start_info", c.StartInfoAddr, si); err != nil {
		return err
	}
	if err := put(mem, "pvh command line", c.CmdLineAddr, append([]byte(c.CmdLine), 0)); err != nil {
		return err
	}
	return put(mem, "pvh initrd", c.InitrdAddr, c.Initrd)
}
