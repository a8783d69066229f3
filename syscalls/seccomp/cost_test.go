package seccomp

import (
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/syscalls/systab"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// What a filter adds to a system call, measured in the kernel. The timed
// call is membarrier(MEMBARRIER_CMD_QUERY), cheap and harmless. Since
// Linux 5.11 the kernel caches, per syscall number, a filter verdict that
// is ALLOW whatever the arguments (kernel/seccomp.c seccomp_cache_check_allow)
// and then skips the filter; so the policies below give membarrier a rule
// on its argument, which makes the kernel run the filter on every call.

// costNr is the syscall the benchmark times.
const costNr = unix.SYS_MEMBARRIER

// costPolicy is default ALLOW, a rule making membarrier's verdict depend
// on its argument, and rules ERRNO on n other syscalls that the Go runtime
// does not use, all numbered below membarrier so that a linear chain tests
// every one of them before reaching it.
func costPolicy(n int) *Policy {
	p := &Policy{DefaultAction: specs.ActAllow, Syscalls: []Rule{{Names: []string{"membarrier"},
		Action: specs.ActErrno, Args: []Arg{{Index: 0, Value: 0xdead, Op: specs.OpEqualTo}}}}}
	for _, nr := range costFillers()[:n] {
		p.Syscalls = append(p.Syscalls, Rule{Names: []string{systab.Name(nr)}, Action: specs.ActErrno})
	}
	return p
}

// costFillers are 100 syscall numbers below membarrier's the Go runtime
// never calls (personality, ustat, ... xattr calls, pkey_*).
func costFillers() []int {
	var out []int
	for _, r := range [][2]int{{135, 157}, {159, 185}, {187, 195}, {236, 256}, {303, 317}, {319, 323}} {
		for nr := r[0]; nr <= r[1]; nr++ {
			out = append(out, nr)
		}
	}
	return out
}

// helperLoop installs $SECCOMP_TEST_FILTER (if set) and times
// $SECCOMP_TEST_N membarrier calls on a locked thread by its CPU time;
// prints ns a call.
func helperLoop() {
	runtime.LockOSThread()
	if os.Getenv("SECCOMP_TEST_FILTER") != "" {
		flags, _ := strconv.Atoi(os.Getenv("SECCOMP_TEST_FLAGS"))
		if _, err := filterFromEnv().Install(flags); err != nil {
			fmt.Println("install:", err)
			return
		}
	}
	n, _ := strconv.Atoi(os.Getenv("SECCOMP_TEST_N"))
	start := threadCPU()
	for i := 0; i < n; i++ {
		unix.RawSyscall(costNr, 0, 0, 0)
	}
	fmt.Println(float64(threadCPU()-start) / float64(n))
}

func init() { helperModes["loop"] = helperLoop }

// threadCPU is the calling thread's CPU time (user and system) in ns: on
// a shared machine, other tenants' time slices do not count.
func threadCPU() int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		panic(err)
	}
	return ts.Nano()
}

// BenchmarkKernelFilter reports ns a membarrier call under no filter, a
// 1-rule filter and a 100-rule filter with each dispatch, and Docker's
// profile (where membarrier is a plain ALLOW, so the kernel's cache skips
// the filter). Run it with -count 5 or more: the figures are medians'
// material on a shared machine.
func BenchmarkKernelFilter(b *testing.B) {
	docker, err := ParsePolicy(dockerProfile(b))
	if err != nil {
		b.Fatal(err)
	}
	// All but "1-rule-ssbd" install with SECCOMP_FILTER_FLAG_SPEC_ALLOW:
	// without it the kernel turns on the Speculative Store Bypass
	// mitigation for the filtered task, which costs more than the filter.
	spec := FlagSpecAllow
	cases := []struct {
		name   string
		p      *Policy
		linear bool
		flags  int
	}{
		{"none", nil, false, 0}, {"1-rule-ssbd", costPolicy(0), false, 0}, {"1-rule", costPolicy(0), false, spec},
		{"100-rule-binary", costPolicy(100), false, spec}, {"100-rule-linear", costPolicy(100), true, spec},
		{"docker-binary", docker, false, spec}, {"docker-linear", docker, true, spec},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			env := []string{envTestHelper + "=loop", "SECCOMP_TEST_N=" + strconv.Itoa(max(b.N, 100000))}
			if c.p != nil {
				f, err := CompileWith(c.p, Options{Linear: c.linear})
				if err != nil {
					b.Fatal(err)
				}
				env = append(env, "SECCOMP_TEST_FILTER="+encodeFilter(f), "SECCOMP_TEST_FLAGS="+strconv.Itoa(c.flags))
			}
			cmd := exec.Command(os.Args[0], "-test.run=^TestHelperProcess$")
			cmd.Env = append(os.Environ(), env...)
			out, err := cmd.CombinedOutput()
			ns, perr := strconv.ParseFloat(strings.TrimSpace(string(out)), 64)
			if err != nil || perr != nil {
				b.Fatalf("child: %v %s", err, out)
			}
			b.ReportMetric(ns, "ns/syscall")
		})
	}
}
