package main

import (
	"context"
	"encoding/binary"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/conformance"
	"github.com/deepsys/deepsys/ebpf/ebpfbench"
	"github.com/deepsys/deepsys/ebpf/jit"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/corpora"
	"github.com/spf13/cobra"
)

// ebpfCLI plugs article 4, eBPF, into the CLI.
var ebpfCLI = &systemCLI{
	verbs: func() []*cobra.Command {
		return []*cobra.Command{newEBPFAsmCmd(), newEBPFDisasmCmd(), newEBPFRunCmd(), newEBPFConformanceCmd(), newEBPFObjdumpCmd(), newEBPFTestRunCmd(), newEBPFVerifyCmd(), newEBPFVerifyDiffCmd()}
	},
	showcase: ebpfShowcase,
	bench: func(cfg benchConfig) ([]bench.Workload, error) {
		if cfg.Quick {
			return ebpfbench.Workloads(ebpfbench.Quick)
		}
		return ebpfbench.Workloads(ebpfbench.Config{})
	},
}

// readInput reads a file, or standard input for "-".
func readInput(cmd *cobra.Command, path string) ([]byte, error) {
	if path == "-" {
		return io.ReadAll(cmd.InOrStdin())
	}
	return os.ReadFile(path)
}

func newEBPFAsmCmd() *cobra.Command {
	var out string
	var llvm bool
	cmd := &cobra.Command{
		Use:   "asm FILE|-",
		Short: "Assemble uBPF/bpf_conformance syntax (--llvm: the kernel/LLVM syntax); print 64-bit words, or write raw bytecode with -o",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			src, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			assemble := asm.Assemble
			if llvm {
				assemble = asm.AssembleLLVM
			}
			insns, err := assemble(string(src))
			if err != nil {
				return err
			}
			code := ebpf.Encode(nil, insns)
			if out != "" {
				return os.WriteFile(out, code, 0o644)
			}
			for i := 0; i < len(code); i += ebpf.SlotSize {
				fmt.Fprintf(cmd.OutOrStdout(), "%#016x\n", binary.LittleEndian.Uint64(code[i:]))
			}
			return nil
		},
	}
	cmd.Flags().StringVarP(&out, "output", "o", "", "write little-endian bytecode to `FILE`")
	cmd.Flags().BoolVar(&llvm, "llvm", false,
		"read the kernel/LLVM syntax (r0 = *(u32 *)(r1 + 4)), as disasm --llvm, llvm-objdump and the verifier log print it")
	return cmd
}

func newEBPFDisasmCmd() *cobra.Command {
	var llvm, native bool
	cmd := &cobra.Command{
		Use:   "disasm FILE|-",
		Short: "Disassemble raw little-endian bytecode (uBPF syntax, --llvm for the kernel/LLVM syntax, --jit for our JIT's x86-64)",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			code, err := readInput(cmd, args[0])
			if err != nil {
				return err
			}
			insns, err := ebpf.Decode(code)
			if err != nil {
				return err
			}
			text := asm.Disassemble(insns)
			switch {
			case native:
				if text, err = jitListing(insns); err != nil {
					return err
				}
			case llvm:
				text = asm.DisassembleLLVM(insns)
			}
			_, err = io.WriteString(cmd.OutOrStdout(), text)
			return err
		},
	}
	cmd.Flags().BoolVar(&llvm, "llvm", false, "print the kernel/LLVM syntax (r0 = *(u32 *)(r1 + 0x4))")
	cmd.Flags().BoolVar(&native, "jit", false, "compile with our JIT and print the x86-64 code, each eBPF instruction above its machine code")
	return cmd
}

func newEBPFRunCmd() *cobra.Command {
	var mem, engine string
	cmd := &cobra.Command{
		Use:   "run FILE.data|FILE",
		Short: "Run a .data test file, or an assembly file with --mem, on the interpreter or the JIT; print r0",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			insns, input, err := loadRunnable(args[0], mem)
			if err != nil {
				return err
			}
			e, ok := map[string]conformance.Engine{"interp": conformance.Interpreter{}, "jit": conformance.JIT{}}[engine]
			if !ok {
				return usagef("--engine %q: want interp or jit", engine)
			}
			r, err := e.Load(insns)
			if err != nil {
				return err
			}
			r0, err := r.Run(input)
			if err != nil {
				return err
			}
			fmt.Fprintf(cmd.OutOrStdout(), "r0 = %#x (%d)\n", r0, int64(r0))
			return nil
		},
	}
	cmd.Flags().StringVar(&mem, "mem", "", "input memory as hex bytes (r1 points to it, r2 is its length)")
	cmd.Flags().StringVar(&engine, "engine", "interp", "execution engine: interp or jit (x86-64)")
	return cmd
}

