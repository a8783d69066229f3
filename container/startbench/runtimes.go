package startbench

import (
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/deepsys/deepsys/container/cgroups"
)

// Runtime is one contestant: a runc-compatible binary with its own bundle,
// state root and cgroup.
type Runtime struct {
	Name   string
	Path   string
	Bundle string
	Root   string // --root
	Cgroup string // the bundle's linux.cgroupsPath, without the leading /
	dir    string // the fixture's directory (pid and stderr files)
	thread *nsThread
	rss    *rssTimer
	n      int      // containers made so far, for their ids
	live   []string // ids created and not yet deleted
}

// command runs `RUNTIME --root ROOT args...` and returns its wall time.
func (r *Runtime) command(args ...string) (time.Duration, error) {
	return r.spawn(r.Path, append([]string{"--root", r.Root}, args...), args)
}

// spawn runs path with argv (on r's thread if it has one), stdin and
// stdout /dev/null and stderr to a file, so that a container that
// inherits them never holds a pipe we wait on; what names the command in
// errors.
func (r *Runtime) spawn(path string, argv, what []string) (time.Duration, error) {
	errf, err := os.CreateTemp(r.dir, r.Name+"-stderr-")
	if err != nil {
		return 0, err
	}
	defer os.Remove(errf.Name())
	defer errf.Close()
	cmd := exec.Command(path, argv...)
	cmd.Stderr = errf
	var wall time.Duration
	r.on(func() {
		start := time.Now()
		err = cmd.Run()
		wall = time.Since(start)
	})
	if err != nil {
		msg, _ := os.ReadFile(errf.Name())
		return wall, fmt.Errorf("%s %s: %w: %s", r.Name, strings.Join(what, " "), err, strings.TrimSpace(string(msg)))
	}
	return wall, nil
}

// on runs job on r's thread, or here.
func (r *Runtime) on(job func()) {
	if r.thread == nil {
		job()
		return
	}
	r.thread.do(job)
}

// nextID is a fresh container id.
func (r *Runtime) nextID() string {
	r.n++
	return fmt.Sprintf("bench-%s-%d", r.Name, r.n)
}

// runTrue is `run ID`: create, start, wait and delete in one command.
func (r *Runtime) runTrue() (time.Duration, error) {
	return r.command("run", "--bundle", r.Bundle, r.nextID())
}

// peakRSS is runTrue's peak RSS in bytes (peakrss.go).
func (r *Runtime) peakRSS() (int64, error) {
	args := []string{"run", "--bundle", r.Bundle, r.nextID()}
	argv := r.rss.args(append([]string{r.Path, "--root", r.Root}, args...)...)
	if _, err := r.spawn(r.rss.busybox, argv, args); err != nil {
		return 0, err
	}
	return r.rss.read()
}

// create is `create --pid-file`; it returns the id and the init's pid.
func (r *Runtime) create() (string, int, error) {
	id := r.nextID()
	pidFile := filepath.Join(r.dir, r.Name+".pid")
	os.Remove(pidFile)
	if _, err := r.command("create", "--bundle", r.Bundle, "--pid-file", pidFile, id); err != nil {
		return "", 0, err
	}
	r.live = append(r.live, id)
	b, err := os.ReadFile(pidFile)
	if err != nil {
		return id, 0, err
	}
	pid, err := strconv.Atoi(strings.TrimSpace(string(b)))
	if err != nil {
		return id, 0, fmt.Errorf("%s: pid file %q: %w", r.Name, b, err)
	}
	return id, pid, nil
}

// delete is `delete ID`.
func (r *Runtime) delete(id string) error {
	if _, err := r.command("delete", id); err != nil {
		return err
	}
	for i, l := range r.live {
		if l == id {
			r.live = append(r.live[:i], r.live[i+1:]...)
			break
		}
	}
	return nil
}

// lifecycle is create, start, wait4 on the init, delete.
func (r *Runtime) lifecycle() error {
	id, pid, err := r.create()
	if err != nil {
		return err
	}
	if _, err := r.command("start", id); err != nil {
		return err
	}
	if err := reap(pid); err != nil {
		return err
	}
	return r.delete(id)
}

// chargedBeforeStart creates a container, reads its cgroup's memory
// usage, then kills, reaps and deletes it.
func (r *Runtime) chargedBeforeStart() (uint64, error) {
	id, pid, err := r.create()
	if err != nil {
		return 0, err
	}
	var usage uint64
	m, err := cgroups.New(r.Cgroup)
	if err == nil {
		var s *cgroups.Stats
		if s, err = m.Stats(); err == nil {
			usage = s.Memory.Usage
		}
	}
	if _, kerr := r.command("kill", id, "KILL"); kerr != nil {
		return 0, errors.Join(err, kerr)
	}
	if rerr := reap(pid); rerr != nil {
		return 0, errors.Join(err, rerr)
	}
	return usage, errors.Join(err, r.delete(id))
}

// cleanup force-deletes the containers a failed round left behind.
func (r *Runtime) cleanup() error {
	var errs []error
	for _, id := range append([]string(nil), r.live...) {
		_, err := r.command("delete", "--force", id)
		errs = append(errs, err)
	}
	r.live = nil
	return errors.Join(errs...)
}
