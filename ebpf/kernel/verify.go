package kernel

import (
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"

	cebpf "github.com/cilium/ebpf"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// Verdict is the Linux verifier's answer on one program.
type Verdict struct {
	Accepted  bool
	Processed int    // instructions processed, when the log says (0 if not)
	Insn      int    // the failing instruction, in slots (-1 if unknown)
	Reason    string // the last line of the log before its summary
	Log       string // the whole log, with VerifyOptions.FullLog
}

func (v Verdict) String() string {
	if v.Accepted {
		return "accepted"
	}
	return fmt.Sprintf("rejected at slot %d: %s", v.Insn, v.Reason)
}

// VerifyOptions control Verify.
type VerifyOptions struct {
	ProgType loader.ProgType
	// Maps are created in the kernel for the program: a map-referencing
	// lddw's low 32 bits of Imm64 index them (the verifier's convention).
	Maps []maps.Spec
	// Quiet asks for no log on success (for timing: the verdict's latency
	// as a loader sees it); a refusal still fetches one.
	Quiet bool
	// FullLog asks for the log of every instruction, kept in Verdict.Log.
	FullLog bool
}

var verifyTypes = map[loader.ProgType]cebpf.ProgramType{
	loader.XDP: cebpf.XDP, loader.SocketFilter: cebpf.SocketFilter,
	loader.SchedCLS: cebpf.SchedCLS, loader.SchedACT: cebpf.SchedACT,
}

// Verify loads insns into Linux as opts.ProgType, with opts.Maps created
// for it, and closes it: the kernel verifier's verdict (the load also
// JIT-compiles an accepted program). An error means the kernel could not
// be asked (no bpf(), a map it cannot create, a program cilium/ebpf cannot
// carry): it is not a verdict.
func Verify(insns []ebpf.Instruction, opts VerifyOptions) (Verdict, error) {
	typ, ok := verifyTypes[opts.ProgType]
	if !ok {
		return Verdict{}, fmt.Errorf("kernel: program type %v not supported", opts.ProgType)
	}
	var fds []int
	for _, m := range opts.Maps {
		cm, err := cebpf.NewMap(&cebpf.MapSpec{Type: cebpf.MapType(m.Type), KeySize: m.KeySize, ValueSize: m.ValueSize,
			MaxEntries: m.MaxEntries, Flags: m.Flags})
		if err != nil {
			return Verdict{}, fmt.Errorf("kernel: map %+v: %w", m, err)
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
				return Verdict{}, fmt.Errorf("kernel: slot %d references map %d of %d", i, idx, len(fds))
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
	cins, err := toCilium(withFDs)
	if err != nil {
		return Verdict{}, err
	}
	spec := &cebpf.ProgramSpec{Type: typ, Instructions: cins, License: license}
	popts := cebpf.ProgramOptions{LogLevel: cebpf.LogLevelBranch | cebpf.LogLevelStats, LogSizeStart: 1 << 20}
	switch {
	case opts.FullLog:
		popts = cebpf.ProgramOptions{LogLevel: cebpf.LogLevelBranch | cebpf.LogLevelInstruction, LogSizeStart: 1 << 22}
	case opts.Quiet:
		popts = cebpf.ProgramOptions{}
	}
	prog, err := cebpf.NewProgramWithOptions(spec, popts)
	var verr *cebpf.VerifierError
	switch {
	case err == nil:
		v := Verdict{Accepted: true, Insn: -1}
		if m := logProcessed.FindStringSubmatch(prog.VerifierLog); m != nil {
			v.Processed, _ = strconv.Atoi(m[1])
		}
		if opts.FullLog {
			v.Log = prog.VerifierLog
		}
		prog.Close()
		return v, nil
	case errors.As(err, &verr):
		v := verdictOf(verr.Log)
		if opts.FullLog {
			v.Log = strings.Join(verr.Log, "\n")
		}
		return v, nil
	}
	return Verdict{}, fmt.Errorf("kernel: load: %w", err)
}

var (
	logSlot      = regexp.MustCompile(`^(\d+): \([0-9a-f]{2}\)`)
	logProcessed = regexp.MustCompile(`processed (\d+) insns`)
)

// verdictOf reads the failing instruction and the reason from a refusal's
// log: the last "N: (op) ..." line, and the last line that is not one of
// the statistics the kernel prints after the error ("processed ...",
// "stack depth ...", "verification time ...") or a state dump.
func verdictOf(log []string) Verdict {
	v := Verdict{Insn: -1}
	for _, l := range log {
		if m := logSlot.FindStringSubmatch(l); m != nil {
			v.Insn, _ = strconv.Atoi(m[1])
		}
	}
	for j := len(log) - 1; j >= 0; j-- {
		if !isLogStatistic(log[j]) {
			v.Reason = log[j]
			break
		}
	}
	return v
}

// isLogStatistic says whether a refusal's log line is a summary or a
// state dump rather than the complaint.
func isLogStatistic(l string) bool {
	for _, p := range []string{"processed ", "stack depth ", "verification time ", "cur state:", "old state:"} {
		if strings.HasPrefix(l, p) {
			return true
		}
	}
	return strings.TrimSpace(l) == ""
}
