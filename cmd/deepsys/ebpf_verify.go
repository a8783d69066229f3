package main

import (
	"errors"
	"fmt"
	"io"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/ebpf/verifier"
	"github.com/spf13/cobra"
)

// verifyTypes are the --type names.
var verifyTypes = map[string]loader.ProgType{
	"xdp": loader.XDP, "socket": loader.SocketFilter, "socket_filter": loader.SocketFilter,
	"tc": loader.SchedCLS, "sched_cls": loader.SchedCLS, "sched_act": loader.SchedACT,
}

func newEBPFVerifyCmd() *cobra.Command {
	var section, typ, asmFile string
	var level int
	cmd := &cobra.Command{
		Use:   "verify [FILE.o] [--section S] [--type xdp|socket|tc] [--log-level 1|2] | --asm FILE.s",
		Short: "Verify eBPF programs as the Linux verifier does: print accepted, or rejected: <reason> at insn N, and the log",
		Args:  cobra.MaximumNArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			var t loader.ProgType
			if typ != "" {
				var ok bool
				if t, ok = verifyTypes[typ]; !ok {
					return fmt.Errorf("--type %q: want xdp, socket or tc", typ)
				}
			}
			w := cmd.OutOrStdout()
			switch {
			case asmFile != "" && len(args) == 0:
				if t == 0 {
					t = loader.XDP
				}
				src, err := readInput(cmd, asmFile)
				if err != nil {
					return err
				}
				insns, err := asm.Assemble(string(src))
				if err != nil {
					return err
				}
				if !verifyOne(w, "", insns, verifier.Options{ProgType: t, LogLevel: level}) {
					return errors.New("program rejected")
				}
				return nil
			case asmFile == "" && len(args) == 1:
				return verifyObject(w, args[0], section, t, level)
			}
			return errors.New("give one object file, or --asm FILE")
		},
	}
	cmd.Flags().StringVar(&section, "section", "", "verify only the programs of section (or named) `S`")
	cmd.Flags().StringVar(&typ, "type", "", "program type: xdp, socket or tc (default: the section's, xdp for --asm)")
	cmd.Flags().StringVar(&asmFile, "asm", "", "verify the uBPF-syntax assembly in `FILE` (- for stdin)")
	cmd.Flags().IntVar(&level, "log-level", 0, "verifier log: 1 the error and its state, 2 every instruction")
	return cmd
}

// verifyObject verifies the programs of an object file.
func verifyObject(w io.Writer, path, section string, t loader.ProgType, level int) error {
	obj, err := loader.LoadFile(path)
	if err != nil {
		return err
	}
	specs := make([]maps.Spec, len(obj.Maps))
	for i, m := range obj.Maps {
		specs[i] = m.Spec
	}
	n, rejected := 0, 0
	for _, p := range obj.Programs {
		if section != "" && p.Section != section && p.Name != section {
			continue
		}
		n++
		pt := p.Type
		if t != 0 {
			pt = t
		}
		if !verifyOne(w, p.Name+": ", p.Insns, verifier.Options{ProgType: pt, Maps: specs, LogLevel: level}) {
			rejected++
		}
	}
	switch {
	case n == 0 && section != "":
		return fmt.Errorf("%s: no program in section %q", path, section)
	case n == 0:
		return fmt.Errorf("%s: no programs", path)
	case rejected > 0:
		return fmt.Errorf("%d of %d programs rejected", rejected, n)
	}
	return nil
}

// verifyOne prints one program's verdict and log; it reports acceptance.
func verifyOne(w io.Writer, prefix string, insns []ebpf.Instruction, opts verifier.Options) bool {
	res, err := verifier.Verify(insns, opts)
	var re *verifier.RejectError
	switch {
	case errors.As(err, &re):
		fmt.Fprintf(w, "%srejected: %s at insn %d\n", prefix, re.Reason, re.Insn)
		io.WriteString(w, re.Log)
		return false
	case err != nil:
		fmt.Fprintf(w, "%srejected: %v\n", prefix, err)
		return false
	}
	fmt.Fprintf(w, "%saccepted (%d instructions processed, %d states, peak %d, stack %d bytes)\n", prefix, res.Processed, res.States, res.PeakStates, res.MaxDepth)
	io.WriteString(w, res.Log)
	return true
}
