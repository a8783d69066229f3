package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/deepsys/deepsys/container/runtime"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// containerShowcase is what `deepsys tour` shows of article 13: one
// busybox rootfs run as containers by our runtime — its own pid, uts and
// network namespaces, a memory limit the kernel enforces with the OOM
// killer, a seccomp filter refusing a syscall — and the start-up time.
func containerShowcase(ctx context.Context) ([]row, error) {
	if os.Geteuid() != 0 {
		return nil, errors.New("containers need root")
	}
	busybox, err := exec.LookPath("busybox")
	if err != nil {
		return nil, fmt.Errorf("busybox (Debian's busybox-static; scripts/setup-deps installs it): %w", err)
	}
	dir, err := os.MkdirTemp("", "deepsys-tour-container-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	sc := &showcaseContainers{dir: dir, rootfs: filepath.Join(dir, "rootfs")}
	if err := busyboxRootfs(sc.rootfs, busybox); err != nil {
		return nil, err
	}
	var rows []row
	for _, step := range []func() (row, error){sc.namespaces, sc.memoryLimit, sc.seccomp, sc.startTime} {
		if err := ctx.Err(); err != nil {
			return rows, err
		}
		r, err := step()
		if err != nil {
			return rows, err
		}
		rows = append(rows, r)
	}
	return rows, nil
}

// showcaseContainers runs the showcase's containers on one rootfs.
type showcaseContainers struct {
	dir, rootfs string
	n           int
}

// run runs args in a container of the Example config edited by edit and
// returns its exit status and output.
func (sc *showcaseContainers) run(edit func(*specs.Spec), args ...string) (int, string, error) {
	sc.n++
	s := runtime.Example()
	s.Root = &specs.Root{Path: sc.rootfs}
	s.Process.Args = args
	s.Process.Env = []string{"PATH=/bin"}
	s.Hostname = "deepsys-tour"
	s.Linux.CgroupsPath = fmt.Sprintf("deepsys-tour/%d-%d", os.Getpid(), sc.n)
	if edit != nil {
		edit(s)
	}
	bundle := filepath.Join(sc.dir, fmt.Sprint("bundle", sc.n))
	if err := os.Mkdir(bundle, 0o755); err != nil {
		return 0, "", err
	}
	b, err := json.Marshal(s)
	if err != nil {
		return 0, "", err
	}
	if err := os.WriteFile(filepath.Join(bundle, runtime.ConfigName), b, 0o644); err != nil {
		return 0, "", err
	}
	var out bytes.Buffer
	code, err := runtime.Run(runtime.CreateOptions{Root: filepath.Join(sc.dir, "state"), ID: fmt.Sprint("tour", sc.n),
		Bundle: bundle, Stdout: &out, Stderr: &out})
	return code, out.String(), err
}

func (sc *showcaseContainers) namespaces() (row, error) {
	code, out, err := sc.run(nil, "sh", "-c", "echo $$; hostname; busybox tail -n +3 /proc/net/dev | busybox wc -l")
	f := strings.Fields(out)
	if err != nil || code != 0 || len(f) != 3 {
		return row{}, fmt.Errorf("namespaces container: exit %d, %q: %v", code, out, err)
	}
	return row{"run: sh in new pid, uts, mount, ipc and network namespaces",
		fmt.Sprintf("its pid %s, hostname %s, %s network interface(s)", f[0], f[1], f[2])}, nil
}

func (sc *showcaseContainers) memoryLimit() (row, error) {
	limit := int64(16 << 20)
	code, out, err := sc.run(func(s *specs.Spec) {
		s.Linux.Resources = &specs.LinuxResources{Memory: &specs.LinuxMemory{Limit: &limit, Swap: &limit}}
	}, "sh", "-c", "a=$(busybox yes | busybox head -c 100000000); echo survived")
	if err != nil || code != 128+9 {
		return row{}, fmt.Errorf("memory-limited container: exit %d, %q, %v; want SIGKILL by the OOM killer", code, out, err)
	}
	return row{"memory.limit 16 MiB, the process holds 100 MB", "OOM-killed: exit 137 (SIGKILL)"}, nil
}

func (sc *showcaseContainers) seccomp() (row, error) {
	eperm := uint(1)
	code, out, err := sc.run(func(s *specs.Spec) {
		s.Linux.Seccomp = &specs.LinuxSeccomp{DefaultAction: specs.ActAllow, Architectures: []specs.Arch{specs.ArchX86_64},
			Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno, ErrnoRet: &eperm}}}
	}, "sh", "-c", "mkdir /tmp/x 2>&1; echo status $?")
	if err != nil || code != 0 || !strings.Contains(out, "Operation not permitted") {
		return row{}, fmt.Errorf("seccomp container: exit %d, %q: %v", code, out, err)
	}
	return row{"linux.seccomp: mkdir -> SCMP_ACT_ERRNO(EPERM) (syscalls/seccomp)", strings.ReplaceAll(strings.TrimSpace(out), "\n", "; ")}, nil
}

func (sc *showcaseContainers) startTime() (row, error) {
	var ms []float64
	for range 5 {
		t0 := time.Now()
		if code, out, err := sc.run(nil, "true"); err != nil || code != 0 {
			return row{}, fmt.Errorf("run true: exit %d, %q: %v", code, out, err)
		}
		ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
	}
	slices.Sort(ms)
	return row{"run true, create to exit (in this process; `container bench` compares runc and crun)",
		fmt.Sprintf("median %.1f ms of 5", ms[2])}, nil
}

// busyboxRootfs makes dir a root file system of Debian's static busybox
// with the applets the showcase runs.
func busyboxRootfs(dir, busybox string) error {
	for _, d := range []string{"bin", "proc", "dev", "sys", "tmp"} {
		if err := os.MkdirAll(filepath.Join(dir, d), 0o755); err != nil {
			return err
		}
	}
	in, err := os.Open(busybox)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(filepath.Join(dir, "bin", "busybox"), os.O_CREATE|os.O_WRONLY|os.O_EXCL, 0o755)
	if err != nil {
		return err
	}
	if _, err := io.Copy(out, in); err != nil {
		out.Close()
		return err
	}
	if err := out.Close(); err != nil {
		return err
	}
	for _, a := range []string{"sh", "true", "mkdir", "hostname", "echo"} {
		if err := os.Symlink("busybox", filepath.Join(dir, "bin", a)); err != nil {
			return err
		}
	}
	return nil
}
