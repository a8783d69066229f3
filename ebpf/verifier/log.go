package verifier

// The verifier log, in the kernel's format (kernel/bpf/log.c):
//
//	level 1: the failing instruction with the state of the path that
//	         reached it and the reason, or on success the summary line
//	         "processed N insns (limit L) max_states_per_insn M total_states T peak_states P";
//	level 2: also every instruction as it is checked, with the registers it
//	         leaves: "0: (b7) r0 = 0 ; R0_w=0" (the kernel's "_w" marks a
//	         register written; we print every live register instead).

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// maxTrace bounds the per-instruction lines of a level-2 log (the kernel
// bounds its log by the buffer the loader gives it): a walk of a million
// instructions would otherwise log gigabytes. The error and the summary
// are always written.
const maxTrace = 16 << 20

type logger struct {
	level     int
	b         strings.Builder
	truncated bool
}

func (l *logger) printf(format string, args ...any) {
	if l.level > 0 {
		fmt.Fprintf(&l.b, format, args...)
	}
}

// trace is printf for the per-instruction lines of level 2.
func (l *logger) trace(format string, args ...any) {
	if l.level < 2 || l.truncated {
		return
	}
	if l.b.Len() > maxTrace {
		l.truncated = true
		l.b.WriteString("... the rest of the trace is left out (more than 16 MiB)\n")
		return
	}
	fmt.Fprintf(&l.b, format, args...)
}

// insnLine is "slot: (opcode) text".
func insnLine(slot int, ins ebpf.Instruction) string {
	text := asm.FormatLLVM(ins)
	if ins.IsLDDW() && ins.Src != ebpf.PseudoImm64 {
		text = fmt.Sprintf("r%d = map[%d]", ins.Dst, uint32(ins.Imm64))
		if off := uint64(ins.Imm64) >> 32; off != 0 || ins.Src == ebpf.PseudoMapValue || ins.Src == ebpf.PseudoMapIdxValue {
			text = fmt.Sprintf("r%d = map[%d].value+%d", ins.Dst, uint32(ins.Imm64), off)
		}
	}
	return fmt.Sprintf("%d: (%02x) %s", slot, ins.Opcode, text)
}

// stateString lists the initialised registers and stack slots of the
// current frame: "R0=0 R1=ctx() R10=fp0 fp-8=map_value(...)".
func (s *state) String() string {
	var parts []string
	if len(s.frames) > 1 {
		parts = append(parts, fmt.Sprintf("frame%d:", len(s.frames)-1))
	}
	f := s.cur()
	for i, r := range f.regs {
		if r.Type != NotInit {
			parts = append(parts, fmt.Sprintf("R%d=%v", i, r))
		}
	}
	for i := slots - 1; i >= 0; i-- {
		sl := &f.stack[i]
		off := (i - slots) * 8
		switch {
		case sl.isSpill():
			parts = append(parts, fmt.Sprintf("fp%d=%v", off, sl.spill))
		case sl.kind != [8]byteKind{}:
			var b strings.Builder
			for _, k := range sl.kind {
				b.WriteByte("?m0"[min(int(k), 2)])
			}
			parts = append(parts, fmt.Sprintf("fp%d=%s", off, b.String()))
		}
	}
	return strings.Join(parts, " ")
}
