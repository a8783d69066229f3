package seccomp

import (
	"encoding/base64"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"unsafe"

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
//  2. decodes and validates the filter, and builds execve's argv and envp;
//  3. installs the filter on this thread only (no TSYNC);
//  4. calls execve(2) directly, with the marker removed from the
//     environment (steps 1-4 are Filter.Exec).
//
// execve from a thread makes it the only thread of the new program, with
// that thread's filter (seccomp(2): filters are kept across execve). So
// the Go runtime's other threads never run under the filter, and the
// locked thread makes no system call between 3 and 4 (nothing allocates
// there): a minimal allow list of the target (execve, what its loader and
// code call) is enough, without the futex or nanosleep calls of the
// runtime, which TSYNC would expose to the filter for those microseconds.
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
// (with f.Flags). name is looked up in PATH now. Set the
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
	f.Flags = flags
	argv := append([]string{os.Args[0]}, os.Args[2:]...)
	return f.exec(os.Args[1], argv, withoutHelperMarker(os.Environ()), true)
}

// Exec replaces the calling process with the program at path (argv, env)
// under the filter, the way Command's helper does: it locks the calling
// goroutine to its thread, builds execve's arrays, installs the filter on
// this thread only (with f.Flags, without TSYNC) and calls execve(2) at
// once, so no other system call runs under the filter first and the Go
// runtime's other threads never do. A container runtime's init calls it
// last. It returns only on failure; if the filter was installed by then,
// the calling thread stays filtered and locked, and the caller should exit.
func (f *Filter) Exec(path string, argv, env []string) error {
	_, err := f.exec(path, argv, env, true)
	return err
}

// ExecPrivileged is Exec without prctl(PR_SET_NO_NEW_PRIVS): the program
// keeps what execve may grant (set-user-ID bits, file capabilities), as an
// OCI config with noNewPrivileges false asks. seccomp(2) then requires
// CAP_SYS_ADMIN in the calling thread's effective set.
func (f *Filter) ExecPrivileged(path string, argv, env []string) error {
	_, err := f.exec(path, argv, env, false)
	return err
}

// exec is Exec that also says which step failed: ExitSetupFailed before
// the filter was installed, ExitExecFailed at execve.
func (f *Filter) exec(path string, argv, env []string, noNewPrivs bool) (int, error) {
	runtime.LockOSThread()
	pathp, err := unix.BytePtrFromString(path)
	if err != nil {
		return ExitSetupFailed, err
	}
	argvp, err := cStrings(argv)
	if err != nil {
		return ExitSetupFailed, err
	}
	envp, err := cStrings(env)
	if err != nil {
		return ExitSetupFailed, err
	}
	if _, err := f.load(f.Flags&^(FlagTSYNC|FlagNewListener|FlagTSYNCESRCH), noNewPrivs); err != nil {
		return ExitSetupFailed, err
	}
	_, _, errno := unix.RawSyscall(unix.SYS_EXECVE, uintptr(unsafe.Pointer(pathp)),
		uintptr(unsafe.Pointer(&argvp[0])), uintptr(unsafe.Pointer(&envp[0])))
	return ExitExecFailed, fmt.Errorf("execve %s: %w", path, errno)
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

// cStrings is a NULL-terminated array of C strings, as execve(2) takes.
func cStrings(ss []string) ([]*byte, error) {
	out := make([]*byte, len(ss)+1)
	for i, s := range ss {
		p, err := unix.BytePtrFromString(s)
		if err != nil {
			return nil, err
		}
		out[i] = p
	}
	return out, nil
}
