package kernel

import (
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/internal/testenv"
)

// logInsn is an instruction line of a level-2 verifier log: "12: (b7) r0 = 7".
var logInsn = regexp.MustCompile(`^(\d+): \([0-9a-f]{2}\) `)

// TestAssembleLLVMReadsVerifierLog: the kernel prints every instruction it
// verifies (kernel/bpf/disasm.c); asm.AssembleLLVM reads each such line
// back to the instruction at that slot.
func TestAssembleLLVMReadsVerifierLog(t *testing.T) {
	testenv.RequireRoot(t)
	testenv.RequireBPF(t)
	prog := mustAssemble(t, `
		mov %r6, %r1
		mov32 %r0, 7
		lddw %r3, 0x1122334455667788
		stxdw [%r10-8], %r3
		stw [%r10-16], -5
		ldxw %r4, [%r10-16]
		ldxsh %r5, [%r10-8]
		add %r4, 3
		sub32 %r4, %r5
		arsh %r3, 2
		sdiv %r3, 7
		smod32 %r4, -3
		movsx1664 %r5, %r4
		neg %r5
		be16 %r5
		bswap64 %r3
		lock add [%r10-8], %r5
		lock fetch or [%r10-8], %r5
		mov %r0, 0
		lock cmpxchg [%r10-8], %r5
		lock xchg32 [%r10-16], %r4
		jgt %r4, %r3, +1
		jslt32 %r4, -2, +0
		jset %r5, 0x10, +0
		call 7
		ja +0
		call local +2
		mov32 %r0, 2
		exit
		mov %r0, 1
		exit`)
	p, err := Load(prog, Options{LogLevel: 2, Retval32: true})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	slots := ebpf.NewProgram(prog)
	bySlot := map[int]int{}
	for i := range prog {
		bySlot[slots.Slot(i)+p.Offset()] = i
	}
	seen := map[int]bool{}
	for _, line := range strings.Split(p.VerifierLog(), "\n") {
		m := logInsn.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		pc, _ := strconv.Atoi(m[1])
		i, ours := bySlot[pc]
		if !ours || seen[i] {
			continue
		}
		seen[i] = true
		got, err := asm.AssembleLLVM(line)
		if err != nil {
			t.Errorf("AssembleLLVM(%q): %v", line, err)
			continue
		}
		if len(got) != 1 || got[0] != prog[i] {
			t.Errorf("AssembleLLVM(%q) = %s, want %s", line, asm.Disassemble(got), asm.Format(prog[i]))
		}
	}
	if len(seen) != len(prog) {
		t.Errorf("the log showed %d of the %d instructions:\n%s", len(seen), len(prog), p.VerifierLog())
	}
}
