package notify

import (
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// The child half of Start. A Go process cannot run code between fork and
// exec, so Start runs /proc/self/exe again with these variables set; the
// init function below sees them before main, installs the filter on a locked
// thread and execs the real command. Any binary that imports this package
// (deepsys, a test binary) can therefore be the re-exec'd child.
const (
	envFilter = "DEEPSYS_NOTIFY_FILTER" // the classic BPF program, hex, 8 bytes an instruction
	envExec   = "DEEPSYS_NOTIFY_EXEC"   // JSON ["path", "argv0", "argv1", ...]
	envGoFD   = "DEEPSYS_NOTIFY_GOFD"   // the go-ahead pipe's fd: after the command's own ExtraFiles
)

func init() {
	if enc, ok := os.LookupEnv(envFilter); ok {
		runtime.LockOSThread()
		childMain(enc, os.Getenv(envExec), os.Getenv(envGoFD))
	}
}

// childMain is steps 1-3 of the package comment, in the child. It never
// returns: it execs the command or exits 127 with the reason on stderr.
func childMain(encFilter, encExec, encGoFD string) {
	err := childSetup(encFilter, encExec, encGoFD)
	fmt.Fprintf(os.Stderr, "deepsys notify child: %v\n", err)
	os.Exit(127)
}

func childSetup(encFilter, encExec, encGoFD string) error {
	goFD, err := strconv.Atoi(encGoFD)
	if err != nil || goFD < 3 {
		return fmt.Errorf("%s=%q: want the go-ahead pipe's fd number", envGoFD, encGoFD)
	}
	prog, err := DecodeFilter(encFilter)
	if err != nil {
		return fmt.Errorf("%s: %w", envFilter, err)
	}
	var argv []string
	if err := json.Unmarshal([]byte(encExec), &argv); err != nil || len(argv) < 2 {
		return fmt.Errorf("%s=%q: want a JSON array [path, argv0, ...]", envExec, encExec)
	}
	if _, err := installListener(prog); err != nil {
		return err
	}
	// Wait until the supervisor holds the listener: the fd is close-on-exec,
	// so exec'ing first would leave no one to answer.
	var b [1]byte
	if n, err := unix.Read(goFD, b[:]); n != 1 {
		return fmt.Errorf("waiting for the supervisor's go-ahead on fd %d: %d bytes, %v", goFD, n, err)
	}
	unix.Close(goFD)
	return fmt.Errorf("exec %s: %w", argv[0], unix.Exec(argv[0], argv[1:], childEnv()))
}

// childEnv is the environment without this package's markers.
func childEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		name, _, _ := strings.Cut(kv, "=")
		if name != envFilter && name != envExec && name != envGoFD {
			env = append(env, kv)
		}
	}
	return env
}

// EncodeFilter and DecodeFilter carry a program through the environment to
// a re-executed child, as hex of the kernel's layout: code (u16), jt, jf
// (u8), k (u32), little-endian. DecodeFilter rejects anything that is not 1
// to BPF_MAXINSNS whole instructions.
func EncodeFilter(prog []unix.SockFilter) string {
	b := make([]byte, 0, 8*len(prog))
	for _, in := range prog {
		b = append(b, byte(in.Code), byte(in.Code>>8), in.Jt, in.Jf,
			byte(in.K), byte(in.K>>8), byte(in.K>>16), byte(in.K>>24))
	}
	return hex.EncodeToString(b)
}

func DecodeFilter(s string) ([]unix.SockFilter, error) {
	b, err := hex.DecodeString(s)
	if err != nil || len(b) == 0 || len(b)%8 != 0 || len(b)/8 > bpfMaxInsns {
		return nil, fmt.Errorf("filter %.20q: not a hex classic BPF program of 1..%d instructions", s, bpfMaxInsns)
	}
	prog := make([]unix.SockFilter, len(b)/8)
	for i := range prog {
		p := b[8*i:]
		prog[i] = unix.SockFilter{Code: uint16(p[0]) | uint16(p[1])<<8, Jt: p[2], Jf: p[3],
			K: uint32(p[4]) | uint32(p[5])<<8 | uint32(p[6])<<16 | uint32(p[7])<<24}
	}
	return prog, nil
}

// bpfMaxInsns is BPF_MAXINSNS, the kernel's limit on a classic program.
const bpfMaxInsns = 4096
