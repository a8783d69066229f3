package decode

import (
	"fmt"
	"strings"
)

// maxStrLen is how many bytes of a buffer or string strace prints before
// it cuts the rest off with `"..."...` (its -s option, default 32).
const maxStrLen = 32

// pathMax is the longest path strace prints in full (PATH_MAX).
const pathMax = 4096

// quote is strace's C string literal of b: printable ASCII as is, the
// escapes \" \\ \f \n \r \t \v, and every other byte in octal, with the
// fewest digits unless the next byte is an octal digit ("\0011").
func quote(b []byte) string {
	var s strings.Builder
	s.Grow(len(b) + 2)
	s.WriteByte('"')
	for i, c := range b {
		switch c {
		case '"', '\\':
			s.WriteByte('\\')
			s.WriteByte(c)
		case '\f':
			s.WriteString(`\f`)
		case '\n':
			s.WriteString(`\n`)
		case '\r':
			s.WriteString(`\r`)
		case '\t':
			s.WriteString(`\t`)
		case '\v':
			s.WriteString(`\v`)
		default:
			if c >= ' ' && c <= 0x7e {
				s.WriteByte(c)
			} else if i+1 < len(b) && b[i+1] >= '0' && b[i+1] <= '7' {
				fmt.Fprintf(&s, `\%03o`, c)
			} else {
				fmt.Fprintf(&s, `\%o`, c)
			}
		}
	}
	s.WriteByte('"')
	return s.String()
}

// quoteHex is the all-hex form strace uses for random bytes (getrandom).
func quoteHex(b []byte) string {
	var s strings.Builder
	s.WriteByte('"')
	for _, c := range b {
		fmt.Fprintf(&s, `\x%02x`, c)
	}
	s.WriteByte('"')
	return s.String()
}

// pointer is an address as strace prints it: NULL or hex.
func pointer(v uint64) string {
	if v == 0 {
		return "NULL"
	}
	return hex(v)
}

// hex is C's %#lx: "0" for zero, as strace prints it.
func hex(v uint64) string {
	if v == 0 {
		return "0"
	}
	return fmt.Sprintf("%#x", v)
}

// cString prints the NUL-terminated string at addr, at most limit bytes
// of it, with "..." after the quote when it goes on.
func cString(mem Memory, addr uint64, limit int) string {
	if addr == 0 {
		return "NULL"
	}
	s, complete, ok := readCString(mem, addr, limit)
	if !ok {
		return hex(addr)
	}
	if !complete {
		return quote(s) + "..."
	}
	return quote(s)
}

// path prints a pathname argument: in full up to PATH_MAX.
func path(mem Memory, addr uint64) string { return cString(mem, addr, pathMax) }

// buffer prints n bytes at addr, the first maxStrLen of them, with "..."
// after the quote when there are more (strace's printstrn).
func buffer(mem Memory, addr, n uint64, q func([]byte) string) string {
	if addr == 0 {
		return "NULL"
	}
	show := n
	if show > maxStrLen {
		show = maxStrLen
	}
	b, ok := readFull(mem, addr, int(show))
	if !ok && show > 0 {
		return hex(addr)
	}
	if n > show {
		return q(b) + "..."
	}
	return q(b)
}

// argv prints a NULL-terminated array of strings, ["ls", "-l"], at most
// maxStrLen elements of it (strace's printargv).
func argv(mem Memory, addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	var out []string
	for i := 0; ; i++ {
		p, ok := readU64(mem, addr+uint64(i)*8)
		if !ok {
			if i == 0 {
				return hex(addr)
			}
			out = append(out, "...")
			break
		}
		if p == 0 {
			break
		}
		if i == maxStrLen {
			out = append(out, "...")
			break
		}
		out = append(out, cString(mem, p, maxStrLen))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// envp prints the environment as strace abbreviates it: its address and a
// count, 0x7ffe... /* 23 vars */.
func envp(mem Memory, addr uint64) string {
	if addr == 0 {
		return "NULL"
	}
	n := 0
	for ; n < maxRead/8; n++ {
		p, ok := readU64(mem, addr+uint64(n)*8)
		if !ok {
			return hex(addr)
		}
		if p == 0 {
			break
		}
	}
	if n == 1 {
		return hex(addr) + " /* 1 var */"
	}
	return fmt.Sprintf("%#x /* %d vars */", addr, n)
}
