package startbench

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"github.com/deepsys/deepsys/container/runtime"
)

// Config names the three runtimes' binaries and the busybox of the rootfs.
type Config struct {
	Ours    string // deepsys-runc
	Runc    string // DefaultRunc if empty
	Crun    string // crun on PATH if empty
	Busybox string // DefaultBusybox if empty
}

// Defaults for Config, Debian's paths.
const (
	DefaultRunc    = "/usr/sbin/runc"
	DefaultBusybox = "/bin/busybox"
)

// Fixture is the bundles, the runtimes and the crun namespace thread of
// one bench (method, steps 1-3).
type Fixture struct {
	Runtimes []*Runtime // ours, runc, crun
	dir      string
	cgroup   string // the runtimes' cgroup parent
	hidden   *nsThread
	rss      *rssTimer
}

// New makes the fixture; Close undoes it.
func New(c Config) (f *Fixture, err error) {
	c, err = c.resolve()
	if err != nil {
		return nil, err
	}
	f = &Fixture{cgroup: fmt.Sprintf("deepsys-bench-%d", os.Getpid())}
	if f.dir, err = os.MkdirTemp("", "deepsys-bench-"); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			f.Close()
		}
	}()
	if err = makeRootfs(filepath.Join(f.dir, "rootfs"), c.Busybox); err != nil {
		return nil, err
	}
	if f.rss, err = newRSSTimer(c.Busybox, f.dir); err != nil {
		return nil, err
	}
	if f.hidden, err = hideControllers(filepath.Join(f.dir, "empty")); err != nil {
		return nil, fmt.Errorf("hiding cgroup.controllers from crun: %w", err)
	}
	if err = setSubreaper(true); err != nil {
		return nil, err
	}
	for _, r := range []*Runtime{{Name: "deepsys", Path: c.Ours}, {Name: "runc", Path: c.Runc}, {Name: "crun", Path: c.Crun, thread: f.hidden}} {
		if err = f.add(r); err != nil {
			return nil, err
		}
	}
	return f, nil
}

// resolve fills the defaults and checks that every binary is there.
func (c Config) resolve() (Config, error) {
	if c.Runc == "" {
		c.Runc = DefaultRunc
	}
	if c.Busybox == "" {
		c.Busybox = DefaultBusybox
	}
	if c.Crun == "" {
		c.Crun, _ = exec.LookPath("crun")
	}
	for _, b := range []struct{ what, path, hint string }{
		{"our runtime", c.Ours, "build it: make build (bin/deepsys-runc)"},
		{"runc", c.Runc, "Debian package runc; scripts/setup-deps installs it"},
		{"crun", c.Crun, "Debian package crun; scripts/setup-deps installs it"},
		{"busybox", c.Busybox, "Debian package busybox-static"},
	} {
		if b.path == "" {
			return c, fmt.Errorf("%s not found (%s)", b.what, b.hint)
		}
		if fi, err := os.Stat(b.path); err != nil || fi.Mode()&0o111 == 0 {
			return c, fmt.Errorf("%s: %s is not an executable (%s)", b.what, b.path, b.hint)
		}
	}
	return c, nil
}

// add makes r's bundle and state root.
func (f *Fixture) add(r *Runtime) error {
	r.Bundle = filepath.Join(f.dir, "bundle-"+r.Name)
	r.Root = filepath.Join(f.dir, "state-"+r.Name)
	r.Cgroup = f.cgroup + "/" + r.Name
	r.dir, r.rss = f.dir, f.rss
	if err := os.MkdirAll(r.Bundle, 0o755); err != nil {
		return err
	}
	b, err := json.MarshalIndent(benchSpec(filepath.Join(f.dir, "rootfs"), r.Cgroup), "", "\t")
	if err != nil {
		return err
	}
	f.Runtimes = append(f.Runtimes, r)
	return os.WriteFile(filepath.Join(r.Bundle, "config.json"), b, 0o644)
}

// benchSpec is the bundle's config: runtime.Example running `true`.
func benchSpec(rootfs, cgroup string) any {
	s := runtime.Example()
	s.Version = "1.0.2"
	s.Root.Path = rootfs
	s.Process.Args = []string{"true"}
	s.Linux.CgroupsPath = "/" + cgroup
	return s
}

// makeRootfs copies busybox into dir/bin and links true and sh to it.
func makeRootfs(dir, busybox string) error {
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := copyFile(busybox, filepath.Join(dir, "bin", "busybox")); err != nil {
		return err
	}
	for _, a := range []string{"true", "sh"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			return err
		}
	}
	return nil
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// Close deletes the containers a failed round left, the cgroup parent and
// the temporary directory, ends the namespace thread and clears the
// subreaper flag (method, step 5).
func (f *Fixture) Close() error {
	var errs []error
	for _, r := range f.Runtimes {
		errs = append(errs, r.cleanup())
	}
	removeCgroupParent(f.cgroup)
	if f.hidden != nil {
		f.hidden.close()
	}
	errs = append(errs, setSubreaper(false))
	if f.dir != "" {
		errs = append(errs, os.RemoveAll(f.dir))
	}
	return errors.Join(errs...)
}

// removeCgroupParent removes rel, the runtimes' cgroup parent, from every
// cgroup hierarchy: the runtimes delete their own groups but leave the
// parent, and runc also makes it in the named "systemd" hierarchy, which
// container/cgroups does not drive. Errors are ignored: a group a
// runtime failed to empty stays, as the runtimes leave it.
func removeCgroupParent(rel string) {
	b, err := os.ReadFile("/proc/self/mounts")
	if err != nil {
		return
	}
	for _, line := range strings.Split(string(b), "\n") {
		fields := strings.Fields(line)
		if len(fields) < 3 || (fields[2] != "cgroup" && fields[2] != "cgroup2") {
			continue
		}
		parent := filepath.Join(fields[1], rel)
		subs, _ := os.ReadDir(parent)
		for _, d := range subs {
			if d.IsDir() {
				os.Remove(filepath.Join(parent, d.Name()))
			}
		}
		os.Remove(parent)
	}
}
