package decode

import (
	"testing"

	"golang.org/x/sys/unix"
)

func TestUndecodedAndErrno(t *testing.T) {
	c := Enter(unix.SYS_CLOSE, [6]uint64{3}, nil)
	c.Exit(-int64(unix.EBADF), nil)
	if got, want := c.RetString(), "-1 EBADF (Bad file descriptor)"; got != want {
		t.Errorf("RetString = %q, want %q", got, want)
	}
	c = Enter(99999, [6]uint64{1, 2}, nil)
	c.Exit(0, nil)
	if got, want := c.String(), "syscall_99999(0x1, 0x2, 0x0, 0x0, 0x0, 0x0) = 0"; got != want {
		t.Errorf("String = %q, want %q", got, want)
	}
}
