package cost

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"

	"github.com/deepsys/deepsys/syscalls/notify"
	"golang.org/x/sys/unix"
)

// job is one row's measurement: which loop the child runs, how often, and
// under what (nothing, a filter, a tracer, a supervisor).
type job struct {
	name    string
	loop    string
	iters   int
	filter  []unix.SockFilter
	under   under
	added   bool    // report the cost added to the raw getppid row
	goalNs  float64 // the goal for the added cost, 0 for none
	goalFor string
}

type under int

const (
	underNothing under = iota
	underPtraceSyscall
	underSeccompTrace
	underNotify
	underNotifySync
)

// measure runs the job's child once and returns its ns per iteration.
func (j job) measure() (float64, error) {
	env := append(os.Environ(), fmt.Sprintf("%s=%s:%d", envChild, j.loop, j.iters))
	if j.filter != nil {
		env = append(env, envFilter+"="+notify.EncodeFilter(j.filter))
	}
	var out string
	var err error
	switch j.under {
	case underNothing:
		out, err = plain(env)
	case underPtraceSyscall:
		out, err = traced(traceSyscall, env)
	case underSeccompTrace:
		out, err = traced(traceSeccomp, env)
	case underNotify, underNotifySync:
		out, err = supervised(env, j.under == underNotifySync)
	}
	if err != nil {
		return 0, fmt.Errorf("cost: %s: %w", j.name, err)
	}
	ns, err := strconv.ParseFloat(strings.TrimSpace(out), 64)
	if err != nil || ns <= 0 {
		return 0, fmt.Errorf("cost: %s: child printed %q, want ns per call", j.name, out)
	}
	return ns, nil
}

func childCmd(env []string) *exec.Cmd {
	cmd := exec.Command("/proc/self/exe")
	cmd.Args = []string{"deepsys-cost-child"}
	cmd.Env = env
	cmd.Stderr = os.Stderr
	return cmd
}

func plain(env []string) (string, error) {
	out, err := childCmd(env).Output()
	return string(out), err
}

// supervised runs the child under a notify supervisor that answers every
// getppid with CONTINUE: child syscall -> kernel queues the notification
// -> supervisor poll + RECV -> SEND CONTINUE -> the kernel runs getppid.
// sync sets SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP.
func supervised(env []string, sync bool) (string, error) {
	cmd := childCmd(env)
	var out bytes.Buffer
	cmd.Stdout = &out
	cont := func(*notify.Notification) notify.Response { return notify.Continue() }
	s, err := notify.Start(cmd, []string{"getppid"}, cont, &notify.Options{Workers: 1, SyncWakeUp: sync})
	if err != nil {
		return "", err
	}
	if err := s.Wait(); err != nil {
		return "", err
	}
	if st := s.Stats(); st.Failed > 0 {
		return "", fmt.Errorf("supervisor: %d failures, first %v", st.Failed, st.FirstErr)
	}
	return out.String(), nil
}
