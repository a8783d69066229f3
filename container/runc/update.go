package runc

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
	"golang.org/x/sys/unix"
)

func init() { verbs = append(verbs, newUpdateCmd) }

// newUpdateCmd is runc update: new limits for a live container's cgroup,
// from flags or from a linux.resources JSON (-r FILE, "-" for stdin; then
// the other flags are ignored, as runc ignores them).
func newUpdateCmd(g *Globals) *cobra.Command {
	cmd := &cobra.Command{
		Use:   "update [flags] <container-id>",
		Short: "Change a container's resource limits",
		Args:  cobra.ExactArgs(1),
	}
	f := cmd.Flags()
	file := f.StringP("resources", "r", "", `a linux.resources JSON file, or "-" for stdin`)
	for _, fl := range updateFlags {
		f.String(fl.name, "", fl.usage)
	}
	f.String("cpu-shares", "", "same as --cpu-share")
	f.String("kernel-memory", "", "kernel memory limit (refused: Linux 6.x does not enforce it)")
	f.String("kernel-memory-tcp", "", "kernel TCP buffer limit (refused: Linux 6.x does not enforce it)")
	cmd.RunE = func(cmd *cobra.Command, args []string) error {
		var res *specs.LinuxResources
		var err error
		if *file != "" {
			res, err = readResources(*file, cmd.InOrStdin())
		} else {
			res, err = resourcesFromFlags(cmd.Flags())
		}
		if err != nil {
			return err
		}
		err = runtime.Update(g.Root, args[0], res)
		if errors.Is(err, unix.EINVAL) && res.Memory != nil && res.Memory.Limit != nil && res.Memory.Swap == nil {
			// v1 keeps memory <= memory+swap (runc fails the same way)
			err = fmt.Errorf("%w (a memory limit above the container's memory+swap limit needs --memory-swap too)", err)
		}
		return err
	}
	return cmd
}

// updateFlag is one of runc update's value flags and where it goes in
// linux.resources.
type updateFlag struct {
	name, usage string
	set         func(r *specs.LinuxResources, v string) error
}

var updateFlags = []updateFlag{
	{"memory", "memory limit in bytes (suffixes k, m, g, t; -1 unlimited)", func(r *specs.LinuxResources, v string) error {
		return setBytes(&mem(r).Limit, v)
	}},
	{"memory-reservation", "memory soft limit in bytes", func(r *specs.LinuxResources, v string) error {
		return setBytes(&mem(r).Reservation, v)
	}},
	{"memory-swap", "memory+swap limit in bytes; -1 unlimited", func(r *specs.LinuxResources, v string) error {
		return setBytes(&mem(r).Swap, v)
	}},
	{"cpu-share", "CPU shares (relative weight)", func(r *specs.LinuxResources, v string) error {
		return setUint(&cpu(r).Shares, v)
	}},
	{"cpu-period", "CFS period in microseconds", func(r *specs.LinuxResources, v string) error {
		return setUint(&cpu(r).Period, v)
	}},
	{"cpu-quota", "CFS quota in microseconds per period; -1 unlimited", func(r *specs.LinuxResources, v string) error {
		return setInt(&cpu(r).Quota, v)
	}},
	{"cpu-rt-period", "realtime period in microseconds", func(r *specs.LinuxResources, v string) error {
		return setUint(&cpu(r).RealtimePeriod, v)
	}},
	{"cpu-rt-runtime", "realtime runtime in microseconds per period", func(r *specs.LinuxResources, v string) error {
		return setInt(&cpu(r).RealtimeRuntime, v)
	}},
	{"cpuset-cpus", "CPUs to use (e.g. 0-1)", func(r *specs.LinuxResources, v string) error {
		cpu(r).Cpus = v
		return nil
	}},
	{"cpuset-mems", "memory nodes to use", func(r *specs.LinuxResources, v string) error {
		cpu(r).Mems = v
		return nil
	}},
	{"pids-limit", "maximum number of pids; -1 unlimited", func(r *specs.LinuxResources, v string) error {
		n, err := strconv.ParseInt(v, 10, 64)
		r.Pids = &specs.LinuxPids{Limit: &n}
		return err
	}},
	{"blkio-weight", "block IO weight, 10 to 1000", func(r *specs.LinuxResources, v string) error {
		n, err := strconv.ParseUint(v, 10, 16)
		if err == nil && (n < 10 || n > 1000) {
			err = errors.New("out of range 10-1000")
		}
		w := uint16(n)
		r.BlockIO = &specs.LinuxBlockIO{Weight: &w}
		return err
	}},
}

