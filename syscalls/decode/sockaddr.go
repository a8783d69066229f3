package decode

import (
	"fmt"
	"net/netip"
	"strconv"
)

var families = enum{"AF", []flag{
	{0, "AF_UNSPEC"}, {1, "AF_UNIX"}, {2, "AF_INET"}, {3, "AF_AX25"}, {4, "AF_IPX"}, {5, "AF_APPLETALK"},
	{6, "AF_NETROM"}, {7, "AF_BRIDGE"}, {8, "AF_ATMPVC"}, {9, "AF_X25"}, {10, "AF_INET6"}, {16, "AF_NETLINK"},
	{17, "AF_PACKET"}, {29, "AF_CAN"}, {31, "AF_BLUETOOTH"}, {38, "AF_ALG"}, {40, "AF_VSOCK"}, {44, "AF_XDP"},
}}

var sockTypes = enum{"SOCK", []flag{
	{1, "SOCK_STREAM"}, {2, "SOCK_DGRAM"}, {3, "SOCK_RAW"}, {4, "SOCK_RDM"}, {5, "SOCK_SEQPACKET"},
	{6, "SOCK_DCCP"}, {10, "SOCK_PACKET"},
}}

var sockTypeFlags = flags{"SOCK", []flag{{0x80000, "SOCK_CLOEXEC"}, {0x800, "SOCK_NONBLOCK"}}}

// sockType prints socket(2)'s type: SOCK_STREAM|SOCK_CLOEXEC.
func sockType(v uint64) string {
	v &= 0xffffffff
	var parts []string
	if n := sockTypes.name(v & 0xf); n != "" {
		parts, v = []string{n}, v&^0xf
	}
	names, rest := sockTypeFlags.split(v)
	parts = append(parts, names...)
	if len(parts) == 0 {
		return fmt.Sprintf("%#x /* SOCK_??? */", rest)
	}
	return joinFlags(parts, rest, "SOCK")
}

var ipProtos = enum{"IPPROTO", []flag{
	{0, "IPPROTO_IP"}, {1, "IPPROTO_ICMP"}, {2, "IPPROTO_IGMP"}, {4, "IPPROTO_IPIP"}, {6, "IPPROTO_TCP"},
	{17, "IPPROTO_UDP"}, {41, "IPPROTO_IPV6"}, {47, "IPPROTO_GRE"}, {58, "IPPROTO_ICMPV6"},
	{132, "IPPROTO_SCTP"}, {136, "IPPROTO_UDPLITE"}, {255, "IPPROTO_RAW"}, {262, "IPPROTO_MPTCP"},
}}

var netlinkProtos = enum{"NETLINK", []flag{
	{0, "NETLINK_ROUTE"}, {4, "NETLINK_SOCK_DIAG"}, {6, "NETLINK_XFRM"}, {9, "NETLINK_AUDIT"},
	{12, "NETLINK_NETFILTER"}, {15, "NETLINK_KOBJECT_UEVENT"}, {16, "NETLINK_GENERIC"},
}}

// sockProto prints socket(2)'s protocol in the family's terms (argument 0).
func sockProto(family, v uint64) string {
	var e enum
	switch family {
	case 2, 10:
		e = ipProtos
	case 16:
		e = netlinkProtos
	default:
		return strconv.FormatInt(int64(int32(v)), 10)
	}
	if n := e.name(v & 0xffffffff); n != "" {
		return n
	}
	return strconv.FormatInt(int64(int32(v)), 10)
}

// sockaddr prints the socket address of n bytes at addr:
// {sa_family=AF_INET, sin_port=htons(80), sin_addr=inet_addr("127.0.0.1")}.
func sockaddr(mem Memory, addr, n uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if n > 128 {
		n = 128
	}
	if n < 2 {
		return hex(addr)
	}
	b, ok := readFull(mem, addr, int(n))
	if !ok {
		return hex(addr)
	}
	fam := uint64(le.Uint16(b))
	head := "{sa_family=" + families.format(fam)
	switch {
	case fam == 1:
		return head + unixPath(b[2:]) + "}"
	case fam == 2 && len(b) >= 8:
		ip := netip.AddrFrom4([4]byte(b[4:8]))
		return fmt.Sprintf("%s, sin_port=htons(%d), sin_addr=inet_addr(%q)}", head, be16(b[2:]), ip)
	case fam == 10 && len(b) >= 24:
		ip := netip.AddrFrom16([16]byte(b[8:24]))
		s := fmt.Sprintf("%s, sin6_port=htons(%d), sin6_flowinfo=htonl(%d), inet_pton(AF_INET6, %q, &sin6_addr)",
			head, be16(b[2:]), be32(b[4:]), ip)
		if len(b) >= 28 {
			s += fmt.Sprintf(", sin6_scope_id=%d", le.Uint32(b[24:]))
		}
		return s + "}"
	case fam == 16 && len(b) >= 12:
		return fmt.Sprintf("%s, nl_pid=%d, nl_groups=%08x}", head, le.Uint32(b[4:]), le.Uint32(b[8:]))
	}
	return head + ", sa_data=" + quote(b[2:]) + "}"
}

