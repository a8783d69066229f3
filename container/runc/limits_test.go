package runc

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// Integration tests of linux.resources on a real container (issue 06):
// each limit observed from inside the container or through the verbs.

// TestMemoryLimitOOMKills: a container limited to 16 MiB (memory and
// memory+swap) whose shell reads 100 MB into a variable is OOM-killed:
// run exits with 128+SIGKILL, and events reports the OOM.
func TestMemoryLimitOOMKills(t *testing.T) {
	limit := int64(16 << 20)
	c := newLive(t, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit, Swap: &limit}}
	}, "sh", "-c", "touch /shared/ready; while [ ! -e /shared/go ]; do sleep 0.05; done; "+
		"a=$(busybox yes | busybox head -c 100000000); echo survived")
	run := background(t, c.root, "run", "-b", c.bundle, c.id)
	c.waitFile(t, "ready")
	events := background(t, c.root, "events", "--interval", "50ms", c.id)
	events.waitLines(t, 1) // the OOM watch is registered before the first stats
	touch(t, c, "go")
	if code := run.wait(t); code != 128+9 {
		t.Fatalf("run: exit %d, output %q; want 137 (SIGKILL)", code, run.lines())
	}
	events.wait(t)
	var oom bool
	for _, l := range events.lines() {
		var e struct{ Type, ID string }
		if json.Unmarshal([]byte(l), &e) == nil && e.Type == "oom" && e.ID == c.id {
			oom = true
		}
	}
	if !oom {
		t.Errorf("no oom event in %q", events.lines())
	}
}

// TestCPUQuotaThrottles: under a quota of 1 ms per 10 ms period a busy
// loop is throttled: cpu.stat's nr_throttled, as events --stats reports
// it, becomes positive (no timing is asserted).
func TestCPUQuotaThrottles(t *testing.T) {
	quota, period := int64(1000), uint64(10000)
	c := startLive(t, func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{CPU: &specs.LinuxCPU{Quota: &quota, Period: &period}}
	}, "sh", "-c", "while [ ! -e /shared/stop ]; do :; done")
	defer touch(t, c, "stop")
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		th := c.stats(t).Data.CPU.Throttling
		if th.ThrottledPeriods > 0 && th.Periods >= th.ThrottledPeriods {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("busy loop under a 10%% quota not throttled after 20 s: %+v", th)
		}
	}
}

// TestUpdatePidsLimitOfARunningContainer: a container started without a
// pids limit gets one from update (events --stats shows it); its shell
// then fails to fork past it.
func TestUpdatePidsLimitOfARunningContainer(t *testing.T) {
	c := startLive(t, nil, "sh", "-c", "touch /shared/ready; while [ ! -e /shared/go ]; do sleep 0.05; done; "+
		"for i in 1 2 3 4 5 6 7 8; do sleep 100 & done 2>/shared/err")
	c.waitFile(t, "ready")
	if code, _, errs := c.run("update", "--pids-limit", "4", c.id); code != 0 {
		t.Fatalf("update: exit %d: %s", code, errs)
	}
	if l := c.stats(t).Data.Pids.Limit; l != 4 {
		t.Errorf("events --stats pids.limit %d after update, want 4", l)
	}
	touch(t, c, "go")
	// busybox sh gives up at the first failed fork, with "can't fork".
	for deadline := time.Now().Add(20 * time.Second); !strings.Contains(c.waitFile(t, "err"), "can't fork"); {
		if time.Now().After(deadline) {
			t.Fatalf("shell stderr %q after 20 s; want a fork failure under pids.max 4", c.waitFile(t, "err"))
		}
		time.Sleep(10 * time.Millisecond)
	}
}
