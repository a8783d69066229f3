package trace

import (
	"fmt"
	"os"
	"runtime"
	"sync"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// helperEnv makes the test binary a traced program instead of the tests
// (the helper-process pattern): its value names the program.
const helperEnv = "DEEPSYS_TRACE_HELPER"

func TestMain(m *testing.M) {
	if h, ok := helpers[os.Getenv(helperEnv)]; ok {
		h()
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// helpers are the programs the tests trace.
var helpers = map[string]func(){
	"threads":  helperThreads,
	"spawn":    helperSpawn,
	"execself": helperExecFromThread,
	"selfkill": helperSelfKill,
	"segv":     helperSegv,
}

// helperSegv reads address 0x10: SIGSEGV (SEGV_MAPERR), which the Go
// runtime turns into a panic.
func helperSegv() {
	var p *[32]byte
	fmt.Println(p[16])
}

// helperThreads: four threads each make one sysinfo(2), then the main
// thread makes one uname(2).
func helperThreads() {
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			var si unix.Sysinfo_t
			unix.Sysinfo(&si)
		}() // exits locked: the thread ends with it
	}
	wg.Wait()
	var u unix.Utsname
	unix.Uname(&u)
}

// helperSpawn starts 2,000 OS threads (goroutines locked to threads that
// are alive at once) and lets them end.
func helperSpawn() {
	var ready, wg sync.WaitGroup
	release := make(chan struct{})
	for range 2000 {
		ready.Add(1)
		wg.Add(1)
		go func() {
			defer wg.Done()
			runtime.LockOSThread()
			ready.Done()
			<-release
		}()
	}
	ready.Wait()
	close(release)
	wg.Wait()
}

// helperExecFromThread execs /bin/true from a thread that is not the
// leader: the kernel gives it the leader's thread id.
func helperExecFromThread() {
	runtime.LockOSThread()
	if unix.Gettid() != unix.Getpid() {
		fmt.Fprintln(os.Stderr, unix.Exec("/bin/true", []string{"true"}, os.Environ()))
		os.Exit(1)
	}
	done := make(chan error)
	go func() {
		runtime.LockOSThread()
		if unix.Gettid() == unix.Getpid() {
			done <- fmt.Errorf("the goroutine runs on the main thread")
			return
		}
		done <- unix.Exec("/bin/true", []string{"true"}, os.Environ())
	}()
	fmt.Fprintln(os.Stderr, <-done)
	os.Exit(1)
}

// helperSelfKill has eight threads inside syscalls (four blocked in a
// read of a pipe, four sleeping in a loop) when the process sends itself
// SIGKILL.
func helperSelfKill() {
	var p [2]int
	if err := unix.Pipe(p[:]); err != nil {
		panic(err)
	}
	for i := range 8 {
		go func() {
			runtime.LockOSThread()
			for {
				if i < 4 {
					unix.Read(p[0], make([]byte, 1))
				} else {
					unix.Nanosleep(&unix.Timespec{Nsec: 100000}, nil)
				}
			}
		}()
	}
	time.Sleep(20 * time.Millisecond)
	unix.Kill(unix.Getpid(), unix.SIGKILL)
	select {}
}
