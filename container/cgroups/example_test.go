package cgroups_test

import (
	"fmt"
	"log"

	specs "github.com/opencontainers/runtime-spec/specs-go"

	"github.com/deepsys/deepsys/container/cgroups"
)

// The runtime's sequence for one container: create the group, limit it,
// move the container's init in, read usage, pause, resume, remove.
func Example() {
	m, err := cgroups.New("/deepsys/ctr1")
	if err != nil {
		log.Fatal(err)
	}
	limit, pids := int64(64<<20), int64(100)
	if err := m.Set(&specs.LinuxResources{
		Memory: &specs.LinuxMemory{Limit: &limit},
		Pids:   &specs.LinuxPids{Limit: &pids},
	}); err != nil {
		log.Fatal(err)
	}
	initPid := 12345 // the container's init, still waiting on its start fifo
	if err := m.Apply(initPid); err != nil {
		log.Fatal(err)
	}
	s, err := m.Stats()
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(s.Memory.Usage, s.Pids.Current)
	m.Freeze() // pause
	m.Thaw()   // resume
	m.Destroy()
}
