package runtime

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"golang.org/x/sys/unix"
)

// receiveMaster accepts one connection on the console socket and returns
// the pty name and master sent over it.
func receiveMaster(l *net.UnixListener) (string, *os.File, error) {
	c, err := l.AcceptUnix()
	if err != nil {
		return "", nil, err
	}
	defer c.Close()
	buf, oob := make([]byte, 64), make([]byte, unix.CmsgSpace(4))
	n, oobn, _, _, err := c.ReadMsgUnix(buf, oob)
	if err != nil {
		return "", nil, err
	}
	msgs, err := unix.ParseSocketControlMessage(oob[:oobn])
	if err != nil || len(msgs) != 1 {
		return "", nil, fmt.Errorf("control messages: %v %v", msgs, err)
	}
	fds, err := unix.ParseUnixRights(&msgs[0])
	if err != nil || len(fds) != 1 {
		return "", nil, fmt.Errorf("rights: %v %v", fds, err)
	}
	return string(buf[:n]), os.NewFile(uintptr(fds[0]), "pty master"), nil
}

// consoleMaster is what a console socket received: the pty's name and
// its master, or the error.
type consoleMaster struct {
	name   string
	master *os.File
	err    error
}

// listenConsole listens on a console socket in a temp dir and receives
// one pty master from it in the background.
func listenConsole(t *testing.T) (string, <-chan consoleMaster) {
	t.Helper()
	sock := filepath.Join(t.TempDir(), "console.sock")
	l, err := net.ListenUnix("unix", &net.UnixAddr{Name: sock, Net: "unix"})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	ch := make(chan consoleMaster, 1)
	go func() { n, m, err := receiveMaster(l); ch <- consoleMaster{n, m, err} }()
	return sock, ch
}

// TestConsoleSocket: with process.terminal the process's stdio is a pty
// made in the container, whose master arrives on the console socket.
func TestConsoleSocket(t *testing.T) {
	s := testSpec("sh", "-c", "tty; echo done")
	s.Process.Terminal = true
	bundle := makeBundle(t, s)
	sock, ch := listenConsole(t)
	root := t.TempDir()
	c, err := Create(CreateOptions{Root: root, ID: "tty", Bundle: bundle, ConsoleSocket: sock})
	if err != nil {
		t.Fatal(err)
	}
	g := <-ch
	if g.err != nil {
		Delete(root, "tty", true)
		c.Wait()
		t.Fatal(g.err)
	}
	defer g.master.Close()
	if err := Start(root, "tty"); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	buf := make([]byte, 256)
	g.master.SetReadDeadline(time.Now().Add(20 * time.Second))
	for !strings.Contains(out.String(), "done") {
		n, err := g.master.Read(buf)
		out.Write(buf[:n])
		if err != nil {
			break
		}
	}
	if code, err := c.Wait(); code != 0 || err != nil {
		t.Errorf("exit %d, %v", code, err)
	}
	Delete(root, "tty", true)
	if g.name != "/dev/pts/0" || out.String() != "/dev/pts/0\r\ndone\r\n" {
		t.Fatalf("pty %q, output %q; want the process on /dev/pts/0", g.name, out.String())
	}
}

func TestTerminalNeedsConsoleSocket(t *testing.T) {
	s := testSpec("true")
	s.Process.Terminal = true
	expectCreateFails(t, makeBundle(t, s), "process.terminal: needs a console socket")
}
