package main

import (
	"context"
	"fmt"
	"os"
	"time"

	"github.com/deepsys/deepsys/container/conformance"
)

func main() {
	ctx := context.Background()
	cache, _ := conformance.CacheDir()
	s, err := conformance.Build(ctx, cache, func(f string, a ...any) { fmt.Fprintf(os.Stderr, f+"\n", a...) })
	if err != nil {
		panic(err)
	}
	dir, _ := os.MkdirTemp("", "nsconf")
	ours, _ := conformance.NewRuntime(dir, "deepsys", "/tmp/nsdbg/deepsys-runc")
	ref, _ := conformance.NewRuntime(dir, "runc", "/usr/sbin/runc")
	for _, name := range os.Args[1:] {
		for _, rt := range []conformance.Runtime{ref, ours} {
			r := s.RunFile(ctx, name, rt.Command, 60*time.Second)
			fmt.Printf("%-28s %-8s passed=%v %s\n", name, rt.Name, r.Passed(), r.Why())
			rt.Sweep(ctx)
		}
	}
}
