package notify

import (
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"

	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary a tiny test program instead of running
// tests: the command the supervisor supervises in tests that need one
// specific syscall pattern.
const helperEnv = "DEEPSYS_NOTIFY_TEST_HELPER"

func TestMain(m *testing.M) {
	if mode, ok := os.LookupEnv(helperEnv); ok {
		os.Exit(helperMain(mode, os.Args[1:]))
	}
	os.Exit(m.Run())
}

// openFDs lists this process's open fds and what they are: the supervisor
// must close every listener, pidfd and pipe it opened.
func openFDs() map[string]string {
	ents, _ := os.ReadDir("/proc/self/fd")
	out := map[string]string{}
	for _, e := range ents {
		link, _ := os.Readlink("/proc/self/fd/" + e.Name())
		out[e.Name()] = link
	}
	return out
}

// helperMain runs one helper program and prints what its syscalls returned.
func helperMain(mode string, args []string) int {
	switch mode {
	case "getppid":
		fmt.Println(rawGetppid())
	case "threads":
		n, _ := strconv.Atoi(args[0])
		helperThreads(n)
	case "badptr":
		for _, addr := range []uintptr{1, 0xffffffffff600000, 0xffff888000000000} {
			_, _, errno := unix.Syscall6(unix.SYS_OPENAT, uintptr(atFDCWD), addr, 0, 0, 0, 0)
			fmt.Println(errnoName(errno))
		}
	case "fd3":
		b := make([]byte, 64)
		n, err := os.NewFile(3, "fd3").Read(b)
		fmt.Printf("%q %v\n", b[:max(n, 0)], err)
	case "lseek":
		// lseek(fd, 0, SEEK_END) on an open file: the size, unless someone else answers.
		f, err := os.Open(args[0])
		if err != nil {
			fmt.Println(err)
			return 1
		}
		r, _, errno := unix.Syscall(unix.SYS_LSEEK, f.Fd(), 0, 2)
		fmt.Println(int(r), errnoName(errno))
	case "status":
		b, _ := os.ReadFile("/proc/self/status")
		for _, l := range strings.Split(string(b), "\n") {
			if strings.HasPrefix(l, "Seccomp:") || strings.HasPrefix(l, "NoNewPrivs:") {
				fmt.Println(strings.Join(strings.Fields(l), " "))
			}
		}
	default:
		fmt.Fprintf(os.Stderr, "unknown helper %q\n", mode)
		return 2
	}
	return 0
}

// rawGetppid prints the result the way the kernel returned it: a value or
// an errno name.
func rawGetppid() string {
	r, _, errno := unix.Syscall(unix.SYS_GETPPID, 0, 0, 0)
	if errno != 0 {
		return errnoName(errno)
	}
	return strconv.Itoa(int(r))
}

func errnoName(e unix.Errno) string {
	if e == 0 {
		return "ok"
	}
	return unix.ErrnoName(e)
}

// helperThreads calls getppid from n OS threads at once.
func helperThreads(n int) {
	var wg sync.WaitGroup
	out := make([]string, n)
	start := make(chan struct{})
	for i := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			<-start
			out[i] = fmt.Sprintf("%d:%s", unix.Gettid(), rawGetppid())
		}()
	}
	close(start)
	wg.Wait()
	for _, s := range out {
		fmt.Println(s)
	}
}

// atFDCWD is AT_FDCWD as the register holds it.
var atFDCWD = int64(unix.AT_FDCWD)
