package trace

import (
	"bytes"
	"os"
	"strings"
	"testing"
	"unsafe"
)

// TestMemoryReads reads a buffer of this process through both paths,
// process_vm_readv and /proc/PID/mem, and an unmapped address through
// ReadMemory, which must fail naming the pid and the address.
func TestMemoryReads(t *testing.T) {
	want := []byte("deepsys tracee memory \x00 with a NUL")
	addr := uint64(uintptr(unsafe.Pointer(&want[0])))
	m := &Memory{Pid: os.Getpid()}
	defer m.Close()
	for name, read := range map[string]func(uint64, []byte) (int, error){
		"ReadMemory": m.ReadMemory, "process_vm_readv": m.readv, "/proc/PID/mem": m.readProc,
	} {
		got := make([]byte, len(want))
		n, err := read(addr, got)
		if err != nil || n != len(want) || !bytes.Equal(got, want) {
			t.Errorf("%s: %d, %v, %q", name, n, err, got)
		}
	}
	_, err := m.ReadMemory(8, make([]byte, 4))
	if err == nil || !strings.Contains(err.Error(), "0x8") || !strings.Contains(err.Error(), itoa(os.Getpid())) {
		t.Errorf("unmapped address: %v", err)
	}
}
