package conformance

import (
	"bytes"
	"context"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
)

// Module and Version name the suite this package builds.
const (
	Module  = "github.com/opencontainers/runtime-tools"
	Version = "v0.9.0"
)

// The module has no go.mod at v0.9.0; these pin every dependency of its
// validation programs (runtime-spec v1.0.2 and selinux v1.2.2 in
// particular, whose newest versions break its build).
var (
	//go:embed runtime-tools.gomod
	pinnedGoMod []byte
	//go:embed runtime-tools.gosum
	pinnedGoSum []byte
)

// Suite is a built validation suite: Dir holds runtimetest,
// rootfs-amd64.tar.gz and one program per test file in Files.
type Suite struct {
	Dir   string
	Files []string // test file names, e.g. "linux_sysctl", sorted
}

// Program is the path of the named test file's program.
func (s *Suite) Program(name string) string { return filepath.Join(s.Dir, "bin", name) }

// CacheDir is where Build keeps built suites: the user cache directory
// (os.UserCacheDir), deepsys/runtime-tools.
func CacheDir() (string, error) {
	d, err := os.UserCacheDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(d, "deepsys", "runtime-tools"), nil
}

// cacheKey names a build: the version and the hash of the pins.
func cacheKey() string {
	h := sha256.New()
	h.Write(pinnedGoMod)
	h.Write(pinnedGoSum)
	return Version + "-" + hex.EncodeToString(h.Sum(nil))[:12]
}

// Build returns the suite cached under cache (CacheDir when empty), building
// it first if it is not there (package comment, steps 1 and 2). logf, if
// not nil, is told what is being done.
func Build(ctx context.Context, cache string, logf func(string, ...any)) (*Suite, error) {
	if logf == nil {
		logf = func(string, ...any) {}
	}
	if cache == "" {
		var err error
		if cache, err = CacheDir(); err != nil {
			return nil, fmt.Errorf("runtime-tools cache: %w", err)
		}
	}
	dir := filepath.Join(cache, cacheKey())
	if s, err := openSuite(dir); err == nil {
		return s, nil
	}
	if err := os.MkdirAll(cache, 0o755); err != nil {
		return nil, fmt.Errorf("runtime-tools cache: %w", err)
	}
	tmp, err := os.MkdirTemp(cache, ".build-")
	if err != nil {
		return nil, fmt.Errorf("runtime-tools cache: %w", err)
	}
	defer os.RemoveAll(tmp)
	logf("building %s@%s into %s", Module, Version, dir)
	if err := buildInto(ctx, tmp); err != nil {
		return nil, err
	}
	if err := os.Rename(filepath.Join(tmp, "suite"), dir); err != nil && !isExist(err) {
		return nil, fmt.Errorf("runtime-tools cache: %w", err)
	}
	return openSuite(dir)
}

// isExist reports a rename that lost a race with another builder.
func isExist(err error) bool {
	return os.IsExist(err) || strings.Contains(err.Error(), "directory not empty")
}

// openSuite reads a finished suite directory.
func openSuite(dir string) (*Suite, error) {
	for _, f := range []string{"runtimetest", "rootfs-amd64.tar.gz"} {
		if _, err := os.Stat(filepath.Join(dir, f)); err != nil {
			return nil, err
		}
	}
	ents, err := os.ReadDir(filepath.Join(dir, "bin"))
	if err != nil {
		return nil, err
	}
	s := &Suite{Dir: dir}
	for _, e := range ents {
		s.Files = append(s.Files, e.Name())
	}
	sort.Strings(s.Files)
	if len(s.Files) == 0 {
		return nil, fmt.Errorf("%s: no validation programs", dir)
	}
	return s, nil
}

// buildInto downloads the module, builds it in tmp/src and lays the suite
// out in tmp/suite.
func buildInto(ctx context.Context, tmp string) error {
	modDir, err := download(ctx)
	if err != nil {
		return err
	}
	src := filepath.Join(tmp, "src")
	if err := os.CopyFS(src, os.DirFS(modDir)); err != nil {
		return fmt.Errorf("copy %s: %w", modDir, err)
	}
	if err := makeWritable(src); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.mod"), pinnedGoMod, 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(src, "go.sum"), pinnedGoSum, 0o644); err != nil {
		return err
	}
	out := filepath.Join(tmp, "suite")
	if err := goBuild(ctx, src, filepath.Join(out, "bin")+"/", "./validation/..."); err != nil {
		return err
	}
	if err := os.Rename(filepath.Join(out, "bin", "runtimetest"), filepath.Join(out, "runtimetest")); err != nil {
		return fmt.Errorf("runtimetest not built: %w", err)
	}
	os.Remove(filepath.Join(out, "bin", "util"))
	tarball, err := os.ReadFile(filepath.Join(src, "rootfs-amd64.tar.gz"))
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(out, "rootfs-amd64.tar.gz"), tarball, 0o644)
}

// download runs `go mod download -json Module@Version` and returns the
// module's directory in the module cache.
func download(ctx context.Context) (string, error) {
	cmd := exec.CommandContext(ctx, "go", "mod", "download", "-json", Module+"@"+Version)
	cmd.Env = goEnv()
	cmd.Dir = os.TempDir()
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	var info struct{ Dir, Error string }
	if jerr := json.Unmarshal(out, &info); jerr == nil && info.Error != "" {
		return "", fmt.Errorf("go mod download %s@%s: %s", Module, Version, info.Error)
	}
	if err != nil {
		return "", fmt.Errorf("go mod download %s@%s: %v: %s", Module, Version, err, stderr.Bytes())
	}
	if info.Dir == "" {
		return "", fmt.Errorf("go mod download %s@%s: no Dir in %q", Module, Version, out)
	}
	return info.Dir, nil
}

// goBuild builds the validation programs and runtimetest (static: it runs
// inside the container) into out, a directory ending in "/".
func goBuild(ctx context.Context, src, out string, pkgs ...string) error {
	args := append([]string{"build", "-trimpath", "-o", out}, pkgs...)
	args = append(args, "./cmd/runtimetest")
	cmd := exec.CommandContext(ctx, "go", args...)
	cmd.Dir = src
	cmd.Env = append(goEnv(), "CGO_ENABLED=0")
	if b, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("go build of %s@%s: %v\n%s", Module, Version, err, b)
	}
	return nil
}

// goEnv is the environment for the go command: the caller's, outside any
// workspace and without the caller's build flags.
func goEnv() []string {
	return append(os.Environ(), "GOWORK=off", "GOFLAGS=-mod=readonly", "GOTOOLCHAIN=local")
}

// makeWritable undoes the module cache's read-only modes in a copy.
func makeWritable(dir string) error {
	return filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		mode := os.FileMode(0o644)
		if d.IsDir() {
			mode = 0o755
		}
		return os.Chmod(p, mode)
	})
}
