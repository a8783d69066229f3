package main

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/vmm/exitbench"
)

// TestVMMHello: `deepsys vmm hello --stats` prints the guest's message and
// then the exit table with its IO and HLT rows; --ring3 prints the same
// from CPL 3.
func TestVMMHello(t *testing.T) {
	testenv.RequireKVM(t)
	code, out, errs := runCLI(t, "vmm", "hello", "--stats", "--message", "hi\n")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	lines := strings.Split(out, "\n")
	if len(lines) < 4 || lines[0] != "hi" || !strings.HasPrefix(lines[1], "exit ") ||
		!strings.Contains(out, "\nKVM_EXIT_IO ") || !strings.Contains(out, "\nKVM_EXIT_HLT ") {
		t.Errorf("want the message, then the exit table with IO and HLT rows:\n%s", out)
	}
	code, out, errs = runCLI(t, "vmm", "hello", "--ring3", "--message", "from ring 3\n")
	if code != 0 || out != "from ring 3\n" {
		t.Errorf("--ring3: exit %d (%s), printed %q", code, errs, out)
	}
}

// TestVMMHelloBadMessage: a message the guest cannot print is a usage error
// naming the byte, before any VM is made.
func TestVMMHelloBadMessage(t *testing.T) {
	code, _, errs := runCLI(t, "vmm", "hello", "--message", "a\x00b")
	if code == 0 || !strings.Contains(errs, "NUL byte at 1") {
		t.Errorf("exit %d, stderr %q: want an error naming the NUL byte", code, errs)
	}
}

// TestVMMShowcase: the tour's rows show both guests' output and the exit
// table of the 1000-OUT guest (1001 IO exits with the debug exit).
func TestVMMShowcase(t *testing.T) {
	testenv.RequireKVM(t)
	code, out, errs := runCLI(t, "vmm", "showcase")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	for _, want := range []string{`printed "hello from ring 0"`, `printed "hello from ring 3"`,
		"exits: KVM_EXIT_IO (1000 OUTs + debug exit)", "count 1001,", "p99"} {
		if !strings.Contains(out, want) {
			t.Errorf("showcase lacks %q:\n%s", want, out)
		}
	}
}

// TestVMMBenchQuick: `deepsys vmm bench --quick` reports the four exit
// workloads against the C loop (no timing is asserted).
func TestVMMBenchQuick(t *testing.T) {
	testenv.RequireKVM(t)
	testenv.RequireTool(t, "gcc")
	code, out, errs := runCLI(t, "vmm", "bench", "--quick")
	if code != 0 {
		t.Fatalf("exit %d (%s):\n%s", code, errs, out)
	}
	for _, w := range []string{"ring-0 PIO exit", "ring-0 MMIO exit", "ring-0 ioeventfd-signalled OUT", "ring-3 PIO exit"} {
		found := false
		for _, line := range strings.Split(out, "\n") {
			if strings.HasPrefix(line, "| "+w) && strings.Contains(line, " | "+exitbench.PeerName+" | ") {
				found = true
			}
		}
		if !found {
			t.Errorf("no %q row against %s:\n%s", w, exitbench.PeerName, out)
		}
	}
}
