package verifier

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/loader"
)

// TestStatesSafe checks subsumption on hand-built states: a more general
// old state covers a tighter new one, never the reverse.
func TestStatesSafe(t *testing.T) {
	statesSafe := (&env{}).statesSafe // no liveness: every register counts
	wide, narrow := initialState(), initialState()
	r := UnknownScalar()
	r.U = urange{0, 100}
	r.Sync()
	wide.frames[0].regs[ebpf.R2] = scalarReg(r)
	narrow.frames[0].regs[ebpf.R2] = constReg(7)
	if !statesSafe(wide, narrow, false) {
		t.Error("r2 in [0,100] does not cover r2 = 7")
	}
	if statesSafe(narrow, wide, false) {
		t.Error("r2 = 7 covers r2 in [0,100]")
	}
	if statesSafe(wide, narrow, true) {
		t.Error("exact comparison of different states succeeded")
	}
	// an uninitialised old register covers anything; a pointer never
	// covers a number
	none := initialState()
	if !statesSafe(none, narrow, false) {
		t.Error("an old state that never set r2 does not cover one that did")
	}
	ptr := initialState()
	ptr.frames[0].regs[ebpf.R2] = ptrReg(PtrToStack)
	if statesSafe(ptr, narrow, false) || statesSafe(narrow, ptr, false) {
		t.Error("a pointer and a number cover each other")
	}
	// packets: more range proved is safer
	p0, p8 := initialState(), initialState()
	p0.frames[0].regs[ebpf.R3] = ptrReg(PtrToPacket)
	p8.frames[0].regs[ebpf.R3] = ptrReg(PtrToPacket)
	p8.frames[0].regs[ebpf.R3].Range = 8
	if !statesSafe(p0, p8, false) || statesSafe(p8, p0, false) {
		t.Error("packet range containment is wrong")
	}
	// stack: an old misc byte covers a new zero; as root (who may read
	// uninitialised stack) also an invalid byte, unprivileged not
	m, z, inv := initialState(), initialState(), initialState()
	m.frames[0].markBytes(-8, 8, stackMisc)
	z.frames[0].markBytes(-8, 8, stackZero)
	if !statesSafe(m, z, false) || statesSafe(z, m, false) || !statesSafe(m, inv, false) {
		t.Error("stack byte subsumption is wrong")
	}
	if (&env{opts: Options{Unprivileged: true}}).statesSafe(m, inv, false) {
		t.Error("unprivileged: an old misc byte covers an invalid one")
	}
	// ids: two registers linked in the old state must be linked in the new
	linkedOld, unlinked := initialState(), initialState()
	a := scalarReg(r)
	a.ID = 5
	linkedOld.frames[0].regs[ebpf.R4], linkedOld.frames[0].regs[ebpf.R5] = a, a
	unlinked.frames[0].regs[ebpf.R4], unlinked.frames[0].regs[ebpf.R5] = scalarReg(r), scalarReg(r)
	if statesSafe(linkedOld, unlinked, false) {
		t.Error("an old id link is covered by unlinked registers")
	}
	if !statesSafe(unlinked, linkedOld, false) {
		t.Error("unlinked old registers do not cover linked new ones")
	}
}

// TestPruningCutsDiamonds: a chain of independent diamonds is verified
// in time linear in its length, because the paths meet in equal states.
func TestPruningCutsDiamonds(t *testing.T) {
	var b strings.Builder
	b.WriteString("call 7\nmov %r6, %r0\nmov %r0, 0\n")
	const n = 40
	for range n {
		// the branch result is dead after the join: both paths leave r1 = 0
		b.WriteString("jgt %r6, 10, +2\nmov %r1, 1\nja +1\nmov %r1, 2\nmov %r1, 0\n")
	}
	b.WriteString("exit\n")
	res, err := Verify(assemble(t, b.String()), Options{ProgType: loader.XDP})
	if err != nil {
		t.Fatal(err)
	}
	// without pruning this is 2^40 paths
	if res.Processed > 20*n {
		t.Errorf("processed %d instructions for %d diamonds: pruning does not work", res.Processed, n)
	}
	t.Logf("%d diamonds: %d instructions processed, %d states", n, res.Processed, res.States)
}

