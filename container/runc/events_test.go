package runc

import (
	"bufio"
	"bytes"
	"encoding/json"
	"strings"
	"sync"
	"testing"
	"time"
)

// statsEvent is what the tests read of a stats event.
type statsEvent struct {
	Type string `json:"type"`
	ID   string `json:"id"`
	Data struct {
		CPU struct {
			Usage struct {
				Total uint64 `json:"total"`
			} `json:"usage"`
			Throttling struct {
				Periods          uint64 `json:"periods"`
				ThrottledPeriods uint64 `json:"throttledPeriods"`
			} `json:"throttling"`
		} `json:"cpu"`
		Memory struct {
			Usage struct {
				Limit uint64 `json:"limit"`
				Usage uint64 `json:"usage"`
			} `json:"usage"`
			OOMKills uint64 `json:"oomKills"`
		} `json:"memory"`
		Pids struct {
			Current uint64 `json:"current"`
			Limit   uint64 `json:"limit"`
		} `json:"pids"`
	} `json:"data"`
}

// stats runs events --stats and decodes its one line.
func (c *liveContainer) stats(t *testing.T) statsEvent {
	t.Helper()
	code, out, errs := c.run("events", "--stats", c.id)
	var ev statsEvent
	if code != 0 || strings.Count(out, "\n") != 1 || json.Unmarshal([]byte(out), &ev) != nil {
		t.Fatalf("events --stats: exit %d, %q, %s", code, out, errs)
	}
	return ev
}

func TestEventsStats(t *testing.T) {
	c := startLive(t, nil, "sh", "-c", "touch /shared/ready; exec sleep 100")
	c.waitFile(t, "ready")
	ev := c.stats(t)
	// touch has made the file but may not have exited yet: wait for it.
	for deadline := time.Now().Add(10 * time.Second); ev.Data.Pids.Current != 1 && time.Now().Before(deadline); {
		time.Sleep(10 * time.Millisecond)
		ev = c.stats(t)
	}
	if ev.Type != "stats" || ev.ID != c.id || ev.Data.Pids.Current != 1 || ev.Data.Memory.Usage.Usage == 0 ||
		ev.Data.CPU.Usage.Total == 0 || ev.Data.Pids.Limit != 0 {
		t.Errorf("stats event %+v: want pids.current 1, no pids limit, memory and cpu used", ev)
	}
	if code, _, errs := c.run("events", "--interval", "0s", c.id); code != 2 || !strings.Contains(errs, "interval") {
		t.Errorf("events --interval 0s: exit %d, %q", code, errs)
	}
	if code, _, errs := c.run("events", "--stats", "nosuch"); code != 1 || !strings.Contains(errs, "does not exist") {
		t.Errorf("events of a missing container: exit %d, %q", code, errs)
	}
}

// TestEventsStreamEndsWithTheContainer: without --stats, stats events
// come every interval until the container stops.
func TestEventsStreamEndsWithTheContainer(t *testing.T) {
	c := startLive(t, nil, "sh", "-c", "while [ ! -e /shared/stop ]; do sleep 0.05; done")
	ev := background(t, c.root, "events", "--interval", "50ms", c.id)
	ev.waitLines(t, 2)
	touch(t, c, "stop")
	code := ev.wait(t)
	lines := ev.lines()
	if code != 0 || len(lines) < 2 {
		t.Fatalf("events: exit %d, lines %q", code, lines)
	}
	for _, l := range lines {
		var e statsEvent
		if json.Unmarshal([]byte(l), &e) != nil || e.Type != "stats" || e.ID != c.id {
			t.Errorf("event line %q", l)
		}
	}
}

// bgRun is a verb running in the background with its output collected.
type bgRun struct {
	mu   sync.Mutex
	out  bytes.Buffer
	errs bytes.Buffer
	code chan int
}

// Write is the verb's stdout.
func (b *bgRun) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.out.Write(p)
}

// background runs a verb with --root root in a goroutine.
func background(t *testing.T, root string, args ...string) *bgRun {
	b := &bgRun{code: make(chan int, 1)}
	go func() {
		var errs bytes.Buffer
		code := Main("deepsys-runc", "test", append([]string{"--root", root}, args...), b, &errs)
		b.mu.Lock()
		b.errs = errs
		b.mu.Unlock()
		b.code <- code
	}()
	return b
}

func (b *bgRun) lines() []string {
	b.mu.Lock()
	defer b.mu.Unlock()
	var out []string
	sc := bufio.NewScanner(bytes.NewReader(b.out.Bytes()))
	for sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// waitLines waits up to 20 s for n lines of output.
func (b *bgRun) waitLines(t *testing.T, n int) {
	t.Helper()
	for deadline := time.Now().Add(20 * time.Second); len(b.lines()) < n; time.Sleep(10 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("fewer than %d lines after 20 s: %q", n, b.lines())
		}
	}
}

// wait waits up to 30 s for the verb to return and gives its exit status.
func (b *bgRun) wait(t *testing.T) int {
	t.Helper()
	select {
	case code := <-b.code:
		return code
	case <-time.After(30 * time.Second):
		t.Fatalf("still running after 30 s; output %q", b.lines())
		return -1
	}
}