// unixPath prints sun_path: "/path", @"abstract", or nothing when empty.
func unixPath(p []byte) string {
	if len(p) == 0 {
		return ""
	}
	if p[0] == 0 {
		if len(p) == 1 {
			return ", sun_path=@\"\""
		}
		return ", sun_path=@" + quote(trimNUL(p[1:]))
	}
	return ", sun_path=" + quote(trimNUL(p))
}

func trimNUL(p []byte) []byte {
	for i, c := range p {
		if c == 0 {
			return p[:i]
		}
	}
	return p
}

func be16(b []byte) uint16 { return uint16(b[0])<<8 | uint16(b[1]) }
func be32(b []byte) uint32 { return uint32(be16(b))<<16 | uint32(be16(b[2:])) }

var msgFlags = flags{"MSG", []flag{
	{0x1, "MSG_OOB"}, {0x2, "MSG_PEEK"}, {0x4, "MSG_DONTROUTE"}, {0x8, "MSG_CTRUNC"}, {0x10, "MSG_PROBE"},
	{0x20, "MSG_TRUNC"}, {0x40, "MSG_DONTWAIT"}, {0x80, "MSG_EOR"}, {0x100, "MSG_WAITALL"}, {0x200, "MSG_FIN"},
	{0x400, "MSG_SYN"}, {0x800, "MSG_CONFIRM"}, {0x1000, "MSG_RST"}, {0x2000, "MSG_ERRQUEUE"},
	{0x4000, "MSG_NOSIGNAL"}, {0x8000, "MSG_MORE"}, {0x10000, "MSG_WAITFORONE"}, {0x20000, "MSG_SENDPAGE_NOTLAST"},
	{0x40000, "MSG_BATCH"}, {0x80000, "MSG_NO_SHARED_FRAGS"}, {0x4000000, "MSG_ZEROCOPY"},
	{0x20000000, "MSG_FASTOPEN"}, {0x40000000, "MSG_CMSG_CLOEXEC"}, {0x80000000, "MSG_CMSG_COMPAT"},
}}

var shutdownHow = enum{"SHUT", []flag{{0, "SHUT_RD"}, {1, "SHUT_WR"}, {2, "SHUT_RDWR"}}}

var sockLevels = enum{"SOL", []flag{
	{0, "SOL_IP"}, {1, "SOL_SOCKET"}, {6, "SOL_TCP"}, {17, "SOL_UDP"}, {41, "SOL_IPV6"}, {58, "SOL_ICMPV6"},
	{255, "SOL_RAW"}, {263, "SOL_PACKET"}, {270, "SOL_NETLINK"},
}}

// sockLevel prints a socket option level (strace's comment says "SOL_??").
func sockLevel(v uint64) string {
	if n := sockLevels.name(v & 0xffffffff); n != "" {
		return n
	}
	return fmt.Sprintf("%#x /* SOL_?? */", v&0xffffffff)
}

