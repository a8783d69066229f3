package host

// bpf_trace_printk(fmt, fmt_size, arg1, arg2, arg3) (kernel/trace/
// bpf_trace.c; the format checks of kernel/bpf/helpers.c
// bpf_bprintf_prepare):
//
//  1. fmt must hold a NUL within fmt_size bytes; the format is what
//     precedes it, printable ASCII or whitespace only.
//  2. Each conversion is '%', optional flags from "0+- ", an optional width
//     (no precision), then one of d i u x X with an optional l or ll (no
//     l: the argument's low 32 bits), c, s (a NUL-terminated string read
//     from program memory, empty if unreadable), p, px, pK (the pointer in
//     16 hex digits: the kernel hashes plain %p, we cannot, and print the
//     address), or "%%". At most three conversions; anything else is
//     -EINVAL and prints nothing.
//  3. The message goes to the trace pipe (Options.Trace), one line per
//     call (a newline is added if the message has none); the helper
//     returns its length.

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

const (
	maxTraceArgs = 3   // MAX_TRACE_PRINTK_VARARGS
	maxStrLen    = 512 // MAX_BPRINTF_STR_LEN... the string buffer's size
)

// reader reads program memory for %s.
type reader func(addr uint64, n int) ([]byte, error)

func (c *Collection) tracePrintk(env *interp.Env, fmtAddr, size, a1, a2, a3 uint64) (uint64, error) {
	if size == 0 || size > 1<<16 {
		return errno(syscall.EINVAL), nil
	}
	raw, err := env.Load(fmtAddr, int(size))
	if err != nil {
		return 0, fmt.Errorf("the format: %w", err)
	}
	msg, ok := FormatTrace(raw, [maxTraceArgs]uint64{a1, a2, a3}, env.Load)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	c.trace(msg)
	return uint64(len(msg)), nil
}

// trace writes one message to Options.Trace (step 3).
func (c *Collection) trace(msg string) {
	if c.opts.Trace == nil {
		return
	}
	if !strings.HasSuffix(msg, "\n") {
		msg += "\n"
	}
	c.traceMu.Lock()
	defer c.traceMu.Unlock()
	_, _ = io.WriteString(c.opts.Trace, msg)
}

// FormatTrace formats a bpf_trace_printk format (fmt_size bytes, with its
// NUL) and arguments as the kernel does, reading %s strings with load; ok
// is false where the kernel returns -EINVAL.
func FormatTrace(raw []byte, args [maxTraceArgs]uint64, load func(uint64, int) ([]byte, error)) (string, bool) {
	end := bytes.IndexByte(raw, 0)
	if end < 0 {
		return "", false
	}
	f := string(raw[:end])
	var out strings.Builder
	n := 0
	for i := 0; i < len(f); i++ {
		ch := f[i]
		if ch > 0x7e || (ch < 0x20 && !isSpace(ch)) {
			return "", false
		}
		if ch != '%' {
			out.WriteByte(ch)
			continue
		}
		if i+1 < len(f) && f[i+1] == '%' {
			out.WriteByte('%')
			i++
			continue
		}
		if n == maxTraceArgs {
			return "", false
		}
		s, next, ok := conversion(f, i+1, args[n], reader(load))
		if !ok {
			return "", false
		}
		out.WriteString(s)
		n++
		i = next - 1
	}
	return out.String(), true
}

func isSpace(c byte) bool { return c == ' ' || c >= '\t' && c <= '\r' }

// conversion formats the conversion starting after the '%' at f[i:],
// returning the text and the index after it.
func conversion(f string, i int, arg uint64, load reader) (string, int, bool) {
	start := i
	for i < len(f) && strings.IndexByte("0+- ", f[i]) >= 0 {
		i++
	}
	for i < len(f) && f[i] >= '0' && f[i] <= '9' {
		i++
	}
	spec := "%" + f[start:i] // flags and width mean what they mean in Go
	if i == len(f) {
		return "", i, false
	}
	switch f[i] {
	case 'p':
		return pointer(f, i, arg)
	case 'c':
		return fmt.Sprintf(spec+"c", rune(byte(arg))), i + 1, true
	case 's':
		return fmt.Sprintf(spec+"s", cString(load, arg)), i + 1, true
	}
	long := 0
	for long < 2 && i < len(f) && f[i] == 'l' {
		long++
		i++
	}
	if i == len(f) || strings.IndexByte("diuxX", f[i]) < 0 {
		return "", i, false
	}
	return integer(spec, f[i], arg, long > 0), i + 1, true
}

// integer formats arg as C's printf would, at 32 bits unless long.
func integer(spec string, verb byte, arg uint64, long bool) string {
	switch {
	case (verb == 'd' || verb == 'i') && long:
		return fmt.Sprintf(spec+"d", int64(arg))
	case verb == 'd' || verb == 'i':
		return fmt.Sprintf(spec+"d", int32(arg))
	case !long:
		arg = uint64(uint32(arg))
	}
	if verb == 'u' {
		verb = 'd'
	}
	return fmt.Sprintf(spec+string(verb), arg)
}

// pointer formats %p and its kernel extensions px and pK.
func pointer(f string, i int, arg uint64) (string, int, bool) {
	i++
	if i < len(f) && (f[i] == 'x' || f[i] == 'K') {
		i++
	} else if i < len(f) && isAlnum(f[i]) {
		return "", i, false // %pS, %pI4, ...: not done
	}
	return fmt.Sprintf("%016x", arg), i, true
}

func isAlnum(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// cString reads the NUL-terminated string at addr, at most maxStrLen-1
// bytes; what cannot be read is empty, as in the kernel.
func cString(load reader, addr uint64) string {
	var s []byte
	for len(s) < maxStrLen-1 {
		b, err := load(addr+uint64(len(s)), 1)
		if err != nil || b[0] == 0 {
			break
		}
		s = append(s, b[0])
	}
	return string(s)
}
