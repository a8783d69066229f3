package decode

import (
	"fmt"
	"strings"
	"syscall"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// Errno is the errno the call failed with, or 0.
func (c *Call) Errno() int {
	if c.Exited && c.Ret < 0 && c.Ret >= -4095 {
		return int(-c.Ret)
	}
	return 0
}

// RetString is the result as strace prints it after "= ": the value in
// the signature's return type, or `-1 ENOENT (No such file or
// directory)`, then strace's note in parentheses if any; "?" before Exit.
func (c *Call) RetString() string {
	if !c.Exited {
		return "?"
	}
	if e := c.Errno(); e != 0 {
		name := systab.ErrnoName(e)
		if name == "" {
			return fmt.Sprintf("-1 Unknown error %d", e)
		}
		if e == 512 || e == 513 || e == 514 || e == 516 {
			// a restart code: the call did not return to the program
			return fmt.Sprintf("? %s (%s)", name, errnoText(e))
		}
		return fmt.Sprintf("-1 %s (%s)", name, errnoText(e))
	}
	s := c.retValue()
	if c.note != "" {
		s += " (" + c.note + ")"
	}
	return s
}

// retValue formats a successful result by the return type of
// signatures.txt.
func (c *Call) retValue() string {
	switch c.sc.Ret {
	case "addr", "hex":
		return hex(uint64(c.Ret))
	case "octal":
		return octal(uint64(c.Ret))
	case "fcntl":
		if c.note != "" || c.Args[1]&0xffffffff == 3 {
			return hex(uint64(c.Ret))
		}
	case "none":
		return "?"
	}
	return fmt.Sprint(c.Ret)
}

// retTypes are the return types signatures.txt may use.
var retTypes = map[string]bool{
	"int": true, "fd": true, "ssize": true, "long": true, "pid": true, "addr": true, "hex": true,
	"octal": true, "none": true, "poll": true, "ppoll": true, "prctl": true, "select": true, "signo": true, "fcntl": true,
}

// retNotes are the return types after which strace adds a note.
var retNotes = map[string]func(c *Call, mem Memory) string{
	"poll":   func(c *Call, mem Memory) string { return pollRevents(mem, c.Args[0], c.Args[1], c.Ret) },
	"ppoll":  ppollNote,
	"fcntl":  fcntlNote,
	"prctl":  prctlNote,
	"select": selectNote,
	"signo":  func(c *Call, _ Memory) string { return signalName(uint64(c.Ret)) },
}

// errnoText is strerror(e), strace's parenthesised text.
func errnoText(e int) string {
	if e >= 512 && e <= 531 {
		return kernelErrnoText[e]
	}
	s := syscall.Errno(e).Error()
	if strings.HasPrefix(s, "errno ") {
		return "Unknown error " + s[len("errno "):]
	}
	return strings.ToUpper(s[:1]) + s[1:]
}

// kernelErrnoText is how strace explains the kernel's restart codes,
// which have no strerror.
var kernelErrnoText = map[int]string{
	512: "To be restarted if SA_RESTART is set", 513: "To be restarted", 514: "To be restarted if no handler",
	515: "No ioctl command", 516: "Interrupted by signal", 517: "Driver requests probe retry",
	518: "Open found a stale dentry", 519: "Parameter not supported", 521: "Illegal NFS file handle",
	522: "Update synchronization mismatch", 523: "Cookie is stale", 524: "Operation not supported",
	525: "Buffer or request is too small", 526: "An untranslatable error occurred", 527: "Type not supported by server",
	528: "Request initiated, but will not complete before timeout", 529: "iocb queued, will get completion event",
	530: "Conflict with recalled state", 531: "NFS file lock reclaim refused",
}