// resourcesFromFlags builds linux.resources from the flags given.
func resourcesFromFlags(f *pflag.FlagSet) (*specs.LinuxResources, error) {
	for _, name := range []string{"kernel-memory", "kernel-memory-tcp"} {
		if f.Changed(name) {
			return nil, fmt.Errorf("--%s: kernel memory limits are not supported (deprecated by the runtime-spec, not enforced by Linux 6.x)", name)
		}
	}
	r := &specs.LinuxResources{}
	if f.Changed("cpu-shares") {
		v, _ := f.GetString("cpu-shares")
		if err := setUint(&cpu(r).Shares, v); err != nil {
			return nil, usagef("--cpu-shares %q: %v", v, err)
		}
	}
	for _, fl := range updateFlags {
		if !f.Changed(fl.name) {
			continue
		}
		v, _ := f.GetString(fl.name)
		if err := fl.set(r, v); err != nil {
			return nil, usagef("--%s %q: %v", fl.name, v, err)
		}
	}
	return r, nil
}

func mem(r *specs.LinuxResources) *specs.LinuxMemory {
	if r.Memory == nil {
		r.Memory = &specs.LinuxMemory{}
	}
	return r.Memory
}

func cpu(r *specs.LinuxResources) *specs.LinuxCPU {
	if r.CPU == nil {
		r.CPU = &specs.LinuxCPU{}
	}
	return r.CPU
}

func setUint(dst **uint64, v string) error {
	n, err := strconv.ParseUint(v, 10, 64)
	*dst = &n
	return err
}

func setInt(dst **int64, v string) error {
	n, err := strconv.ParseInt(v, 10, 64)
	*dst = &n
	return err
}

func setBytes(dst **int64, v string) error {
	n, err := parseBytes(v)
	*dst = &n
	return err
}

// parseBytes reads a size as runc's flags take it (docker/go-units
// RAMInBytes): a number with an optional binary suffix k, m, g, t or p
// (also kb, kib, ...; a trailing b alone means bytes), or -1 for unlimited.
func parseBytes(s string) (int64, error) {
	if s == "-1" {
		return -1, nil
	}
	t := strings.ToLower(strings.TrimSpace(s))
	t = strings.TrimSuffix(strings.TrimSuffix(t, "ib"), "b") // 512kib, 512kb, 512b
	mult := int64(1)
	if n := len(t); n > 0 {
		if i := strings.IndexByte("kmgtp", t[n-1]); i >= 0 {
			mult = 1 << (10 * (i + 1))
			t = t[:n-1]
		}
	}
	n, err := strconv.ParseInt(t, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("not a size in bytes (e.g. 4096, 512k, 64m, 1g, or -1)")
	}
	if n > (1<<63-1)/mult {
		return 0, fmt.Errorf("too large")
	}
	return n * mult, nil
}

// maxResources caps a resources file: linux.resources is small.
const maxResources = 1 << 20

// readResources reads a linux.resources JSON from path, or stdin for "-".
func readResources(path string, stdin io.Reader) (*specs.LinuxResources, error) {
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(stdin, maxResources+1))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return nil, fmt.Errorf("--resources: %w", err)
	}
	res, err := ParseResources(b)
	if err != nil {
		return nil, fmt.Errorf("--resources %s: %w", path, err)
	}
	return res, nil
}

// ParseResources decodes a linux.resources JSON object strictly: an
// unknown field or a wrong type is an error naming it.
func ParseResources(b []byte) (*specs.LinuxResources, error) {
	if len(b) > maxResources {
		return nil, fmt.Errorf("more than %d bytes", maxResources)
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	var r specs.LinuxResources
	if err := dec.Decode(&r); err != nil {
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) {
			return nil, fmt.Errorf("field %s: %w", te.Field, err)
		}
		return nil, fmt.Errorf("malformed JSON: %w", err)
	}
	if dec.More() {
		return nil, errors.New("malformed JSON: more than one value")
	}
	return &r, nil
}
