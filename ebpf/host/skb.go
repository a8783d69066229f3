package host

// The socket-filter and TC hooks (net/core/filter.c; the skb that
// net/bpf/test_run.c bpf_prog_test_run_skb builds): the program sees a
// packet through struct __sk_buff.
//
//  1. The packet goes to PacketAddr in the packet window, as for XDP
//     (xdp.go). BPF_PROG_TEST_RUN runs eth_type_trans on it, which sets
//     protocol and pkt_type from the Ethernet header (against the loopback
//     device: address and broadcast address all zero) and pulls the header;
//     a TC program (is_l2) gets it pushed back, a socket filter does not.
//     So skb->data, where __sk_buff.data points and where legacy LD_ABS and
//     LD_IND loads read (interp's packet.go, step 4), is the Ethernet
//     header for TC and the network header for a socket filter, and len
//     counts from there.
//  2. __sk_buff holds len, pkt_type, protocol (the __be16 as loaded),
//     ifindex 1 (lo), data, data_end and data_meta (32-bit addresses, as
//     xdp_md's); the rest is 0, as the kernel's is without a context in.
//  3. r0 is, for a socket filter, the number of bytes to keep (0 drops the
//     packet; sk_filter_trim_cap), for TC a TC_ACT_* verdict. The packet
//     that comes out is the whole frame, as BPF_PROG_TEST_RUN's data_out:
//     for a socket filter the kernel pushes the Ethernet header back as
//     zeros, and so do we.
//
// Not done: the skb helpers that reshape the packet (bpf_skb_store_bytes,
// bpf_skb_change_head/tail, bpf_skb_adjust_room, vlan push/pop), the
// context fields the kernel lets programs write (mark, priority, cb[],
// tc_index, ...: stores to the context are kept but do not go anywhere),
// and a __sk_buff given as input.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// TC verdicts (uapi/linux/pkt_cls.h).
const (
	TCActUnspec   = -1
	TCActOK       = 0
	TCActShot     = 2
	TCActRedirect = 7
)

// TCActionName names a TC verdict.
func TCActionName(r0 uint64) string {
	names := [...]string{"TC_ACT_OK", "TC_ACT_RECLASSIFY", "TC_ACT_SHOT", "TC_ACT_PIPE", "TC_ACT_STOLEN", "TC_ACT_QUEUED", "TC_ACT_REPEAT", "TC_ACT_REDIRECT", "TC_ACT_TRAP"}
	switch v := int32(r0); {
	case v == TCActUnspec:
		return "TC_ACT_UNSPEC"
	case v >= 0 && int(v) < len(names):
		return names[v]
	}
	return fmt.Sprintf("unknown TC verdict %d", int32(r0))
}

// struct __sk_buff's fields (uapi/linux/bpf.h) that the hook fills.
const (
	skbLen      = 0
	skbPktType  = 4
	skbProtocol = 16
	skbIfindex  = 40
	skbData     = 76
	skbDataEnd  = 80
	skbDataMeta = 140
	skbSize     = 192 // sizeof(struct __sk_buff)
	loIfindex   = 1
)

// Packet types (uapi/linux/if_packet.h).
const (
	packetHost      = 0
	packetBroadcast = 1
	packetMulticast = 2
	packetOtherHost = 3
)

// SkbResult is what a socket filter or TC run leaves.
type SkbResult struct {
	Retval   uint64 // r0: bytes to keep (socket filter) or a TC verdict
	Packet   []byte // the frame after the run, Ethernet header included
	Redirect uint32 // bpf_redirect's ifindex, with TC_ACT_REDIRECT
}

// skbRun is the packet, context and helper state of skb runs, reused as
// xdpRun is.
type skbRun struct {
	pkt   interp.Packet
	ctx   [skbSize]byte
	frame int // the frame's end: Packet covers [PacketAddr, frame)
	st    runState
	dirty extent // what the last packet may have left: its bytes (the window never moves here)
}

var skbRuns = sync.Pool{New: func() any { return &skbRun{pkt: interp.Packet{Buf: make([]byte, frameBuf)}} }}

func (r *skbRun) release() { skbRuns.Put(r) }

func newSkbRun(kind Kind, packet []byte) (*skbRun, error) {
	if len(packet) < ethHLen || len(packet) > XDPMaxPacket {
		return nil, fmt.Errorf("host: a packet of %d bytes: BPF_PROG_TEST_RUN takes %d to %d here", len(packet), ethHLen, XDPMaxPacket)
	}
	if need := networkHeader[binary.BigEndian.Uint16(packet[12:])]; len(packet) < ethHLen+need {
		return nil, fmt.Errorf("host: a packet of %d bytes: BPF_PROG_TEST_RUN wants %d bytes of network header after the Ethernet header for EtherType %#04x", len(packet), need, binary.BigEndian.Uint16(packet[12:]))
	}
	r := skbRuns.Get().(*skbRun)
	r.reset(kind, packet)
	return r, nil
}

