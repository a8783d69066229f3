package runtime

import (
	"errors"
	"fmt"
	"net"
	"os"
	"strconv"

	"golang.org/x/sys/unix"
)

// The console (runc's --console-socket; runtime-spec config.md
// "process.terminal"). With a terminal the container's stdio is the
// slave of a pseudo-terminal made inside the container, and the master
// goes to whoever listens on the console socket:
//  1. create connects to the socket (a path on the host) and hands the
//     connection to the init as fd 5;
//  2. after pivot_root the init opens /dev/ptmx (the container's devpts
//     instance, pts(4)), unlocks it (TIOCSPTLCK), asks its number
//     (TIOCGPTN) and opens the slave /dev/pts/N;
//  3. it sends the master with SCM_RIGHTS (unix(7)), the pty's name as
//     the message, then closes its copy;
//  4. right before exec it makes the slave fds 0, 1 and 2, starts a new
//     session (setsid(2)) and takes the slave as its controlling terminal
//     (TIOCSCTTY, tty_ioctl(4)).

// consoleFD is the init's fd of the console socket connection.
const consoleFD = 5

// dialConsole connects to the console socket for create.
func dialConsole(path string) (*os.File, error) {
	c, err := net.Dial("unix", path)
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	defer c.Close()
	f, err := c.(*net.UnixConn).File()
	if err != nil {
		return nil, fmt.Errorf("console socket: %w", err)
	}
	return f, nil
}

// openPTY makes a pty in the container and sends its master to the
// console socket; it returns the slave.
func openPTY() (*os.File, error) {
	master, err := os.OpenFile("/dev/ptmx", os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("process.terminal: %w", err)
	}
	defer master.Close()
	mfd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(mfd, unix.TIOCSPTLCK, 0); err != nil {
		return nil, fmt.Errorf("process.terminal: unlockpt: %w", err)
	}
	n, err := unix.IoctlGetInt(mfd, unix.TIOCGPTN)
	if err != nil {
		return nil, fmt.Errorf("process.terminal: ptsname: %w", err)
	}
	name := "/dev/pts/" + strconv.Itoa(n)
	slave, err := os.OpenFile(name, os.O_RDWR|unix.O_NOCTTY, 0)
	if err != nil {
		return nil, fmt.Errorf("process.terminal: %w", err)
	}
	err = unix.Sendmsg(consoleFD, []byte(name), unix.UnixRights(mfd), nil, 0)
	unix.Close(consoleFD)
	if err != nil {
		slave.Close()
		return nil, fmt.Errorf("process.terminal: sending the master to the console socket: %w", err)
	}
	return slave, nil
}

// takeTerminal makes the slave the process's stdio and controlling
// terminal.
func takeTerminal(slave *os.File) error {
	if slave == nil {
		return nil
	}
	fd := int(slave.Fd())
	for i := 0; i < 3; i++ {
		if err := unix.Dup3(fd, i, 0); err != nil {
			return fmt.Errorf("dup3 pty to fd %d: %w", i, err)
		}
	}
	if _, err := unix.Setsid(); err != nil {
		return fmt.Errorf("setsid: %w", err)
	}
	if err := unix.IoctlSetInt(0, unix.TIOCSCTTY, 0); err != nil {
		return fmt.Errorf("TIOCSCTTY: %w", err)
	}
	return nil
}

var errNoConsole = errors.New("process.terminal: needs a console socket (--console-socket)")
