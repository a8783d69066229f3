package seccomp

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// Running a command under a filter. A Go program cannot run code between
// fork and exec, and a filter installed in the tool itself would govern the
// tool. So Command re-executes the current binary (/proc/self/exe) with
// the marker envHelper in its environment, holding the filter's flags and
// its struct sock_filter bytes (base64; at most 4096*8 bytes, well under
// the kernel's 128 KiB limit on one environment string). This package's
// init function sees the marker before main runs and, in the child:
//  1. locks the main goroutine to its thread;
//  2. decodes and validates the filter;
//  3. installs it with TSYNC (every runtime thread is filtered);
//  4. execve(2)s the target with the marker removed from the environment.
//
// Between 3 and 4 the Go runtime itself runs under the filter, so a policy
// must allow what it needs for those microseconds (futex, execve, the
// signal calls) or kill/deny them harmlessly.
const envHelper = "DEEPSYS_SECCOMP_HELPER"

// Exit statuses of the helper when it cannot run the target, as a shell's:
// 126 the filter could not be set up, 127 the target could not be executed.
const (
	ExitSetupFailed = 126
	ExitExecFailed  = 127
)

func init() {
	if v, ok := os.LookupEnv(envHelper); ok {
		runtime.LockOSThread()
		code, err := helperExec(v)
		fmt.Fprintf(os.Stderr, "deepsys seccomp helper: %v\n", err)
		os.Exit(code)
	}
}

// Command returns an exec.Cmd that runs name with args under the filter
// (with f.Flags and TSYNC). name is looked up in PATH now. Set the
// command's Stdin, Stdout, Stderr, Dir as usual; to change the
// environment, edit cmd.Env, which already holds the marker.
func Command(f *Filter, name string, args ...string) (*exec.Cmd, error) {
	if err := f.Validate(); err != nil {
		return nil, err
	}
	path, err := exec.LookPath(name)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command("/proc/self/exe", append([]string{path}, args...)...)
	cmd.Args[0] = name
	marker := strconv.Itoa(f.Flags) + ":" + base64.StdEncoding.EncodeToString(f.Marshal())
	cmd.Env = append(os.Environ(), envHelper+"="+marker)
	return cmd, nil
}

// helperExec is the child's side of Command; it returns only on failure.
func helperExec(v string) (int, error) {
	flagText, b64, _ := strings.Cut(v, ":")
	flags, err := strconv.Atoi(flagText)
	if err != nil {
		return ExitSetupFailed, fmt.Errorf("%s: bad flags %q", envHelper, flagText)
	}
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return ExitSetupFailed, fmt.Errorf("%s: %w", envHelper, err)
	}
	f, err := Unmarshal(data)
	if err != nil {
		return ExitSetupFailed, err
	}
	if len(os.Args) < 2 {
		return ExitSetupFailed, fmt.Errorf("no command to run")
	}
	argv := append([]string{os.Args[0]}, os.Args[2:]...)
	env := withoutHelperMarker(os.Environ())
	if _, err := f.Install(flags &^ FlagNewListener); err != nil {
		return ExitSetupFailed, err
	}
	err = unix.Exec(os.Args[1], argv, env)
	return ExitExecFailed, fmt.Errorf("execve %s: %w", os.Args[1], err)
}

func withoutHelperMarker(env []string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, envHelper+"=") {
			out = append(out, kv)
		}
	}
	return out
}
