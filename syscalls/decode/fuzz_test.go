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
	f.Fuzz(func(t *testing.T, nr uint16, a0, a1, a2, a3, a4, a5 uint64, ret int64, mem []byte) {
		n := int(nr) % (systab.Max() + 2)
		args := [6]uint64{a0, a1, a2, a3, a4, a5}
		c := Enter(n, args, anyMem(mem))
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

type failingMem struct{}

func (failingMem) ReadMemory(uint64, []byte) (int, error) { return 0, errFault }