// jitListing compiles insns with the JIT (the conformance suite's helpers
// bound, so that its programs compile) and returns the listing.
func jitListing(insns []ebpf.Instruction) (string, error) {
	p, err := jit.Compile(insns, jit.Options{Helpers: conformance.UBPFHelpers})
	if err != nil {
		return "", err
	}
	defer p.Close()
	return p.Disassemble(), nil
}

// loadRunnable reads a .data file's program and memory, or assembles a
// source file and decodes --mem.
func loadRunnable(path, mem string) ([]ebpf.Instruction, []byte, error) {
	if filepath.Ext(path) == ".data" {
		tf, err := asm.ReadTestFile(path)
		if err != nil {
			return nil, nil, err
		}
		insns, err := tf.Program()
		return insns, tf.Mem, err
	}
	src, err := os.ReadFile(path)
	if err != nil {
		return nil, nil, err
	}
	input, err := hex.DecodeString(strings.Join(strings.Fields(mem), ""))
	if err != nil {
		return nil, nil, usagef("--mem: %v", err)
	}
	insns, err := asm.Assemble(string(src))
	return insns, input, err
}

func newEBPFConformanceCmd() *cobra.Command {
	var engine string
	var verbose bool
	cmd := &cobra.Command{
		Use:   "conformance DIR",
		Short: "Run every bpf_conformance-format .data file under DIR; end with `N passed, M failed`",
		Args:  cobra.ExactArgs(1),
		RunE: func(cmd *cobra.Command, args []string) error {
			engines := map[string][]conformance.Engine{
				"interp": {conformance.Interpreter{}}, "jit": {conformance.JIT{}},
				"both": {conformance.Interpreter{}, conformance.JIT{}}, "linux": {kernel.Engine{}},
			}[engine]
			if engines == nil {
				return usagef("--engine %q: want interp, jit, both or linux", engine)
			}
			var failed error
			for _, e := range engines {
				results, err := conformance.RunDir(e, args[0])
				if err != nil {
					return err
				}
				if len(engines) > 1 {
					fmt.Fprintf(cmd.OutOrStdout(), "== %s\n", e.Name())
				}
				if err := reportConformance(cmd.OutOrStdout(), results, verbose); err != nil {
					failed = fmt.Errorf("%s: %w", e.Name(), err)
				}
			}
			return failed
		},
	}
	cmd.Flags().StringVar(&engine, "engine", "interp", "execution engine: interp, jit (x86-64), both one after the other, or linux (the kernel's verifier and JIT through BPF_PROG_TEST_RUN; needs root)")
	cmd.Flags().BoolVarP(&verbose, "verbose", "v", false, "also list passes and skips")
	return cmd
}

// reportConformance prints failures (and, verbose, everything), then the
// closing line; it fails when any file failed.
func reportConformance(w io.Writer, results []conformance.Result, verbose bool) error {
	for _, r := range results {
		if r.Status == conformance.Fail || verbose {
			fmt.Fprintf(w, "%s\t%s\t%s\n", strings.ToUpper(string(r.Status)), r.File, r.Detail)
		}
	}
	pass, fail, skip := conformance.Count(results)
	fmt.Fprintf(w, "%d passed, %d failed, %d skipped\n", pass, fail, skip)
	if fail > 0 {
		return fmt.Errorf("%d conformance tests failed", fail)
	}
	return nil
}

// ebpfShowcase runs both conformance corpora on the interpreter and the JIT.
func ebpfShowcase(ctx context.Context) ([]row, error) {
	var rows []row
	for _, c := range []struct{ corpus, dir string }{
		{"bpf_conformance", "tests"}, {"bpf_conformance", "negative"}, {"ubpf-tests", "tests"},
	} {
		root, err := corpora.Dir(c.corpus)
		if err != nil {
			return rows, err
		}
		for _, e := range []conformance.Engine{conformance.Interpreter{}, conformance.JIT{}} {
			if err := ctx.Err(); err != nil {
				return rows, err
			}
			results, err := conformance.RunDir(e, filepath.Join(root, c.dir))
			if err != nil {
				return rows, err
			}
			pass, fail, skip := conformance.Count(results)
			rows = append(rows, row{fmt.Sprintf("%s/%s (%s)", c.corpus, c.dir, e.Name()),
				fmt.Sprintf("%d passed, %d failed, %d skipped", pass, fail, skip)})
			if fail > 0 {
				return rows, fmt.Errorf("%s/%s on %s: %d failed", c.corpus, c.dir, e.Name(), fail)
			}
		}
	}
	hostRows, err := testRunShowcase(ctx)
	return append(rows, hostRows...), err
}
