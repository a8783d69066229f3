package main

import (
	"bytes"
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/ebpf/host"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/internal/corpora"
	"github.com/spf13/cobra"
)

// testRunFlags are `deepsys ebpf test-run`'s flags.
type testRunFlags struct {
	section, prog, data, dataHex, engine string
	repeat                               int
	hexOut                               bool
	tails                                []string
}

func newEBPFTestRunCmd() *cobra.Command {
	var f testRunFlags
	cmd := &cobra.Command{
		Use:   "test-run FILE.o",
		Short: "Run an XDP, socket-filter or TC program of an object on a packet, as bpf(BPF_PROG_TEST_RUN) does, on our interpreter or JIT",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			return testRun(cmd, args[0], f)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&f.section, "section", "", "the program's ELF `SECTION` (xdp, socket, tc, ...)")
	fl.StringVar(&f.prog, "prog", "", "the program's `NAME`, where a section holds several")
	fl.StringVar(&f.data, "data", "", "the packet, an Ethernet frame, from `FILE` (raw bytes)")
	fl.StringVar(&f.dataHex, "data-hex", "", "the packet as hex `BYTES` (spaces allowed)")
	fl.IntVar(&f.repeat, "repeat", 1, "run `N` times on the same buffer; the duration is the mean")
	fl.StringVar(&f.engine, "engine", "interp", "execution engine: interp, jit (x86-64), or linux (the kernel's BPF_PROG_TEST_RUN; needs root)")
	fl.BoolVar(&f.hexOut, "hex", false, "also print the output packet in hex")
	fl.StringArrayVar(&f.tails, "tail", nil, "put program `PROG` in slot I of program array MAP before the run, as MAP:I=PROG (repeatable)")
	return cmd
}

func testRun(cmd *cobra.Command, path string, f testRunFlags) error {
	engine, ok := map[string]host.Engine{"interp": host.Interp, "jit": host.JIT, "linux": -1}[f.engine]
	if !ok {
		return usagef("--engine %q: want interp, jit or linux", f.engine)
	}
	pkt, err := testRunPacket(f)
	if err != nil {
		return err
	}
	obj, err := loader.LoadFile(path)
	if err != nil {
		return err
	}
	lp, err := pickProgram(obj, f.section, f.prog)
	if err != nil {
		return err
	}
	if engine < 0 {
		return testRunLinux(cmd.OutOrStdout(), obj, lp, pkt, f)
	}
	var trace bytes.Buffer
	c, err := host.NewObjectCollection(obj, func(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{}) }, host.Options{Engine: engine, Trace: &trace})
	if err != nil {
		return err
	}
	p, err := c.LoadProgram(lp)
	if err != nil {
		return err
	}
	defer p.Close()
	if err := setTails(c, obj, f.tails); err != nil {
		return err
	}
	res, err := p.TestRun(pkt, f.repeat)
	if err != nil {
		return err
	}
	printTestRun(cmd.OutOrStdout(), fmt.Sprintf("%s (%v) on %v", p.Name, p.Kind, engine), res, f, trace.String())
	return nil
}

// testRunLinux runs the program in the kernel with BPF_PROG_TEST_RUN
// (ebpf/kernel; root needed), printed as our engines' runs are.
func testRunLinux(w io.Writer, obj *loader.Object, lp *loader.Program, pkt []byte, f testRunFlags) error {
	kind, err := host.KindOf(lp.Type)
	if err != nil {
		return err
	}
	o, err := kernel.LoadObject(obj)
	if err != nil {
		return err
	}
	defer o.Close()
	for _, t := range f.tails {
		mapName, slot, prog, err := parseTail(t)
		if err != nil {
			return err
		}
		if err := o.SetTail(mapName, slot, prog); err != nil {
			return fmt.Errorf("--tail %q: %w", t, err)
		}
	}
	ret, out, d, err := o.TestRun(lp.Name, pkt, f.repeat)
	if err != nil {
		return err
	}
	res := host.TestRunResult{Retval: uint64(ret), Verdict: host.Verdict(kind, uint64(ret), out), Packet: out, Duration: d}
	printTestRun(w, fmt.Sprintf("%s (%v) on linux", lp.Name, kind), res, f, "")
	fmt.Fprintln(w, "trace_printk output, if any, is in /sys/kernel/tracing/trace_pipe")
	return nil
}

// testRunPacket reads the packet from --data or --data-hex.
func testRunPacket(f testRunFlags) ([]byte, error) {
	switch {
	case (f.data == "") == (f.dataHex == ""):
		return nil, usagef("give the packet with --data FILE or --data-hex BYTES")
	case f.data != "":
		return os.ReadFile(f.data)
	}
	b, err := hex.DecodeString(strings.Join(strings.Fields(f.dataHex), ""))
	if err != nil {
		return nil, usagef("--data-hex: %v", err)
	}
	return b, nil
}

