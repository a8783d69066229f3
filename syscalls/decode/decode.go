// Package decode turns a system call's raw registers into the line a
// person reads: `openat(AT_FDCWD, "/etc/passwd", O_RDONLY|O_CLOEXEC) = 3`,
// in strace's notation (strace 6.1, default options), so the two tools'
// outputs can be compared line for line.
//
// A syscall is decoded in steps, because its arguments are read at two
// moments (ptrace(2) stops the tracee twice: syscall-enter-stop and
// syscall-exit-stop):
//
//  1. Enter looks the number up in syscalls/systab: the signature names a
//     type for each argument (signatures.txt documents the types).
//  2. At entry, each in-argument is formatted now, from the registers and
//     the memory they point to: a path, a buffer to write, argv, a sockaddr
//     passed in. An in-out argument (a socklen_t the kernel rewrites)
//     keeps what it pointed to at entry.
//  3. At exit (Exit), rax holds the result; the out-arguments are formatted
//     then: a read's buffer (ret bytes of it), a stat structure, the fds of
//     pipe2. If the call failed, strace prints an out-argument's address
//     instead of its contents, and so do we. Reading an in-argument at exit
//     would be wrong (execve has replaced the memory, another thread may
//     have changed it); reading an out-argument at entry would show garbage.
//  4. The result prints by the signature's return type: decimal, hex for
//     addresses (mmap, brk), octal for umask, `-1 ENOENT (No such file or
//     directory)` for a negated errno, with strace's parenthesised notes
//     where it adds them (poll's revents, fcntl's flags, "Timeout").
//
// Memory is untrusted: mem may be nil, fail (EFAULT, a tracee that died),
// or hold anything. An argument whose memory cannot be read prints as its
// address in hex, as strace prints it; no input panics or loops (FuzzDecode).
//
// Syscalls without a signature print their arguments in hex, as many as
// the kernel passes (six), and their return value in decimal.
//
// Two approaches were rejected. Generating the flag tables from the
// kernel headers, as syscalls/systab does the numbers: strace prints flags
// in its own table order (O_CLOEXEC before O_DIRECTORY, O_SYNC before its
// O_DSYNC bit), with its own names for shared numbers, so the tables here
// are strace's order, taken from runs that set every bit. And one
// formatter per syscall: most arguments are one of ~100 types shared by
// many syscalls (a path, an fd, an fd pair), so signatures.txt names types
// and the irregular layouts (fcntl, futex, clone, prctl) are types that
// look at their neighbours.
package decode

import (
	"fmt"
	"strings"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// Memory reads the tracee's memory: ReadMemory fills p from address addr
// and returns how many bytes it read.
type Memory interface {
	ReadMemory(addr uint64, p []byte) (int, error)
}

// StackPointer is what a Memory may also implement to give rsp at the
// stop: rt_sigreturn takes no arguments, and strace prints the signal mask
// it restores from the signal frame on the stack ({mask=[]}). Without it,
// rt_sigreturn prints as rt_sigreturn().
type StackPointer interface {
	StackPointer() uint64
}

// Call is one system call being decoded.
type Call struct {
	Nr   int
	Name string
	Args [systab.MaxArgs]uint64
	// Ret is the raw return value (rax at exit); Exited says it is set.
	Ret    int64
	Exited bool

	sc       systab.Syscall
	types    []argType
	text     []string               // the formatted arguments, filled at entry and exit
	saved    [systab.MaxArgs]uint64 // what in-out arguments pointed to at entry
	savedBad uint8                  // bit i: argument i's memory was unreadable at entry
	note     string                 // strace's parenthesised note after the result
}

// Enter starts decoding syscall nr with the raw arguments args, reading
// what they point to from mem (which may be nil: pointers print as hex).
func Enter(nr int, args [systab.MaxArgs]uint64, mem Memory) *Call {
	c := &Call{Nr: nr, Name: systab.Name(nr), Args: args}
	var known bool
	c.sc, known = systab.Lookup(nr)
	if !known || !straceKnows(nr) {
		c.Name = fmt.Sprintf("syscall_%#x", uint(nr)) // strace 6.1's spelling
	}
	c.types = typesOf(nr, c.sc)
	c.text = make([]string, len(c.types))
	for i, t := range c.types {
		a := c.arg(i, mem)
		if t.save != nil {
			c.saved[i] = t.save(a)
		}
		if t.phase == atEntry {
			c.text[i] = t.format(a)
		}
	}
	return c
}

// straceKnows says strace 6.1 has a name for syscall nr: the table also
// names the syscalls added after Linux 6.1 (systab's newer.txt: uretprobe
// at 335, cachestat at 451 and after), which strace 6.1 prints as
// syscall_0x1c3, and so do we, to print what it prints.
func straceKnows(nr int) bool { return nr != 335 && nr < 451 }

// rawTypes are the formatters of a syscall without a signature: six
// arguments in hex.
var rawTypes = func() []argType {
	t := make([]argType, systab.MaxArgs)
	for i := range t {
		t[i] = value(hex)
	}
	return t
}()

// signatureTypes holds each decoded syscall's formatters, resolved from
// its signature once.
var signatureTypes = func() [][]argType {
	out := make([][]argType, systab.Max()+1)
	for nr := range out {
		sc, ok := systab.Lookup(nr)
		if !ok || !sc.Decoded {
			continue
		}
		out[nr] = make([]argType, len(sc.Args))
		for i, a := range sc.Args {
			name, _, _ := strings.Cut(a.Type, "@")
			t, known := types[name]
			if !known {
				t = value(hex) // TestEverySignatureTypeIsKnown keeps this from happening
			}
			out[nr][i] = t
		}
	}
	return out
}()

// typesOf is the formatters of syscall nr's arguments.
func typesOf(nr int, sc systab.Syscall) []argType {
	if !sc.Decoded || nr < 0 || nr >= len(signatureTypes) {
		return rawTypes
	}
	return signatureTypes[nr]
}

// Exit finishes decoding with the raw return value ret, reading the
// out-arguments from mem.
func (c *Call) Exit(ret int64, mem Memory) {
	c.Ret, c.Exited = ret, true
	for i, t := range c.types {
		a := c.arg(i, mem)
		switch {
		case t.phase == atExit && c.Errno() != 0 && !t.evenOnError:
			c.text[i] = pointer(a.v)
		case t.phase == atExit:
			c.text[i] = t.format(a)
		case t.exit != nil && c.text[i] == deferred:
			c.text[i] = t.exit(a)
		case t.suffix != nil && c.Errno() == 0:
			c.text[i] += t.suffix(a)
		}
	}
	if f := retNotes[c.sc.Ret]; f != nil && c.Errno() == 0 {
		c.note = f(c, mem)
	}
}

// ArgStrings is the decoded arguments one by one, as printed (those
// strace leaves out are left out): for a tracer's --json output.
func (c *Call) ArgStrings() []string {
	out := make([]string, 0, len(c.text))
	for i, s := range c.text {
		if s == deferred {
			s = pointer(c.Args[i]) // not exited yet: the address
		}
		if s != omit {
			out = append(out, s)
		}
	}
	return out
}

// ArgsString is the decoded argument list without the parentheses.
func (c *Call) ArgsString() string { return strings.Join(c.ArgStrings(), ", ") }

// String is strace's line for the call (without pid or timing).
func (c *Call) String() string {
	return c.Name + "(" + c.ArgsString() + ") = " + c.RetString()
}