// reset lays packet out in r's frame, clearing what the last one left.
func (r *skbRun) reset(kind Kind, packet []byte) {
	clear(r.pkt.Buf[r.dirty.lo:r.dirty.hi]) // as xdp.go, step 4
	r.ctx = [skbSize]byte{}
	r.frame = PacketAddr + len(packet)
	r.dirty = extent{PacketAddr, r.frame}
	r.pkt.Data, r.pkt.End = PacketAddr, r.frame
	copy(r.pkt.Buf[PacketAddr:], packet)
	if kind == SocketFilter {
		r.pkt.Data += ethHLen // step 1: eth_type_trans pulled the header
	}
	le := binary.LittleEndian
	le.PutUint32(r.ctx[skbLen:], uint32(r.pkt.End-r.pkt.Data))
	le.PutUint32(r.ctx[skbPktType:], pktType(packet[:6]))
	le.PutUint32(r.ctx[skbProtocol:], uint32(le.Uint16(ethProtocol(packet))))
	le.PutUint32(r.ctx[skbIfindex:], loIfindex)
	le.PutUint32(r.ctx[skbData:], uint32(r.pkt.Data))
	le.PutUint32(r.ctx[skbDataEnd:], uint32(r.pkt.End))
	le.PutUint32(r.ctx[skbDataMeta:], uint32(r.pkt.Data))
}

// networkHeader is the header an IPv4 or IPv6 packet must hold for
// BPF_PROG_TEST_RUN (pskb_may_pull of an iphdr or ipv6hdr; -EINVAL).
var networkHeader = map[uint16]int{0x0800: 20, 0x86dd: 40}

// pktType is eth_type_trans's answer for destination dst on lo.
func pktType(dst []byte) uint32 {
	switch {
	case [6]byte(dst) == [6]byte{}:
		return packetHost
	case dst[0]&1 != 0:
		return packetMulticast // lo's broadcast address is all zero too
	}
	return packetOtherHost
}

// ethProtocol is eth_type_trans's protocol, as its __be16 bytes: the
// EtherType, or for an 802.3 length field ETH_P_802_3 (raw IPX, 0xffff
// after the header) or ETH_P_802_2.
func ethProtocol(pkt []byte) []byte {
	switch {
	case binary.BigEndian.Uint16(pkt[12:]) >= 0x600:
		return pkt[12:14]
	case len(pkt) >= ethHLen+2 && pkt[14] == 0xff && pkt[15] == 0xff:
		return []byte{0x00, 0x01}
	}
	return []byte{0x00, 0x04}
}

// RunSocketFilter runs a socket filter once on a copy of packet (an
// Ethernet frame). Retval is the number of bytes to keep: SkbResult.Kept.
func (p *Program) RunSocketFilter(packet []byte) (SkbResult, error) {
	return p.runSkbOnce(SocketFilter, packet)
}

// RunTC runs a TC (sched_cls) program once on a copy of packet.
func (p *Program) RunTC(packet []byte) (SkbResult, error) {
	return p.runSkbOnce(SchedCLS, packet)
}

func (p *Program) runSkbOnce(kind Kind, packet []byte) (SkbResult, error) {
	if p.Kind != kind {
		return SkbResult{}, fmt.Errorf("host: running %s, a %v program, as %v", p.Name, p.Kind, kind)
	}
	r, err := newSkbRun(kind, packet)
	if err != nil {
		return SkbResult{}, err
	}
	defer r.release()
	cpu := p.c.takeCPU()
	defer p.c.releaseCPU(cpu)
	res, err := p.runSkb(r, cpu)
	res.Packet = bytes.Clone(res.Packet)
	return res, err
}

// runSkb runs p on r on a CPU the caller holds; the result's Packet is r's
// until r is released.
func (p *Program) runSkb(r *skbRun, cpu int) (SkbResult, error) {
	st := &r.st
	*st = runState{kind: p.Kind, cpu: cpu}
	r0, err := p.run(r.ctx[:], &r.pkt, st)
	if p.Kind == SocketFilter {
		clear(r.pkt.Buf[PacketAddr:][:ethHLen]) // step 3
	}
	res := SkbResult{Retval: r0, Packet: r.pkt.Buf[PacketAddr:r.frame]}
	if st.redirects && int32(r0) == TCActRedirect {
		res.Redirect = st.redirect
	}
	return res, err
}

// Kept is what a socket filter keeps of the packet it ran on (from the
// network header, as it saw it): the first Retval bytes, or all.
func (r SkbResult) Kept() []byte {
	seen := r.Packet[min(ethHLen, len(r.Packet)):]
	return seen[:min(uint64(len(seen)), uint64(uint32(r.Retval)))]
}
