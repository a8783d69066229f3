package decode

import (
	"testing"

	"github.com/deepsys/deepsys/syscalls/systab"
)

// anyMem answers every address with the fuzzer's bytes (cycled from
// addr mod len), so every pointer an argument holds leads somewhere, and
// fails for the addresses in the low page, as an unmapped page does.
type anyMem []byte

func (m anyMem) ReadMemory(addr uint64, p []byte) (int, error) {
	if len(m) == 0 || addr < 4096 {
		return 0, errFault
	}
	for i := range p {
		p[i] = m[(addr+uint64(i))%uint64(len(m))]
	}
	return len(p), nil
}

// FuzzDecode runs the whole Enter/Exit/String path on random registers,
// results and memory: it must never panic, loop or print nothing.
func FuzzDecode(f *testing.F) {
	f.Add(uint16(257), uint64(0xffffff9c), uint64(0x10000), uint64(0x80000), uint64(0), uint64(0), uint64(0), int64(3), []byte("/etc/passwd\x00"))
	f.Add(uint16(0), uint64(3), uint64(0x10000), uint64(832), uint64(0), uint64(0), uint64(0), int64(832), []byte("\x7fELF\x02\x01"))
	f.Add(uint16(59), uint64(0x10000), uint64(0x10010), uint64(0x10010), uint64(0), uint64(0), uint64(0), int64(0), []byte("ls\x00\x00\x00\x00\x00\x00\x00\x00\x01\x00\x00\x00\x00\x00\x00\x00"))
	f.Add(uint16(56), uint64(0x1200011), uint64(0), uint64(0), uint64(0x10000), uint64(0), uint64(0), int64(42), []byte{})
	f.Add(uint16(435), uint64(0x10000), uint64(88), uint64(0), uint64(0), uint64(0), uint64(0), int64(42), []byte{0xff, 0xff, 0xff, 0xff})
	f.Add(uint16(7), uint64(0x10000), uint64(4096), uint64(0), uint64(0), uint64(0), uint64(0), int64(1), []byte{3, 0, 0, 0, 1, 0, 1, 0})
	f.Add(uint16(47), uint64(3), uint64(0x10000), uint64(0), uint64(0), uint64(0), uint64(0), int64(-1<<62), []byte{1})
	f.Add(uint16(157), uint64(0x53564d41), uint64(0), uint64(0x1000), uint64(4096), uint64(0x10000), uint64(0), int64(0), []byte("x\x00"))
	f.Add(uint16(16), uint64(3), uint64(0x5401), uint64(0x10000), uint64(0), uint64(0), uint64(0), int64(0), []byte{0xff, 0xff})
	f.Add(uint16(280), uint64(0xffffff9c), uint64(0x10000), uint64(0x10000), uint64(0), uint64(0), uint64(0), int64(0), []byte{9, 9, 9, 9, 9, 9, 9, 9, 0xff, 0xff, 0xff, 0x3f, 0, 0, 0, 0})
	f.Add(uint16(46), uint64(3), uint64(0x10000), uint64(0), uint64(0), uint64(0), uint64(0), int64(3), []byte{0x10, 0, 1, 0, 0, 0, 0, 0})
	f.Add(uint16(15), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), uint64(0), int64(0), []byte{0xff})
	f.Fuzz(func(t *testing.T, nr uint16, a0, a1, a2, a3, a4, a5 uint64, ret int64, mem []byte) {
		n := int(nr) % (systab.Max() + 2)
		args := [6]uint64{a0, a1, a2, a3, a4, a5}
		c := Enter(n, args, spAnyMem{anyMem(mem)})
		if c.String() == "" {
			t.Fatal("empty line before exit")
		}
		c.Exit(ret, anyMem(mem))
		if c.String() == "" || c.Name == "" {
			t.Fatal("empty line")
		}
		// A dead tracee: nothing readable at either stop.
		c = Enter(n, args, nil)
		c.Exit(ret, failingMem{})
		_ = c.String()
	})
}

// spAnyMem also gives a stack pointer, for rt_sigreturn's frame.
type spAnyMem struct{ anyMem }

func (spAnyMem) StackPointer() uint64 { return 0x10000 }

type failingMem struct{}

func (failingMem) ReadMemory(uint64, []byte) (int, error) { return 0, errFault }

// FuzzQuote checks that strace's string notation loses nothing: reading
// the literal back as C does gives the bytes again (the octal rule about
// a following digit is what makes this hold).
func FuzzQuote(f *testing.F) {
	f.Add([]byte("\x7fELF\x02\x01\x01\x03\x00\x00"))
	f.Add([]byte("a\x011b\x7f9\x80z"))
	f.Add([]byte("tab\there\n\"q\\\r\v\f\x00"))
	f.Fuzz(func(t *testing.T, b []byte) {
		q := quote(b)
		got, err := unquoteC(q)
		if err != nil || string(got) != string(b) {
			t.Fatalf("quote(%q) = %s, reads back as %q (%v)", b, q, got, err)
		}
	})
}

// unquoteC reads a C string literal with octal escapes.
func unquoteC(q string) ([]byte, error) {
	if len(q) < 2 || q[0] != '"' || q[len(q)-1] != '"' {
		return nil, errFault
	}
	q = q[1 : len(q)-1]
	var out []byte
	for i := 0; i < len(q); i++ {
		if q[i] != '\\' {
			out = append(out, q[i])
			continue
		}
		i++
		if i == len(q) {
			return nil, errFault
		}
		if c, ok := map[byte]byte{'"': '"', '\\': '\\', 'f': '\f', 'n': '\n', 'r': '\r', 't': '\t', 'v': '\v'}[q[i]]; ok {
			out = append(out, c)
			continue
		}
		v, n := 0, 0
		for ; n < 3 && i+n < len(q) && q[i+n] >= '0' && q[i+n] <= '7'; n++ {
			v = v*8 + int(q[i+n]-'0')
		}
		if n == 0 || v > 255 {
			return nil, errFault
		}
		out = append(out, byte(v))
		i += n - 1
	}
	return out, nil
}
