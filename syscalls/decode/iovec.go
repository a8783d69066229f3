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
		s += "msg_control=" + cmsgs(mem, control, controllen) + ", "
	}
	return s + fmt.Sprintf("msg_controllen=%d, msg_flags=%s}", controllen, msgFlags.format(uint64(le.Uint32(b[48:]))))
}

var scmTypes = enum{"SCM", []flag{{1, "SCM_RIGHTS"}, {2, "SCM_CREDENTIALS"}, {3, "SCM_SECURITY"}, {29, "SO_TIMESTAMP_OLD"}}}

// cmsgs prints the control messages of a msghdr (cmsg(3)): each
// {cmsg_len, cmsg_level, cmsg_type, cmsg_data}, with the descriptors of
// SCM_RIGHTS and the credentials of SCM_CREDENTIALS decoded.
func cmsgs(mem Memory, addr, n uint64) string {
	b, ok := readFull(mem, addr, int(min(n, 4096)))
	if !ok {
		return pointer(addr)
	}
	var out []string
	for off := 0; off+16 <= len(b); {
		l := le.Uint64(b[off:])
		if l < 16 || l > uint64(len(b)-off) {
			break
		}
		level, typ, data := uint64(le.Uint32(b[off+8:])), uint64(le.Uint32(b[off+12:])), b[off+16:off+int(l)]
		out = append(out, fmt.Sprintf("{cmsg_len=%d, cmsg_level=%s, cmsg_type=%s, cmsg_data=%s}",
			l, sockLevel(level), cmsgType(level, typ), cmsgData(level, typ, data)))
		off += int(l+7) &^ 7
	}
	return "[" + strings.Join(out, ", ") + "]"
}

func cmsgType(level, typ uint64) string {
	if level == 1 {
		if n := scmTypes.name(typ); n != "" {
			return n
		}
	}
	return hex(typ)
}

func cmsgData(level, typ uint64, d []byte) string {
	switch {
	case level == 1 && typ == 1:
		fds := make([]string, len(d)/4)
		for i := range fds {
			fds[i] = fmt.Sprint(int32(le.Uint32(d[i*4:])))
		}
		return "[" + strings.Join(fds, ", ") + "]"
	case level == 1 && typ == 2 && len(d) >= 12:
		return fmt.Sprintf("{pid=%d, uid=%d, gid=%d}", int32(le.Uint32(d)), le.Uint32(d[4:]), le.Uint32(d[8:]))
	}
	if len(d) > maxStrLen {
		return quote(d[:maxStrLen]) + "..."
	}
	return quote(d)
}
