package exitbench

import (
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/bench"
	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/kvm"
)

// TestStateLayout: the register structs encode to the sizes of struct
// kvm_regs and struct kvm_sregs that exitloop.c reads.
func TestStateLayout(t *testing.T) {
	if n := binary.Size(kvm.Regs{}); n != regsSize {
		t.Errorf("kvm.Regs encodes to %d bytes, struct kvm_regs is %d", n, regsSize)
	}
	if n := binary.Size(kvm.SRegs{}); n != sregsSize {
		t.Errorf("kvm.SRegs encodes to %d bytes, struct kvm_sregs is %d", n, sregsSize)
	}
}

// TestBenchQuick: both loops run all four guests through internal/bench
// and each reports a positive time per access (no timing is asserted);
// the C loop checks it saw n+1 exits (1 with the ioeventfd) itself.
func TestBenchQuick(t *testing.T) {
	testenv.RequireKVM(t)
	testenv.RequireTool(t, "gcc")
	ws, err := Workloads(Quick)
	if err != nil {
		t.Fatal(err)
	}
	r, err := bench.Run("vmm", ws, bench.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rows := 0
	for _, res := range r.Results() {
		if res.Peer == PeerName {
			rows++
			if res.Deepsys <= 0 || res.PeerValue <= 0 {
				t.Errorf("%s: deepsys %v, peer %v", res.Workload, res.Deepsys, res.PeerValue)
			}
		}
	}
	if rows != len(Kinds) {
		t.Errorf("%d rows against %s, want %d", rows, PeerName, len(Kinds))
	}
}

// TestParsePeer: the C loop's line is read, and wrong exit counts or
// garbage are errors that say what was printed.
func TestParsePeer(t *testing.T) {
	if ns, err := parsePeer("8123.5 301\n", PIO, 300); err != nil || ns != 8123.5 {
		t.Errorf("good line: %v, %v", ns, err)
	}
	if _, err := parsePeer("10.0 1\n", IOEventFD, 300); err != nil {
		t.Errorf("ioeventfd line: %v", err)
	}
	for _, bad := range []string{"", "x 301", "10 x", "-1 301", "10 300", "1 2 3"} {
		if _, err := parsePeer(bad, PIO, 300); err == nil {
			t.Errorf("%q accepted", bad)
		}
	}
}

// FuzzParsePeer: any output is read or refused, never a panic.
func FuzzParsePeer(f *testing.F) {
	f.Add("8123.5 301\n", 300)
	f.Add("NaN 1", 0)
	f.Add("", -1)
	f.Fuzz(func(t *testing.T, out string, n int) {
		if ns, err := parsePeer(out, PIO, n); err == nil && !(ns > 0) {
			t.Fatalf("%q accepted as %v", out, ns)
		}
	})
}

// TestPeerRefusesBadState: the C loop given a state file too short to hold
// the registers says so and exits nonzero; the error carries its words.
func TestPeerRefusesBadState(t *testing.T) {
	testenv.RequireTool(t, "gcc")
	p, err := buildPeer()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(p.dir) })
	bad := filepath.Join(p.dir, "short.state")
	if err := os.WriteFile(bad, make([]byte, 10), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err = p.run(bad, PIO, 10)
	if err == nil || !strings.Contains(err.Error(), "10 bytes, want more than 456") {
		t.Errorf("short state file: %v", err)
	}
}
