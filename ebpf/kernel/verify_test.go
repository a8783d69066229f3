package kernel

import "testing"

// TestVerdictOfSkipsStatistics keeps the kernel's summary lines out of the
// reason: on some refusals "stack depth N" follows the complaint.
func TestVerdictOfSkipsStatistics(t *testing.T) {
	log := []string{
		"0: R1=ctx() R10=fp0",
		"0: (b7) r0 = 0",
		"1: (61) r2 = *(u32 *)(r1 +0)",
		"2: (71) r3 = *(u8 *)(r2 +0)",
		"invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)",
		"R2 offset is outside of the packet",
		"processed 3 insns (limit 1000000) max_states_per_insn 0 total_states 0 peak_states 0 mark_read 0",
		"stack depth 8",
		"verification time 12 usec",
		"",
	}
	v := verdictOf(log)
	if v.Insn != 2 || v.Reason != "R2 offset is outside of the packet" {
		t.Fatalf("verdictOf = insn %d, reason %q", v.Insn, v.Reason)
	}
}
