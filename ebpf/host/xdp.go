package host

// The XDP hook (net/core/xdp.c, net/bpf/test_run.c bpf_prog_test_run_xdp):
// a program sees one packet in a page-sized frame, through struct xdp_md,
// and answers with an action.
//
// The frame, as BPF_PROG_TEST_RUN lays it out (frame_sz = PAGE_SIZE), in
// the packet window of our address space (interp's packet.go):
//
//	0x0f00  data_hard_start: XDP_PACKET_HEADROOM (256) bytes of headroom,
//	        the first sizeof(struct xdp_frame) of them reserved
//	0x1000  data (PacketAddr): the packet, len bytes
//	        data_end = PacketAddr + len
//	        room to grow the tail, up to
//	0x1dc0  data_hard_end: the page end less the skb_shared_info tailroom
//	        (SKB_DATA_ALIGN(sizeof(struct skb_shared_info)), 320 bytes)
//	0x1f00  the end of the 4096-byte frame
//
//  1. RunXDP copies the packet to PacketAddr and writes an xdp_md whose
//     data and data_end are these 32-bit addresses: the integers the
//     program loads from its context are its packet pointers, which the
//     kernel gets by rewriting the context loads (filter.c,
//     xdp_convert_ctx_access). Everything below 0x0f00, NULL included,
//     faults, and so does anything outside [data, data_end).
//  2. bpf_xdp_adjust_head and bpf_xdp_adjust_tail (helpers_xdp.go) move
//     data and data_end within the frame, in the window's bounds and in
//     xdp_md, where the program reads them again.
//  3. r0 is the action (XDP_ABORTED, DROP, PASS, TX, REDIRECT); the packet
//     that comes out is [data_meta, data_end) after the run, as
//     BPF_PROG_TEST_RUN's data_out: the metadata bpf_xdp_adjust_meta made
//     room for (the window's lower bound is data_meta), then the packet.
//  4. Frames are pooled, and the next packet must find its frame zeroed,
//     as bpf_test_init's kzalloc'ed one, without paying to clear 8 KiB
//     (18% of a RunXDP): a program writes only inside the window, so
//     the helpers that move it (helpers_xdp.go, xdpFrame.set) widen
//     runState.window to every bound it had, each run adds that to
//     xdpRun.dirty, and the next reset clears exactly that.

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"sync"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// XDPAction is an XDP program's verdict (uapi/linux/bpf.h, enum xdp_action).
type XDPAction uint32

const (
	XDPAborted  XDPAction = 0
	XDPDrop     XDPAction = 1
	XDPPass     XDPAction = 2
	XDPTx       XDPAction = 3
	XDPRedirect XDPAction = 4
)

func (a XDPAction) String() string {
	names := [...]string{"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"}
	if int(a) < len(names) {
		return names[a]
	}
	return fmt.Sprintf("unknown XDP action %d", uint32(a))
}

// The frame (see the map above).
const (
	PacketAddr        = 0x1000 // xdp_md.data before any adjustment
	XDPPacketHeadroom = 256    // XDP_PACKET_HEADROOM
	xdpFrameStruct    = 40     // sizeof(struct xdp_frame), reserved at data_hard_start
	xdpFrameSize      = 4096   // frame_sz: PAGE_SIZE
	skbSharedInfo     = 320    // SKB_DATA_ALIGN(sizeof(struct skb_shared_info))
	ethHLen           = 14     // ETH_HLEN
	hardStart         = PacketAddr - XDPPacketHeadroom
	hardEnd           = hardStart + xdpFrameSize - skbSharedInfo
	// XDPMaxPacket is the longest packet BPF_PROG_TEST_RUN keeps in one
	// frame (longer ones become multi-buffer frames, not done here).
	XDPMaxPacket = hardEnd - PacketAddr
)

// struct xdp_md's fields (uapi/linux/bpf.h), all __u32.
const (
	xdpMdData           = 0
	xdpMdDataEnd        = 4
	xdpMdDataMeta       = 8
	xdpMdIngressIfindex = 12
	xdpMdRxQueueIndex   = 16
	xdpMdEgressIfindex  = 20
	xdpMdSize           = 24
)

// XDPMeta is the rest of xdp_md: where the packet came from.
// BPF_PROG_TEST_RUN without a context says the loopback device (ifindex 1)
// and queue 0.
type XDPMeta struct {
	IngressIfindex uint32
	RxQueueIndex   uint32
}

// XDPResult is what an XDP run leaves.
type XDPResult struct {
	Retval   uint64    // r0 of the last program run
	Action   XDPAction // Retval as a verdict
	Packet   []byte    // [data_meta, data_end) after the run: metadata, then the packet
	Redirect uint32    // bpf_redirect's ifindex, with XDPRedirect
}