// pickProgram finds the program by section and name.
func pickProgram(obj *loader.Object, section, name string) (*loader.Program, error) {
	var found []*loader.Program
	for _, p := range obj.Programs {
		if (section == "" || p.Section == section) && (name == "" || p.Name == name) {
			found = append(found, p)
		}
	}
	if len(found) == 1 {
		return found[0], nil
	}
	var names []string
	for _, p := range obj.Programs {
		names = append(names, p.Name+" (section "+p.Section+")")
	}
	what := "no program"
	if len(found) > 1 {
		what = fmt.Sprintf("%d programs", len(found))
	}
	return nil, usagef("%s with --section %q --prog %q; the object has: %s", what, section, name, strings.Join(names, ", "))
}

// parseTail splits a --tail MAP:INDEX=PROG.
func parseTail(t string) (mapName string, slot uint32, prog string, err error) {
	mapName, rest, ok1 := strings.Cut(t, ":")
	s, prog, ok2 := strings.Cut(rest, "=")
	i, perr := strconv.ParseUint(s, 10, 32)
	if !ok1 || !ok2 || perr != nil {
		return "", 0, "", usagef("--tail %q: want MAP:INDEX=PROG", t)
	}
	return mapName, uint32(i), prog, nil
}

// setTails loads the --tail programs into their program arrays.
func setTails(c *host.Collection, obj *loader.Object, tails []string) error {
	for _, t := range tails {
		mapName, i, progName, err := parseTail(t)
		if err != nil {
			return err
		}
		var arr maps.Map
		if m := obj.MapIndex(mapName); m >= 0 {
			arr = c.Maps()[m]
		}
		pa, ok := arr.(maps.ProgramArray)
		if !ok {
			return usagef("--tail %q: %q is not a program array of the object", t, mapName)
		}
		lp := obj.Program(progName)
		if lp == nil {
			return usagef("--tail %q: the object has no program %q", t, progName)
		}
		target, err := c.LoadProgram(lp)
		if err != nil {
			return err
		}
		if err := pa.SetProgram(i, target); err != nil {
			return fmt.Errorf("--tail %q: %w", t, err)
		}
	}
	return nil
}

func printTestRun(w io.Writer, what string, res host.TestRunResult, f testRunFlags, trace string) {
	fmt.Fprintf(w, "program %s\n", what)
	fmt.Fprintf(w, "retval %d (%#x): %s\n", uint32(res.Retval), uint32(res.Retval), res.Verdict)
	if res.Redirect != 0 {
		fmt.Fprintf(w, "redirect to ifindex %d\n", res.Redirect)
	}
	fmt.Fprintf(w, "duration %d ns per run (%d runs)\n", res.Duration.Nanoseconds(), max(f.repeat, 1))
	fmt.Fprintf(w, "packet out: %d bytes\n", len(res.Packet))
	if f.hexOut {
		fmt.Fprint(w, hex.Dump(res.Packet))
	}
	if trace != "" {
		fmt.Fprintf(w, "trace_pipe:\n%s", trace)
	}
}

// testRunShowcase runs a packet through each program of ebpf/testdata's
// helpers.o on both engines, as test-run would, for the tour.
func testRunShowcase(ctx context.Context) ([]row, error) {
	root, err := corpora.ModuleRoot()
	if err != nil {
		return nil, err
	}
	obj, err := loader.LoadFile(filepath.Join(root, "ebpf", "testdata", "helpers.o"))
	if err != nil {
		return nil, err
	}
	pkt := make([]byte, 64)
	copy(pkt[12:], []byte{0x08, 0x00, 0x45, 0, 0, 50, 0, 0, 0, 0, 64, 17})
	var rows []row
	for _, e := range []host.Engine{host.Interp, host.JIT} {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		verdicts, err := showcaseVerdicts(obj, e, pkt)
		if err != nil {
			return rows, err
		}
		rows = append(rows, row{fmt.Sprintf("test-run helpers.o (%v)", e), verdicts})
	}
	return rows, nil
}

// showcaseVerdicts is "program: verdict" for each program of obj.
func showcaseVerdicts(obj *loader.Object, e host.Engine, pkt []byte) (string, error) {
	c, err := host.NewObjectCollection(obj, func(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{}) }, host.Options{Engine: e})
	if err != nil {
		return "", err
	}
	var out []string
	for _, lp := range obj.Programs {
		p, err := c.LoadProgram(lp)
		if err != nil {
			return "", err
		}
		res, err := p.TestRun(pkt, 1)
		p.Close()
		if err != nil {
			return "", fmt.Errorf("%s: %w", lp.Name, err)
		}
		out = append(out, fmt.Sprintf("%s %s", lp.Name, res.Verdict))
	}
	return strings.Join(out, ", "), nil
}
