package decode

import (
	"fmt"
	"strings"
)

var pollEvents = flags{"POLL", []flag{
	{0x1, "POLLIN"}, {0x2, "POLLPRI"}, {0x4, "POLLOUT"}, {0x8, "POLLERR"}, {0x10, "POLLHUP"}, {0x20, "POLLNVAL"},
	{0x40, "POLLRDNORM"}, {0x80, "POLLRDBAND"}, {0x100, "POLLWRNORM"}, {0x200, "POLLWRBAND"}, {0x400, "POLLMSG"},
	{0x1000, "POLLREMOVE"}, {0x2000, "POLLRDHUP"},
}}

// maxPollFds bounds how many pollfds are read (the kernel's RLIMIT_NOFILE
// bounds the real count; registers are untrusted).
const maxPollFds = 4096

// pollfds prints poll(2)'s array at entry: [{fd=3, events=POLLIN}]; a
// negative fd is ignored by the kernel and printed alone, {fd=-1}.
func pollfds(mem Memory, addr, n uint64) string {
	return pollArray(mem, addr, n, false)
}

// pollRevents is the note after poll's result: ([{fd=3, revents=POLLIN}]),
// only the entries with events, or (Timeout) for 0.
func pollRevents(mem Memory, addr, n uint64, ret int64) string {
	if ret == 0 {
		return "Timeout"
	}
	s := pollArray(mem, addr, n, true)
	if s == hex(addr) {
		return ""
	}
	return s
}

func pollArray(mem Memory, addr, n uint64, revents bool) string {
	if addr == 0 {
		return "NULL"
	}
	if n > maxPollFds {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int(n)*8)
	if !ok {
		return hex(addr)
	}
	var out []string
	for i := 0; i < int(n); i++ {
		fd, ev, rev := int32(le.Uint32(b[i*8:])), uint64(le.Uint16(b[i*8+4:])), uint64(le.Uint16(b[i*8+6:]))
		switch {
		case revents && rev != 0:
			out = append(out, fmt.Sprintf("{fd=%d, revents=%s}", fd, pollEvents.format(rev)))
		case revents:
		case fd < 0:
			out = append(out, fmt.Sprintf("{fd=%d}", fd))
		default:
			out = append(out, fmt.Sprintf("{fd=%d, events=%s}", fd, pollEvents.format(ev)))
		}
	}
	return "[" + strings.Join(out, ", ") + "]"
}

var epollEvents = flags{"EPOLL", []flag{
	{0x1, "EPOLLIN"}, {0x2, "EPOLLPRI"}, {0x4, "EPOLLOUT"}, {0x8, "EPOLLERR"}, {0x10, "EPOLLHUP"},
	{0x20, "EPOLLNVAL"}, {0x40, "EPOLLRDNORM"}, {0x80, "EPOLLRDBAND"}, {0x100, "EPOLLWRNORM"},
	{0x200, "EPOLLWRBAND"}, {0x400, "EPOLLMSG"}, {0x2000, "EPOLLRDHUP"}, {1 << 28, "EPOLLEXCLUSIVE"},
	{1 << 29, "EPOLLWAKEUP"}, {1 << 30, "EPOLLONESHOT"}, {1 << 31, "EPOLLET"},
}}

var epollOps = enum{"EPOLL_CTL", []flag{{1, "EPOLL_CTL_ADD"}, {2, "EPOLL_CTL_DEL"}, {3, "EPOLL_CTL_MOD"}}}

// epollEvent formats one packed struct epoll_event (12 bytes on x86-64).
func epollEvent(b []byte) string {
	data := le.Uint64(b[4:])
	return fmt.Sprintf("{events=%s, data={u32=%d, u64=%d}}", epollEvents.format(uint64(le.Uint32(b))), uint32(data), data)
}

// epollEvents prints n events at addr (epoll_ctl: one; epoll_wait: the
// result's count).
func epollEventArray(mem Memory, addr, n uint64, array bool) string {
	if addr == 0 {
		return "NULL"
	}
	if n > maxPollFds {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int(n)*12)
	if !ok {
		return hex(addr)
	}
	out := make([]string, n)
	for i := range out {
		out[i] = epollEvent(b[i*12:])
	}
	if !array {
		return strings.Join(out, ", ")
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// ppollNote is poll's note plus the time left: ([...], left {tv_sec=0,
// tv_nsec=0}); or (Timeout).
func ppollNote(c *Call, mem Memory) string {
	s := pollRevents(mem, c.Args[0], c.Args[1], c.Ret)
	if c.Ret == 0 || c.Args[2] == 0 {
		return s
	}
	if s != "" {
		s += ", "
	}
	return s + "left " + timespec(mem, c.Args[2])
}
