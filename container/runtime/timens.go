package runtime

import (
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// The time namespace (time_namespaces(7); runtime-spec config-linux.md
// "Namespaces" type "time" and "timeOffsets"). It offsets
// CLOCK_MONOTONIC and CLOCK_BOOTTIME (and so /proc/uptime) for the
// processes in it.
//
//  1. unshare(CLONE_NEWTIME) does not move the caller: it makes a
//     namespace for the caller's future children and for the caller's next
//     execve (/proc/<pid>/ns/time_for_children; fs/exec.c calls
//     exec_task_namespaces). clone(2) has no room for CLONE_NEWTIME (its
//     bit is in CSIGNAL), so the init unshares it itself, first thing in
//     its Go init function, on its main thread (locked there).
//  2. The offsets go to /proc/<pid>/timens_offsets, which exists per
//     process, not per thread, and acts on the main thread's
//     time_for_children; they can be written until a process enters the
//     namespace. The init writes them through self/timens_offsets relative
//     to its starting cwd, the runtime's /proc (launch.go), before it
//     forks any hook.
//  3. The container's process enters the namespace when the init execs it.
//
// The init learns the offsets from envTimeNS (the bootstrap is read later).
// Joining a time namespace by path is not possible (setns.go); exec into a
// container with one makes a new time namespace with the same offsets
// (exec.go), so its clocks agree though /proc/self/ns/time differs.
const envTimeNS = "_DEEPSYS_CONTAINER_TIMENS"

// timeClocks are the clocks timeOffsets may name, as timens_offsets spells
// them.
var timeClocks = map[string]bool{"monotonic": true, "boottime": true}

// validateTimeOffsets checks linux.timeOffsets against the namespaces.
func validateTimeOffsets(l *specs.Linux) error {
	if len(l.TimeOffsets) == 0 {
		return nil
	}
	if !hasNSType(l.Namespaces, specs.TimeNamespace) || nsPath(l.Namespaces, specs.TimeNamespace) != "" {
		return fmt.Errorf("linux.timeOffsets: needs a new time namespace (type \"time\" without a path)")
	}
	for clock, off := range l.TimeOffsets {
		if !timeClocks[clock] {
			return fmt.Errorf("linux.timeOffsets: unknown clock %q (monotonic or boottime)", clock)
		}
		if off.Nanosecs >= 1e9 {
			return fmt.Errorf("linux.timeOffsets.%s.nanosecs: %d is not below 1e9", clock, off.Nanosecs)
		}
	}
	return nil
}

func hasNSType(nss []specs.LinuxNamespace, t specs.LinuxNamespaceType) bool {
	for _, ns := range nss {
		if ns.Type == t {
			return true
		}
	}
	return false
}

// timeNSEnv is the envTimeNS entry for offsets: timensOffsets with ';'
// for newlines.
func timeNSEnv(offsets string) string {
	return envTimeNS + "=" + strings.ReplaceAll(strings.TrimSpace(offsets), "\n", ";")
}

// enterTimeNS is steps 1 and 2 in the init, when envTimeNS is set.
func enterTimeNS() error {
	v, ok := os.LookupEnv(envTimeNS)
	if !ok {
		return nil
	}
	if err := unix.Unshare(unix.CLONE_NEWTIME); err != nil {
		return fmt.Errorf("time namespace: unshare(CLONE_NEWTIME): %w", err)
	}
	if v == "" {
		return nil
	}
	fd, err := unix.Open("self/timens_offsets", unix.O_WRONLY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("linux.timeOffsets: %w", err)
	}
	defer unix.Close(fd)
	if _, err := unix.Write(fd, []byte(strings.ReplaceAll(v, ";", "\n")+"\n")); err != nil {
		return fmt.Errorf("linux.timeOffsets: writing timens_offsets: %w", err)
	}
	return nil
}

// timensOffsets formats offsets as timens_offsets wants them: one
// "<clock> <secs> <nanosecs>" line each.
func timensOffsets(offsets map[string]specs.LinuxTimeOffset) string {
	var b strings.Builder
	clocks := make([]string, 0, len(offsets))
	for c := range offsets {
		clocks = append(clocks, c)
	}
	sort.Strings(clocks)
	for _, c := range clocks {
		fmt.Fprintf(&b, "%s %d %d\n", c, offsets[c].Secs, offsets[c].Nanosecs)
	}
	return b.String()
}
