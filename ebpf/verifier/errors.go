package verifier

import "fmt"

// RejectError is the verifier's refusal: the instruction at fault, the
// reason in the kernel's words where the kernel has them, and the log.
type RejectError struct {
	Insn   int    // index in the []ebpf.Instruction (-1: the program as a whole)
	Slot   int    // the same instruction in 8-byte slots: the kernel log's numbering
	Reason string // e.g. "R1 invalid mem access 'scalar'"
	Log    string // the verifier log at Options.LogLevel (the reason and the state at level 1)
}

func (e *RejectError) Error() string {
	if e.Insn < 0 {
		return "verifier: " + e.Reason
	}
	return fmt.Sprintf("verifier: %s at insn %d", e.Reason, e.Insn)
}

// failure is an error raised while checking one instruction: it becomes a
// RejectError at the instruction being checked.
type failure struct{ reason string }

func (f *failure) Error() string { return f.reason }

func fail(format string, args ...any) error { return &failure{fmt.Sprintf(format, args...)} }