// TestLogLevel2 checks the kernel-like instruction lines.
func TestLogLevel2(t *testing.T) {
	res, err := Verify(assemble(t, "mov %r0, 0\nmov %r1, %r10\nadd %r1, -8\nexit"), Options{ProgType: loader.XDP, LogLevel: 2})
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"0: (b7) r0 = 0x0 ; R0=0 R1=ctx() R10=fp0\n",
		"2: (07) r1 += -0x8 ; R0=0 R1=fp-8 R10=fp0\n",
		"processed 4 insns (limit 1000000)",
	} {
		if !strings.Contains(res.Log, want) {
			t.Errorf("log lacks %q:\n%s", want, res.Log)
		}
	}
	if res, _ := Verify(assemble(t, "mov %r0, 0\nexit"), Options{ProgType: loader.XDP}); res.Log != "" {
		t.Errorf("a log at level 0: %q", res.Log)
	}
}

// TestBadOptions: an unknown program type, and map references to maps
// that were not given.
func TestBadOptions(t *testing.T) {
	insns := assemble(t, "mov %r0, 0\nexit")
	if _, err := Verify(insns, Options{ProgType: loader.Kprobe}); err == nil || err.(*RejectError).Insn != -1 {
		t.Errorf("kprobe: %v", err)
	}
	insns = assemble(t, "lddw %r1, MAP3\nmov %r0, 0\nexit")
	_, err := Verify(insns, Options{ProgType: loader.XDP})
	if re, ok := err.(*RejectError); !ok || re.Insn != 0 || re.Reason != "fd 3 is not pointing to valid bpf_map" {
		t.Errorf("missing map: %v", err)
	}
	if _, err := Verify(nil, Options{ProgType: loader.XDP}); err == nil {
		t.Error("empty program accepted")
	}
}

// TestLogBounded: a level-2 log of a walk to the instruction limit is
// cut, and still ends with the error.
func TestLogBounded(t *testing.T) {
	_, err := Verify(assemble(t, "mov %r0, 0\nloop:\nadd %r0, 1\nja loop"), Options{ProgType: loader.XDP, LogLevel: 2})
	re, ok := err.(*RejectError)
	if !ok || !strings.HasPrefix(re.Reason, "BPF program is too large. Processed 1000001 insn") {
		t.Fatalf("%v", err)
	}
	if len(re.Log) > maxTrace+1<<20 || !strings.Contains(re.Log, "left out") || !strings.Contains(re.Log, re.Reason) {
		t.Errorf("log of %d bytes, ending %q", len(re.Log), re.Log[max(0, len(re.Log)-300):])
	}
}

// TestPruningIgnoresUnreadStack: diamonds that leave different values in
// a stack slot nothing reads again are pruned (stack read marks); one
// whose slot is read later is not wrongly pruned: the read of the
// slot written 8 on one side must see its bounds.
func TestPruningIgnoresUnreadStack(t *testing.T) {
	var b strings.Builder
	b.WriteString("call 7\nmov %r6, %r0\nmov %r0, 0\n")
	const n = 30
	for range n {
		b.WriteString("jgt %r6, 10, +2\nstdw [%r10-8], 1\nja +1\nstdw [%r10-8], 2\nmov %r1, 0\n")
	}
	b.WriteString("exit\n")
	res, err := Verify(assemble(t, b.String()), Options{ProgType: loader.XDP})
	if err != nil {
		t.Fatal(err)
	}
	if res.Processed > 20*n {
		t.Errorf("processed %d instructions for %d diamonds: unread slots block pruning", res.Processed, n)
	}
	// the slot is read after the join: 8 on one side makes the access
	// out of bounds, so the verifier must not prune that side away
	_, err = Verify(assemble(t, `
		call 7
		mov %r6, %r0
		jgt %r6, 10, +2
		stdw [%r10-8], 1
		ja +1
		stdw [%r10-8], 8
		mov %r1, 0
		jgt %r6, 20, +0
		ldxdw %r2, [%r10-8]
		mov %r3, %r10
		add %r3, -8
		add %r3, %r2
		ldxb %r0, [%r3+0]
		exit`), Options{ProgType: loader.XDP})
	if re, ok := err.(*RejectError); !ok || !strings.HasPrefix(re.Reason, "invalid read from stack") {
		t.Errorf("got %v, want the read past the stack refused", err)
	}
}
