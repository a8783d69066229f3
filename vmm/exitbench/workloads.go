package exitbench

import (
	"fmt"
	"os"

	"github.com/deepsys/deepsys/internal/bench"
)

// PeerName is the C contestant's name in the report.
const PeerName = "C KVM loop (gcc -O2)"

// Accesses are the guest's accesses a round: Default for the bench, Quick
// for a smoke test.
const (
	Default = 20000
	Quick   = 300
)

// Workloads compiles the C peer and returns one workload per Kind, each
// guest making n accesses a round. The last workload's Cleanup removes the
// peer's directory.
func Workloads(n int) ([]bench.Workload, error) {
	p, err := buildPeer()
	if err != nil {
		return nil, err
	}
	var ws []bench.Workload
	for _, k := range Kinds {
		state, err := p.writeState(k, n)
		if err != nil {
			os.RemoveAll(p.dir)
			return nil, err
		}
		ws = append(ws, bench.Workload{
			Name:   fmt.Sprintf("%s round trip (%d accesses a round)", describe[k], n),
			Metric: "time per access", Unit: "ns", Better: bench.LowerIsBetter,
			Contestants: []bench.Contestant{
				{Name: bench.DeepsysName, Run: func() (float64, error) { return runOurs(k, n) }},
				{Name: PeerName, Run: func() (float64, error) { return p.run(state, k, n) }},
			},
		})
	}
	ws[len(ws)-1].Cleanup = func() error { return os.RemoveAll(p.dir) }
	return ws, nil
}

var describe = map[Kind]string{
	PIO:       "ring-0 PIO exit (OUT to a port)",
	MMIO:      "ring-0 MMIO exit (store to a window)",
	IOEventFD: "ring-0 ioeventfd-signalled OUT (no exit to user space)",
	PIORing3:  "ring-3 PIO exit (OUT to a port)",
}
