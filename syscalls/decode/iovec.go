package decode

import (
	"fmt"
	"strings"
)

// iovecs prints an array of cnt struct iovec at addr:
// [{iov_base="abc", iov_len=3}, ...]. data bounds the bytes shown across
// the array: what the kernel read (writev) or wrote (readv: the result);
// -1 means each iov_len. At most maxStrLen elements print, then "...".
func iovecs(mem Memory, addr, cnt uint64, data int64) string {
	if addr == 0 {
		return "NULL"
	}
	if cnt > 1024 { // UIO_MAXIOV
		return hex(addr)
	}
	var out []string
	for i := uint64(0); i < cnt; i++ {
		if i == maxStrLen {
			out = append(out, "...")
			break
		}
		b, ok := readFull(mem, addr+16*i, 16)
		if !ok {
			if i == 0 {
				return hex(addr)
			}
			out = append(out, "...")
			break
		}
		base, n := le.Uint64(b), le.Uint64(b[8:])
		show := n
		if data >= 0 {
			show = min(n, uint64(data))
			data -= int64(show)
		}
		out = append(out, fmt.Sprintf("{iov_base=%s, iov_len=%d}", buffer(mem, base, show, quote), n))
	}
	return "[" + strings.Join(out, ", ") + "]"
}

// msghdr prints struct msghdr (sendmsg, recvmsg); data bounds the bytes
// shown from msg_iov as for iovecs.
func msghdr(mem Memory, addr uint64, data int64) string {
	b, ok := readFull(mem, addr, 56)
	if !ok {
		return pointer(addr)
	}
	name, namelen := le.Uint64(b), uint64(le.Uint32(b[8:]))
	iov, iovlen := le.Uint64(b[16:]), le.Uint64(b[24:])
	control, controllen := le.Uint64(b[32:]), le.Uint64(b[40:])
	s := fmt.Sprintf("{msg_name=%s, msg_namelen=%d, msg_iov=%s, msg_iovlen=%d, ",
		sockaddr(mem, name, namelen), namelen, iovecs(mem, iov, iovlen, data), iovlen)
	if controllen != 0 {
		s += "msg_control=" + pointer(control) + ", "
	}
	return s + fmt.Sprintf("msg_controllen=%d, msg_flags=%s}", controllen, msgFlags.format(uint64(le.Uint32(b[48:]))))
}