// xdpRun is the frame, context and helper state of XDP runs, reused by
// TestRun's repeats and, through xdpRuns, by later runs.
type xdpRun struct {
	pkt interp.Packet
	ctx [xdpMdSize]byte
	st  runState
	// dirty is the part of the frame runs may have written since it was
	// last cleared (step 4): what the next newXDPRun must clear.
	dirty extent
}

// extent is a range [lo, hi) of the packet buffer.
type extent struct{ lo, hi int }

// add makes e cover [lo, hi) too.
func (e *extent) add(lo, hi int) {
	if e.lo == e.hi {
		*e = extent{lo, hi}
		return
	}
	e.lo, e.hi = min(e.lo, lo), max(e.hi, hi)
}

// xdpRuns keeps frames between runs: a frame is 8 KiB that would
// otherwise be allocated and zeroed for every packet.
var xdpRuns = sync.Pool{New: func() any { return &xdpRun{pkt: interp.Packet{Buf: make([]byte, frameBuf)}} }}

// frameBuf is the packet buffer: the frame, and below it the addresses
// that fault (xdp.go's map).
const frameBuf = hardStart + xdpFrameSize

// newXDPRun lays packet out in a zeroed frame, as bpf_test_init's
// kzalloc'ed one; release gives it back.
func newXDPRun(packet []byte, meta XDPMeta) (*xdpRun, error) {
	if len(packet) < ethHLen || len(packet) > XDPMaxPacket {
		return nil, fmt.Errorf("host: an XDP packet of %d bytes: BPF_PROG_TEST_RUN takes %d to %d", len(packet), ethHLen, XDPMaxPacket)
	}
	r := xdpRuns.Get().(*xdpRun)
	r.reset(packet, meta)
	return r, nil
}

// reset lays packet out in r's frame, clearing only what earlier runs may
// have written (step 4).
func (r *xdpRun) reset(packet []byte, meta XDPMeta) {
	clear(r.pkt.Buf[r.dirty.lo:r.dirty.hi])
	r.dirty = extent{PacketAddr, PacketAddr + len(packet)}
	r.ctx = [xdpMdSize]byte{}
	r.st.metaLen = 0
	r.pkt.Data, r.pkt.End = PacketAddr, PacketAddr+len(packet)
	copy(r.pkt.Buf[PacketAddr:], packet)
	le := binary.LittleEndian
	le.PutUint32(r.ctx[xdpMdIngressIfindex:], meta.IngressIfindex)
	le.PutUint32(r.ctx[xdpMdRxQueueIndex:], meta.RxQueueIndex)
	r.syncCtx()
}

// syncCtx writes the packet's bounds into xdp_md (steps 1-2).
func (r *xdpRun) syncCtx() { setXDPBounds(r.ctx[:], r.pkt.Data, r.pkt.Data, r.pkt.End) }

func setXDPBounds(ctx []byte, meta, data, end int) {
	le := binary.LittleEndian
	le.PutUint32(ctx[xdpMdData:], uint32(data))
	le.PutUint32(ctx[xdpMdDataEnd:], uint32(end))
	le.PutUint32(ctx[xdpMdDataMeta:], uint32(meta))
}

func (r *xdpRun) release() { xdpRuns.Put(r) }

// RunXDP runs an XDP program once on a copy of packet.
func (p *Program) RunXDP(packet []byte, meta XDPMeta) (XDPResult, error) {
	if p.Kind != XDP {
		return XDPResult{}, fmt.Errorf("host: RunXDP on %s, a %v program", p.Name, p.Kind)
	}
	r, err := newXDPRun(packet, meta)
	if err != nil {
		return XDPResult{}, err
	}
	defer r.release()
	cpu := p.c.takeCPU()
	defer p.c.releaseCPU(cpu)
	res, err := p.runXDP(r, cpu)
	res.Packet = bytes.Clone(res.Packet)
	return res, err
}

// runXDP runs p on r on a CPU the caller holds; the result's Packet is r's
// until r is released.
func (p *Program) runXDP(r *xdpRun, cpu int) (XDPResult, error) {
	st := &r.st
	*st = runState{kind: XDP, metaLen: st.metaLen, cpu: cpu} // the metadata stays for TestRun's next repeat
	st.window = extent{r.pkt.Data, r.pkt.End}
	r0, err := p.run(r.ctx[:], &r.pkt, st)
	r.dirty.add(st.window.lo, st.window.hi)
	res := XDPResult{Retval: r0, Action: XDPAction(uint32(r0)), Packet: r.pkt.Buf[r.pkt.Data:r.pkt.End]}
	if st.redirects && res.Action == XDPRedirect {
		res.Redirect = st.redirect
	}
	return res, err
}
