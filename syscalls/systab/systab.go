// Package systab is the x86-64 Linux system call table: every syscall's
// number and name, generated from the machine's asm/unistd_64.h, the errno
// names of asm-generic/errno*.h, and, for the syscalls a tracer decodes, the
// argument names and types of signatures.txt.
//
// A system call is the one door from user space into the kernel: the
// program puts the number in rax and up to six arguments in rdi, rsi, rdx,
// r10, r8 and r9, executes `syscall`, and finds the result in rax; a result
// in [-4095, -1] is a negated errno. Everything in syscalls/ — the tracer,
// the seccomp compiler, the user-notify supervisor — names syscalls through
// this table.
//
// Regenerate with `go generate ./syscalls/systab` (needs the headers of
// Debian's linux-libc-dev); the output is committed.
package systab

//go:generate go run ./gen -o table_amd64.go

import "strconv"

// Syscall is one row of the table.
type Syscall struct {
	Nr   int
	Name string
	// Ret is the return value's type (int, fd, ssize, addr, pid, none) and
	// Args the arguments, for syscalls with Decoded set.
	Ret     string
	Args    []Arg
	Decoded bool
}

// Arg is one argument of a decoded syscall: its man-page name and the
// decoder's type name (see signatures.txt).
type Arg struct {
	Name string
	Type string
}

// MaxArgs is how many arguments a syscall takes at most on x86-64.
const MaxArgs = 6

var byName = func() map[string]int {
	m := make(map[string]int, len(table))
	for _, s := range table {
		if s.Name != "" {
			m[s.Name] = s.Nr
		}
	}
	return m
}()

// Lookup returns syscall nr's row; ok is false for a number the table does
// not have.
func Lookup(nr int) (Syscall, bool) {
	if nr < 0 || nr >= len(table) || table[nr].Name == "" {
		return Syscall{}, false
	}
	return table[nr], true
}

// Name is syscall nr's name, or "syscall_<nr>" (strace's spelling) for a
// number the table does not have.
func Name(nr int) string {
	if s, ok := Lookup(nr); ok {
		return s.Name
	}
	return "syscall_" + strconv.Itoa(nr)
}

// Number returns the number of the syscall called name.
func Number(name string) (int, bool) {
	nr, ok := byName[name]
	return nr, ok
}

// Names lists every syscall name in number order.
func Names() []string {
	out := make([]string, 0, len(byName))
	for _, s := range table {
		if s.Name != "" {
			out = append(out, s.Name)
		}
	}
	return out
}

// Max is the highest syscall number in the table.
func Max() int { return len(table) - 1 }

// ErrnoName is errno e's symbolic name (ENOENT), or "" when unknown.
func ErrnoName(e int) string { return errnoNames[e] }

// ErrnoNumber returns the errno called name.
func ErrnoNumber(name string) (int, bool) {
	for n, s := range errnoNames {
		if s == name {
			return n, true
		}
	}
	return 0, false
}
