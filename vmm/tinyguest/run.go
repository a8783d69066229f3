package tinyguest

import (
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/deepsys/deepsys/vmm"
	"github.com/deepsys/deepsys/vmm/devices/serial"
)

// Result is what a guest run by Run did.
type Result struct {
	Stop  vmm.Stop
	Exits []vmm.ExitStat
}

// lockedWriter serialises the UART's writes from the vCPU thread with
// readers of the same writer.
type lockedWriter struct {
	mu sync.Mutex
	w  io.Writer
}

func (l *lockedWriter) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.w.Write(p)
}

// Run runs code in a fresh 2 MiB one-vCPU VM with a UART at vmm.COM1
// writing to console, and stops it if it has not finished within limit.
func Run(code []byte, console io.Writer, limit time.Duration) (Result, error) {
	vm, err := vmm.New(vmm.Config{MemSize: 2 << 20})
	if err != nil {
		return Result{}, err
	}
	defer vm.Close()
	uart := serial.New(&lockedWriter{w: console}, nil)
	if err := vm.PIO.Insert(vmm.COM1, serial.NumRegs, "com1", uart); err != nil {
		return Result{}, err
	}
	if err := Load(vm, code); err != nil {
		return Result{}, err
	}
	timer := time.AfterFunc(limit, vm.Stop)
	stops, err := vm.Run()
	timer.Stop()
	if err != nil {
		return Result{}, err
	}
	if len(stops) == 0 || stops[0].Kicked {
		return Result{}, fmt.Errorf("tinyguest: the guest did not finish within %v", limit)
	}
	return Result{Stop: stops[0], Exits: vm.ExitStats()}, nil
}
