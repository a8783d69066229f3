package decode

import (
	"strconv"
	"strings"
)

// phase is when an argument is formatted: at entry (what goes in) or at
// exit (what the kernel wrote).
type phase int

const (
	atEntry phase = iota
	atExit
)

// argType formats one signature type (see signatures.txt).
type argType struct {
	phase  phase
	format func(a arg) string
	// evenOnError: an exit-phase argument that prints its contents even
	// when the call failed (in-out lengths, clone's parent_tid).
	evenOnError bool
	// save, for an in-out argument, reads at entry what exit prints next
	// to the new value ([128 => 16]).
	save func(a arg) uint64
	// exit, for an entry-phase argument, formats it at exit when entry
	// left it deferred (the request decides: ioctl, arch_prctl).
	exit func(a arg) string
	// suffix appends what the kernel wrote back to an in-out structure
	// after a successful call (clone3's " => {parent_tid=[42]}").
	suffix func(a arg) string
}

// omit is the text of an argument strace leaves out (open's mode without
// O_CREAT, fcntl's argument for F_GETFD).
const omit = "\x00omit"

// deferred is an entry-phase text that exit fills in.
const deferred = ""

// arg is one argument being formatted.
type arg struct {
	c   *Call
	i   int
	v   uint64
	mem Memory
}

func (c *Call) arg(i int, mem Memory) arg { return arg{c: c, i: i, v: c.Args[i], mem: mem} }

// linkIndex is the argument a type's @N suffix names; ret says the
// suffix is @ret; ok is false without a suffix.
func (a arg) linkIndex() (n int, ret, ok bool) {
	_, l, found := strings.Cut(a.c.sc.Args[a.i].Type, "@")
	if !found {
		return 0, false, false
	}
	if l == "ret" {
		return 0, true, true
	}
	n, err := strconv.Atoi(l)
	if err != nil || n < 0 || n >= len(a.c.Args) {
		return 0, false, false
	}
	return n, false, true
}

// link is the value a type's @N or @ret suffix names: argument N's value,
// or the result; ok is false without a suffix or before the result.
func (a arg) link() (uint64, bool) {
	n, ret, ok := a.linkIndex()
	switch {
	case !ok:
		return 0, false
	case ret:
		if !a.c.Exited || a.c.Ret < 0 {
			return 0, false
		}
		return uint64(a.c.Ret), true
	}
	return a.c.Args[n], true
}

// length is link() for a byte count, or 0.
func (a arg) length() uint64 {
	n, _ := a.link()
	return n
}

func decimal(v uint64) string   { return strconv.FormatInt(int64(int32(v)), 10) }
func decimal64(v uint64) string { return strconv.FormatInt(int64(v), 10) }
func unsigned(v uint64) string  { return strconv.FormatUint(v, 10) }

func dirfd(v uint64) string {
	if int32(v) == -100 {
		return "AT_FDCWD"
	}
	return decimal(v)
}

// in and out build the two common kinds of argType.
func in(f func(a arg) string) argType  { return argType{format: f} }
func out(f func(a arg) string) argType { return argType{phase: atExit, format: f} }

// value wraps a formatter of the raw value alone.
func value(f func(uint64) string) argType { return in(func(a arg) string { return f(a.v) }) }

// pointee wraps a formatter of what the argument points to.
func pointee(f func(Memory, uint64) string) func(a arg) string {
	return func(a arg) string { return f(a.mem, a.v) }
}
