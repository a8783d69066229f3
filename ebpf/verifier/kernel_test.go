package verifier

// The kernel differential: the same program verified by us and by Linux
// (kernel.Verify: bpf(BPF_PROG_LOAD) through cilium/ebpf), compared
// verdict by verdict.
//
//   - unsound: we accept what the kernel rejects. Must never happen.
//   - imprecise: we reject what the kernel accepts. Counted and logged.
//
// compareWithKernel is the tests' entry point, for the tables here and
// the random programs. Package kernelcmp classifies the same way for
// `deepsys ebpf verify-diff`; it imports this package, so these tests
// cannot use it.

import (
	"errors"
	"fmt"
	"os"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/kernel"
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

// kernelQuiet asks the kernel for no log (for timing; a refusal still
// fetches one).
var kernelQuiet bool

// kernelVerify loads insns into Linux as opts.ProgType with opts.Maps
// created for it (kernel.Verify). ok is false when the kernel could not be
// asked (not a verifier verdict: e.g. a map it cannot create).
// DEEPSYS_KERNEL_LOG=FILE writes the kernel's whole log of the last
// program loaded to FILE.
func kernelVerify(t testing.TB, insns []ebpf.Instruction, opts Options) (v verdict, ok bool) {
	t.Helper()
	logFile := os.Getenv("DEEPSYS_KERNEL_LOG")
	k, err := kernel.Verify(insns, kernel.VerifyOptions{ProgType: opts.ProgType, Maps: opts.Maps, Quiet: kernelQuiet, FullLog: logFile != ""})
	if err != nil {
		t.Logf("%v", err)
		return verdict{}, false
	}
	if logFile != "" {
		os.WriteFile(logFile, []byte(k.Log), 0o644)
	}
	return verdict{accepted: k.Accepted, processed: k.Processed, insn: k.Insn, reason: k.Reason}, true
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
