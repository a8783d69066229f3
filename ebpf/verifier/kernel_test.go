package verifier

// The kernel differential: the same program verified by us and by Linux
// (bpf(BPF_PROG_LOAD) through cilium/ebpf), compared verdict by verdict.
//
//   - unsound: we accept what the kernel rejects. Must never happen.
//   - imprecise: we reject what the kernel accepts. Counted and logged.
//
// compareWithKernel is the one entry point, for the tables here and for
// the random program generator to come.

import (
	"bytes"
	"encoding/binary"
	"errors"
	"fmt"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	cebpf "github.com/cilium/ebpf"
	casm "github.com/cilium/ebpf/asm"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
)

// verdict is one verifier's answer.
type verdict struct {
	accepted  bool
	processed int    // instructions processed, when the log says (0 if not)
	insn      int    // the failing instruction, in slots (-1 if unknown)
	reason    string // the last line of the log
}

func (v verdict) String() string {
	if v.accepted {
		return "accepted"
	}
	return fmt.Sprintf("rejected at slot %d: %s", v.insn, v.reason)
}

var kernelProgTypes = map[loader.ProgType]cebpf.ProgramType{
	loader.XDP: cebpf.XDP, loader.SocketFilter: cebpf.SocketFilter,
	loader.SchedCLS: cebpf.SchedCLS, loader.SchedACT: cebpf.SchedACT,
}

// kernelQuiet asks the kernel for no log (for timing; a refusal still
// fetches one).
var kernelQuiet bool

// kernelVerify loads insns into Linux as opts.ProgType with opts.Maps
// created for it. ok is false when the kernel could not be asked (not a
// verifier verdict: e.g. a map it cannot create). DEEPSYS_KERNEL_LOG=FILE
// writes the kernel's whole log of the last program loaded to FILE.
func kernelVerify(t testing.TB, insns []ebpf.Instruction, opts Options) (v verdict, ok bool) {
	t.Helper()
	var fds []int
	for _, m := range opts.Maps {
		cm, err := cebpf.NewMap(&cebpf.MapSpec{Type: cebpf.MapType(m.Type), KeySize: m.KeySize, ValueSize: m.ValueSize,
			MaxEntries: m.MaxEntries, Flags: m.Flags})
		if err != nil {
			t.Logf("kernel: map %+v: %v", m, err)
			return verdict{}, false
		}
		defer cm.Close()
		fds = append(fds, cm.FD())
	}
	withFDs := make([]ebpf.Instruction, len(insns))
	copy(withFDs, insns)
	for i, ins := range withFDs {
		if ins.IsLDDW() && ins.Src != ebpf.PseudoImm64 {
			idx := int(uint32(ins.Imm64))
			if idx >= len(fds) {
				return verdict{}, false
			}
			src := uint8(ebpf.PseudoMapFD)
			if ins.Src == ebpf.PseudoMapValue || ins.Src == ebpf.PseudoMapIdxValue {
				src = ebpf.PseudoMapValue
			}
			withFDs[i].Src = src
			withFDs[i].Imm = int32(fds[idx])
			withFDs[i].Imm64 = int64(uint64(uint32(fds[idx])) | uint64(ins.Imm64)&^0xffffffff)
		}
	}
	code := ebpf.Encode(nil, withFDs)
	cins, err := casm.AppendInstructions(nil, bytes.NewReader(code), binary.LittleEndian, "linux")
	if err != nil {
		t.Logf("kernel: cilium cannot decode: %v", err)
		return verdict{}, false
	}
	spec := &cebpf.ProgramSpec{Type: kernelProgTypes[opts.ProgType], Instructions: cins, License: "GPL"}
	popts := cebpf.ProgramOptions{LogLevel: cebpf.LogLevelBranch | cebpf.LogLevelStats, LogSizeStart: 1 << 20}
	if os.Getenv("DEEPSYS_KERNEL_LOG") != "" { // debugging one program: the whole log, also on success
		popts = cebpf.ProgramOptions{LogLevel: cebpf.LogLevelBranch | cebpf.LogLevelInstruction, LogSizeStart: 1 << 22}
	}
	if kernelQuiet {
		popts = cebpf.ProgramOptions{}
	}
	prog, err := cebpf.NewProgramWithOptions(spec, popts)
	var verr *cebpf.VerifierError
	switch {
	case err == nil:
		if os.Getenv("DEEPSYS_KERNEL_LOG") != "" {
			os.WriteFile(os.Getenv("DEEPSYS_KERNEL_LOG"), []byte(prog.VerifierLog), 0o644)
		}
		v := verdict{accepted: true, insn: -1}
		if m := logProcessed.FindStringSubmatch(prog.VerifierLog); m != nil {
			v.processed, _ = strconv.Atoi(m[1])
		}
		prog.Close()
		return v, true
	case errors.As(err, &verr):
		if os.Getenv("DEEPSYS_KERNEL_LOG") != "" {
			os.WriteFile(os.Getenv("DEEPSYS_KERNEL_LOG"), []byte(strings.Join(verr.Log, "\n")), 0o644)
		}
		return kernelVerdict(verr.Log), true
	}
	t.Logf("kernel: load: %v", err)
	return verdict{}, false
}