var sockOptNames = map[uint64]enum{
	1: {"SO", []flag{
		{1, "SO_DEBUG"}, {2, "SO_REUSEADDR"}, {3, "SO_TYPE"}, {4, "SO_ERROR"}, {5, "SO_DONTROUTE"},
		{6, "SO_BROADCAST"}, {7, "SO_SNDBUF"}, {8, "SO_RCVBUF"}, {9, "SO_KEEPALIVE"}, {10, "SO_OOBINLINE"},
		{11, "SO_NO_CHECK"}, {12, "SO_PRIORITY"}, {13, "SO_LINGER"}, {14, "SO_BSDCOMPAT"}, {15, "SO_REUSEPORT"},
		{16, "SO_PASSCRED"}, {17, "SO_PEERCRED"}, {18, "SO_RCVLOWAT"}, {19, "SO_SNDLOWAT"},
		{20, "SO_RCVTIMEO_OLD"}, {21, "SO_SNDTIMEO_OLD"}, {25, "SO_BINDTODEVICE"}, {26, "SO_ATTACH_FILTER"},
		{29, "SO_TIMESTAMP_OLD"}, {30, "SO_ACCEPTCONN"}, {31, "SO_PEERSEC"}, {32, "SO_SNDBUFFORCE"},
		{33, "SO_RCVBUFFORCE"}, {34, "SO_PASSSEC"}, {36, "SO_MARK"}, {38, "SO_PROTOCOL"}, {39, "SO_DOMAIN"},
		{46, "SO_BUSY_POLL"}, {47, "SO_MAX_PACING_RATE"}, {50, "SO_ATTACH_BPF"}, {59, "SO_PEERGROUPS"},
		{60, "SO_ZEROCOPY"}, {62, "SO_BINDTOIFINDEX"},
	}},
	6: {"TCP", []flag{
		{1, "TCP_NODELAY"}, {2, "TCP_MAXSEG"}, {3, "TCP_CORK"}, {4, "TCP_KEEPIDLE"}, {5, "TCP_KEEPINTVL"},
		{6, "TCP_KEEPCNT"}, {7, "TCP_SYNCNT"}, {8, "TCP_LINGER2"}, {9, "TCP_DEFER_ACCEPT"},
		{10, "TCP_WINDOW_CLAMP"}, {11, "TCP_INFO"}, {12, "TCP_QUICKACK"}, {13, "TCP_CONGESTION"},
		{18, "TCP_USER_TIMEOUT"}, {23, "TCP_FASTOPEN"}, {30, "TCP_FASTOPEN_CONNECT"},
	}},
	0: {"IP", []flag{
		{1, "IP_TOS"}, {2, "IP_TTL"}, {3, "IP_HDRINCL"}, {4, "IP_OPTIONS"}, {7, "IP_RECVERR"}, {8, "IP_PKTINFO"},
		{10, "IP_MTU_DISCOVER"}, {11, "IP_RECVERR"}, {32, "IP_MULTICAST_IF"}, {33, "IP_MULTICAST_TTL"},
		{34, "IP_MULTICAST_LOOP"}, {35, "IP_ADD_MEMBERSHIP"}, {36, "IP_DROP_MEMBERSHIP"},
	}},
	41: {"IPV6", []flag{
		{16, "IPV6_UNICAST_HOPS"}, {17, "IPV6_MULTICAST_IF"}, {18, "IPV6_MULTICAST_HOPS"},
		{19, "IPV6_MULTICAST_LOOP"}, {20, "IPV6_ADD_MEMBERSHIP"}, {21, "IPV6_DROP_MEMBERSHIP"},
		{25, "IPV6_RECVERR"}, {26, "IPV6_V6ONLY"}, {49, "IPV6_RECVPKTINFO"}, {67, "IPV6_TCLASS"},
	}},
}

// sockOptName prints an option name in its level's terms, or the number.
func sockOptName(level, v uint64) string {
	if e, ok := sockOptNames[level&0xffffffff]; ok {
		if n := e.name(v & 0xffffffff); n != "" {
			return n
		}
	}
	return strconv.FormatInt(int64(int32(v)), 10)
}

// sockOptVal prints an option value of n bytes: [1] for an int, the bytes
// otherwise.
func sockOptVal(mem Memory, addr, n uint64) string {
	if addr == 0 {
		return "NULL"
	}
	if n == 4 {
		if v, ok := readU32(mem, addr); ok {
			return fmt.Sprintf("[%d]", int32(v))
		}
		return hex(addr)
	}
	return buffer(mem, addr, n, quote)
}

// outSockaddr prints a returned address, as long as the returned length
// (the argument @N points to) says, and no longer than the buffer.
func outSockaddr(a arg) string {
	lenp := a.length()
	n, ok := readU32(a.mem, lenp)
	if !ok {
		return pointer(a.v)
	}
	if j, _, ok := a.linkIndex(); ok && a.c.saved[j] <= 0xffffffff && uint64(n) > a.c.saved[j] {
		n = uint32(a.c.saved[j])
	}
	return sockaddr(a.mem, a.v, uint64(n))
}

func outSockOptVal(a arg) string {
	n, ok := readU32(a.mem, a.length())
	if !ok {
		return pointer(a.v)
	}
	return sockOptVal(a.mem, a.v, uint64(n))
}
