package trace

import (
	"errors"
	"fmt"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// Memory reads a stopped tracee's memory for the decoder
// (decode.Memory). It tries process_vm_readv(2) first, one copy with no
// file descriptor, and falls back to pread(2) on /proc/PID/mem, which
// also reads pages process_vm_readv refuses (proc(5): "mem"; both need
// ptrace access mode PTRACE_MODE_ATTACH_REALCREDS, which a tracer has).
type Memory struct {
	Pid int
	// SP is the tracee's stack pointer at its latest syscall entry
	// (decode.StackPointer: rt_sigreturn's signal frame is found there).
	SP  uint64
	mem *os.File // /proc/PID/mem, opened on first fallback
}

// StackPointer is SP (decode.StackPointer).
func (m *Memory) StackPointer() uint64 { return m.SP }

// ReadMemory fills p from the tracee's address addr and returns how many
// bytes it read. A short count with a nil error means the range crossed
// into unmapped memory after n bytes.
func (m *Memory) ReadMemory(addr uint64, p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	n, err := m.readv(addr, p)
	if err == nil && n > 0 {
		return n, nil
	}
	n, ferr := m.readProc(addr, p)
	if ferr != nil {
		return n, fmt.Errorf("read %d bytes at %#x of pid %d: %w", len(p), addr, m.Pid, errors.Join(err, ferr))
	}
	return n, nil
}

func (m *Memory) readv(addr uint64, p []byte) (int, error) {
	local := []unix.Iovec{{Base: &p[0], Len: uint64(len(p))}}
	remote := []unix.RemoteIovec{{Base: uintptr(addr), Len: len(p)}}
	return unix.ProcessVMReadv(m.Pid, local, remote, 0)
}

func (m *Memory) readProc(addr uint64, p []byte) (int, error) {
	if m.mem == nil {
		f, err := os.Open("/proc/" + strconv.Itoa(m.Pid) + "/mem")
		if err != nil {
			return 0, err
		}
		m.mem = f
	}
	if addr > 1<<63-1 {
		return 0, fmt.Errorf("address %#x beyond the file offsets of /proc/PID/mem", addr)
	}
	n, err := unix.Pread(int(m.mem.Fd()), p, int64(addr))
	if n < 0 {
		n = 0
	}
	return n, err
}

// Close releases /proc/PID/mem if the fallback opened it.
func (m *Memory) Close() error {
	if m.mem == nil {
		return nil
	}
	err := m.mem.Close()
	m.mem = nil
	return err
}
