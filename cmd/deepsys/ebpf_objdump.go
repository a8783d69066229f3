package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/spf13/cobra"
)

func newEBPFObjdumpCmd() *cobra.Command {
	return &cobra.Command{
		Use:   "objdump FILE.o",
		Short: "List an eBPF ELF object as the loader reads it: sections, maps, and each linked program's disassembly with relocations",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			obj, err := loader.LoadFile(args[0])
			if err != nil {
				return err
			}
			w := cmd.OutOrStdout()
			fmt.Fprintf(w, "%s: license %q, %d programs, %d maps\n", args[0], obj.License, len(obj.Programs), len(obj.Maps))
			writeSections(w, obj.Sections)
			writeMaps(w, obj.Maps)
			for _, p := range obj.Programs {
				fmt.Fprintf(w, "\nProgram %s (section %s, type %s, %d instructions):\n", p.Name, p.Section, p.Type, len(p.Insns))
				io.WriteString(w, obj.Disassemble(p))
			}
			return nil
		},
	}
}

func writeSections(w io.Writer, secs []loader.Section) {
	fmt.Fprintf(w, "\nSections:\n%-4s %-24s %-8s %-14s %s\n", "Idx", "Name", "Size", "Type", "Flags")
	for i, s := range secs {
		line := fmt.Sprintf("%4d %-24s %08x %-14s %s", i+1, s.Name, s.Size, strings.TrimPrefix(s.Type.String(), "SHT_"), sectionFlags(s))
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// sectionFlags prints W, A and X as readelf does.
func sectionFlags(s loader.Section) string {
	var f strings.Builder
	for _, c := range []struct {
		bit  uint64
		char byte
	}{{0x1, 'W'}, {0x2, 'A'}, {0x4, 'X'}} {
		if uint64(s.Flags)&c.bit != 0 {
			f.WriteByte(c.char)
		}
	}
	return f.String()
}

var mapTypeNames = map[maps.Type]string{
	maps.Hash: "hash", maps.Array: "array", maps.ProgArray: "prog_array", maps.PerCPUHash: "percpu_hash",
	maps.PerCPUArray: "percpu_array", maps.LRUHash: "lru_hash", maps.LPMTrie: "lpm_trie", maps.RingBuf: "ringbuf",
}

func writeMaps(w io.Writer, defs []loader.MapDef) {
	fmt.Fprintf(w, "\nMaps:\n%-4s %-16s %-14s %5s %7s %11s %6s  %s\n", "Idx", "Name", "Type", "Key", "Value", "MaxEntries", "Flags", "Section")
	for i, m := range defs {
		typ, ok := mapTypeNames[m.Type]
		if !ok {
			typ = fmt.Sprintf("type %d", m.Type)
		}
		init := ""
		if m.Init != nil {
			init = fmt.Sprintf(", %d bytes of initial value", len(m.Init))
		}
		fmt.Fprintf(w, "%4d %-16s %-14s %5d %7d %11d %#6x  %s%s\n", i, m.Name, typ, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags, m.Section, init)
	}
}
