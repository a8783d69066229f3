package exitbench

import (
	_ "embed"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
)

//go:embed testdata/exitloop.c
var peerSource []byte

// peer is the compiled C exit loop and the directory it lives in.
type peer struct {
	dir, bin string
}

// buildPeer compiles exitloop.c with gcc into a new temporary directory.
func buildPeer() (*peer, error) {
	gcc, err := exec.LookPath("gcc")
	if err != nil {
		return nil, fmt.Errorf("exitbench: the C peer needs gcc (scripts/setup-deps installs it): %w", err)
	}
	dir, err := os.MkdirTemp("", "deepsys-exitbench-")
	if err != nil {
		return nil, err
	}
	src, bin := filepath.Join(dir, "exitloop.c"), filepath.Join(dir, "exitloop")
	if err := os.WriteFile(src, peerSource, 0o644); err != nil {
		os.RemoveAll(dir)
		return nil, err
	}
	if out, err := exec.Command(gcc, "-O2", "-Wall", "-o", bin, src).CombinedOutput(); err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("exitbench: gcc exitloop.c: %v: %s", err, out)
	}
	return &peer{dir: dir, bin: bin}, nil
}

// writeState writes the state file of the guest of n accesses of kind k.
func (p *peer) writeState(k Kind, n int) (string, error) {
	vm, closeVM, err := guestVM(k, n)
	if err != nil {
		return "", err
	}
	defer closeVM()
	state, err := stateFile(vm)
	if err != nil {
		return "", err
	}
	path := filepath.Join(p.dir, string(k)+".state")
	return path, os.WriteFile(path, state, 0o600)
}

// run runs the C loop on a state file and returns its nanoseconds per
// access, checking it saw the exits the kind makes.
func (p *peer) run(state string, k Kind, n int) (float64, error) {
	out, err := exec.Command(p.bin, state, strconv.Itoa(n), string(k), strconv.Itoa(Port)).Output()
	if err != nil {
		if ee, ok := err.(*exec.ExitError); ok {
			return 0, fmt.Errorf("exitbench: C loop (%s): %v: %s", k, err, ee.Stderr)
		}
		return 0, fmt.Errorf("exitbench: C loop (%s): %w", k, err)
	}
	return parsePeer(string(out), k, n)
}

// parsePeer reads exitloop's "NS_PER_ACCESS EXITS" line.
func parsePeer(out string, k Kind, n int) (float64, error) {
	f := strings.Fields(out)
	if len(f) != 2 {
		return 0, fmt.Errorf("exitbench: C loop printed %q, want \"ns exits\"", out)
	}
	ns, err1 := strconv.ParseFloat(f[0], 64)
	exits, err2 := strconv.Atoi(f[1])
	if err1 != nil || err2 != nil || !(ns > 0) || math.IsInf(ns, 0) {
		return 0, fmt.Errorf("exitbench: C loop printed %q, want a positive finite time and an exit count", out)
	}
	want := n + 1 // each access and the debug exit
	if k == IOEventFD {
		want = 1
	}
	if exits != want {
		return 0, fmt.Errorf("exitbench: C loop saw %d exits for %d %s accesses, want %d", exits, n, k, want)
	}
	return ns, nil
}