var (
	logInsn      = regexp.MustCompile(`^(\d+): \([0-9a-f]{2}\)`)
	logProcessed = regexp.MustCompile(`processed (\d+) insns`)
)

// kernelVerdict reads the failing instruction and the reason from a
// verifier log: the last "N: (op) ..." line and the last line before the
// "processed" summary.
func kernelVerdict(log []string) verdict {
	v := verdict{insn: -1}
	for i, l := range log {
		if m := logInsn.FindStringSubmatch(l); m != nil {
			v.insn, _ = strconv.Atoi(m[1])
		}
		if strings.HasPrefix(l, "processed ") {
			for j := i - 1; j >= 0; j-- {
				if !strings.HasPrefix(log[j], "cur state:") && !strings.HasPrefix(log[j], "old state:") {
					v.reason = log[j]
					break
				}
			}
		}
	}
	if v.reason == "" && len(log) > 0 {
		v.reason = log[len(log)-1]
	}
	return v
}

// ourVerdict is Verify's answer as a verdict.
func ourVerdict(insns []ebpf.Instruction, opts Options) verdict {
	res, err := Verify(insns, opts)
	if err == nil {
		return verdict{accepted: true, insn: -1, processed: res.Processed}
	}
	var re *RejectError
	if !errors.As(err, &re) {
		return verdict{insn: -1, reason: err.Error()}
	}
	return verdict{insn: re.Slot, reason: re.Reason}
}

// diffTally counts the differential's outcomes.
type diffTally struct {
	programs, agree, bothReject, sameInsn, unsound, imprecise, skipped int
	impreciseNames                                                     []string
}

func (d *diffTally) String() string {
	return fmt.Sprintf("%d programs: %d agree (%d rejected by both, %d of those at the same instruction), %d unsound, %d imprecise, %d not loadable",
		d.programs, d.agree, d.bothReject, d.sameInsn, d.unsound, d.imprecise, d.skipped)
}

// compareWithKernel verifies insns with us and with Linux, counts the
// outcome in tally, and fails the test on an unsound verdict.
func compareWithKernel(t testing.TB, name string, insns []ebpf.Instruction, opts Options, tally *diffTally) (ours, kernel verdict) {
	t.Helper()
	tally.programs++
	ours = ourVerdict(insns, opts)
	if opts.Unprivileged { // the kernel here verifies as root
		tally.skipped++
		return ours, verdict{}
	}
	kernel, ok := kernelVerify(t, insns, opts)
	if !ok {
		tally.skipped++
		return ours, kernel
	}
	switch {
	case ours.accepted == kernel.accepted:
		tally.agree++
		if !ours.accepted {
			tally.bothReject++
			if ours.insn == kernel.insn {
				tally.sameInsn++
			}
		}
	case ours.accepted:
		tally.unsound++
		t.Errorf("UNSOUND %s: we accept, the kernel rejects: %v", name, kernel)
	default:
		tally.imprecise++
		tally.impreciseNames = append(tally.impreciseNames, name)
		t.Logf("imprecise %s: we reject (%v), the kernel accepts", name, ours)
	}
	return ours, kernel
}
