// Package kernelcmp verifies one program with our verifier and with
// Linux's (bpf(BPF_PROG_LOAD) through ebpf/kernel) and classifies the
// pair of verdicts:
//
//   - agree: both accept, or both reject (SameInsn: at the same
//     instruction);
//   - unsound: we accept what Linux rejects. Must never happen;
//   - imprecise: we reject what Linux accepts.
//
// It is the core of `deepsys ebpf verify-diff`. Linux verifies as root, so
// Options.Unprivileged is not compared.
package kernelcmp

import (
	"errors"
	"fmt"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/kernel"
	"github.com/deepsys/deepsys/ebpf/verifier"
)

// Outcome classifies a pair of verdicts.
type Outcome int

const (
	Agree     Outcome = iota // the same verdict
	Unsound                  // we accept, Linux rejects
	Imprecise                // we reject, Linux accepts
)

func (o Outcome) String() string {
	return [...]string{"agree", "unsound", "imprecise"}[o]
}

// Verdict is our verifier's answer, in the shape of the kernel's.
type Verdict = kernel.Verdict

// Result is one comparison.
type Result struct {
	Ours, Linux Verdict
	Outcome     Outcome
	// SameInsn: both reject at the same instruction (in slots, the kernel
	// log's numbering).
	SameInsn bool
}

// Ours is Verify's answer as a Verdict.
func Ours(insns []ebpf.Instruction, opts verifier.Options) Verdict {
	res, err := verifier.Verify(insns, opts)
	if err == nil {
		return Verdict{Accepted: true, Insn: -1, Processed: res.Processed}
	}
	var re *verifier.RejectError
	if !errors.As(err, &re) {
		return Verdict{Insn: -1, Reason: err.Error()}
	}
	return Verdict{Insn: re.Slot, Reason: re.Reason}
}

// Compare verifies insns with us and with Linux. An error means Linux
// could not be asked (no bpf(), a map it cannot create): no comparison.
func Compare(insns []ebpf.Instruction, opts verifier.Options) (Result, error) {
	if opts.Unprivileged {
		return Result{}, errors.New("kernelcmp: Linux verifies as root here: an unprivileged verdict cannot be compared")
	}
	linux, err := kernel.Verify(insns, kernel.VerifyOptions{ProgType: opts.ProgType, Maps: opts.Maps})
	if err != nil {
		return Result{}, err
	}
	return Classify(Ours(insns, opts), linux), nil
}

// Classify compares two verdicts.
func Classify(ours, linux Verdict) Result {
	r := Result{Ours: ours, Linux: linux}
	switch {
	case ours.Accepted == linux.Accepted:
		r.Outcome = Agree
		r.SameInsn = !ours.Accepted && ours.Insn == linux.Insn
	case ours.Accepted:
		r.Outcome = Unsound
	default:
		r.Outcome = Imprecise
	}
	return r
}

// Tally counts outcomes.
type Tally struct {
	Programs, Agree, BothReject, SameInsn, Unsound, Imprecise, Skipped int
}

// Add counts r.
func (t *Tally) Add(r Result) {
	t.Programs++
	switch r.Outcome {
	case Agree:
		t.Agree++
		if !r.Ours.Accepted {
			t.BothReject++
		}
		if r.SameInsn {
			t.SameInsn++
		}
	case Unsound:
		t.Unsound++
	case Imprecise:
		t.Imprecise++
	}
}

func (t Tally) String() string {
	return fmt.Sprintf("%d programs: %d agree (%d rejected by both, %d of those at the same instruction), %d unsound, %d imprecise, %d not loadable",
		t.Programs, t.Agree, t.BothReject, t.SameInsn, t.Unsound, t.Imprecise, t.Skipped)
}
