package main

import (
	"fmt"
	"os"
	"os/exec"
	"path/filepath"

	"github.com/deepsys/deepsys/container/startbench"
	"github.com/deepsys/deepsys/internal/bench"
)

// envRuntime names the deepsys-runc binary the container bench measures.
const envRuntime = "DEEPSYS_RUNC"

// containerBench is `deepsys container bench`: our standalone runtime
// against runc and crun (container/startbench).
func containerBench(benchConfig) ([]bench.Workload, error) {
	ours, err := findRuntime()
	if err != nil {
		return nil, err
	}
	f, err := startbench.New(startbench.Config{Ours: ours})
	if err != nil {
		return nil, err
	}
	return f.Workloads(), nil
}

// findRuntime is $DEEPSYS_RUNC, else deepsys-runc beside this executable
// (make build puts both in bin/), else deepsys-runc on PATH.
func findRuntime() (string, error) {
	if p := os.Getenv(envRuntime); p != "" {
		return p, nil
	}
	if self, err := os.Executable(); err == nil {
		p := filepath.Join(filepath.Dir(self), "deepsys-runc")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	if p, err := exec.LookPath("deepsys-runc"); err == nil {
		return p, nil
	}
	return "", fmt.Errorf("deepsys-runc not found beside this binary or on PATH: run make build (bin/deepsys-runc) or set %s", envRuntime)
}
