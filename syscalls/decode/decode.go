// Package decode turns a system call's raw registers into the line a
// person reads: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`,
// in strace's notation, so the two tools' outputs can be compared.
//
// A syscall is decoded in two steps, because its arguments are read at two
// moments. At entry (Enter) the registers hold the arguments and the
// tracee's memory holds what they point to that goes in: paths, buffers to
// write, argv. At exit (Exit) rax holds the result and memory holds what
// came out: a read's buffer, a stat structure. Reading an in-argument at
// exit would be wrong (execve has replaced the memory, another thread may
// have changed it); reading an out-argument at entry would show garbage.
//
// Syscalls without a signature in syscalls/systab print their arguments in
// hex, as many as the kernel passes (six); their return value in decimal,
// or as -1 ERRNO (text) for a negated errno.
package decode

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// Memory reads the tracee's memory: ReadMemory fills p from address addr
// and returns how many bytes it read.
type Memory interface {
	ReadMemory(addr uint64, p []byte) (int, error)
}

// Call is one system call being decoded.
type Call struct {
	Nr   int
	Name string
	Args [systab.MaxArgs]uint64
	// Ret is the raw return value (rax at exit); Exited says it is set.
	Ret    int64
	Exited bool

	sc   systab.Syscall
	text []string // the formatted arguments, filled at entry and exit
}

// Enter starts decoding syscall nr with the raw arguments args, reading
// what they point to from mem (which may be nil: pointers print as hex).
func Enter(nr int, args [systab.MaxArgs]uint64, mem Memory) *Call {
	c := &Call{Nr: nr, Name: systab.Name(nr), Args: args}
	c.sc, _ = systab.Lookup(nr)
	c.text = make([]string, c.argCount())
	for i := range c.text {
		c.text[i] = fmt.Sprintf("%#x", args[i])
	}
	return c
}

// Exit finishes decoding with the raw return value ret.
func (c *Call) Exit(ret int64, mem Memory) {
	c.Ret, c.Exited = ret, true
}

func (c *Call) argCount() int {
	if c.sc.Decoded {
		return len(c.sc.Args)
	}
	return systab.MaxArgs
}

// ArgsString is the decoded argument list without the parentheses.
func (c *Call) ArgsString() string { return strings.Join(c.text, ", ") }

// Errno is the errno the call failed with, or 0.
func (c *Call) Errno() int {
	if c.Exited && c.Ret < 0 && c.Ret >= -4095 {
		return int(-c.Ret)
	}
	return 0
}

// RetString is the result as strace prints it after "= ": the value, or
// `-1 ENOENT (No such file or directory)`; "?" before Exit.
func (c *Call) RetString() string {
	if !c.Exited {
		return "?"
	}
	if e := c.Errno(); e != 0 {
		name := systab.ErrnoName(e)
		if name == "" {
			return fmt.Sprintf("-1 Unknown error %d", e)
		}
		return fmt.Sprintf("-1 %s (%s)", name, errnoText(e))
	}
	return fmt.Sprint(c.Ret)
}

// errnoText is strerror(e), strace's parenthesised text.
func errnoText(e int) string {
	s := syscall.Errno(e).Error()
	if strings.HasPrefix(s, "errno ") {
		return "Unknown error " + s[len("errno "):]
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// String is strace's line for the call (without pid or timing).
func (c *Call) String() string {
	return c.Name + "(" + c.ArgsString() + ") = " + c.RetString()
}
