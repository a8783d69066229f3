package verifier

// The context per program type (the kernel's is_valid_access callbacks in
// net/core/filter.c: xdp_is_valid_access, sk_filter_is_valid_access,
// tc_cls_act_is_valid_access, bpf_skb_is_valid_access).
//
//  1. The context pointer must be unmodified: no fixed offset ("dereference
//     of modified ctx ptr"), no variable one ("variable ctx access").
//  2. XDP's struct xdp_md: six __u32, read as whole words only; never
//     written; egress_ifindex only for devmap programs (refused here).
//  3. __sk_buff: reads of 1, 2 or 4 bytes inside a __u32 field (narrow
//     loads), 8 bytes for the __u64 fields; socket filters may not read
//     data, data_end, data_meta, tc_classid and the socket fields, and
//     write only cb[]; TC may also write mark, priority, tc_index,
//     tc_classid, queue_mapping and tstamp.
//  4. Loads of data, data_end and data_meta (whole words) give pkt,
//     pkt_end and pkt_meta pointers: what the kernel rewrites those loads
//     into (convert_ctx_access).

import (
	"github.com/deepsys/deepsys/ebpf/loader"
)

// field is a context field: its offset, size, and what reading it gives.
type field struct {
	off, size int
	ptr       RegType // NotInit: a number
	read      bool
	write     bool
}

type context struct {
	size   int
	fields []field
	narrow bool // reads narrower than a field allowed (__sk_buff)
	loose  bool // fragments (fragment.go): number fields read and written at any size inside them
}

var xdpMd = context{size: 24, fields: []field{
	{0, 4, PtrToPacket, true, false}, {4, 4, PtrToPacketEnd, true, false}, {8, 4, PtrToPacketMeta, true, false},
	{12, 4, 0, true, false}, {16, 4, 0, true, false},
}}

// skbFields is __sk_buff (uapi/linux/bpf.h) with what a socket filter
// (sf) and TC may do with each field.
func skbContext(tc bool) context {
	type f struct {
		off, size    int
		ptr          RegType
		sf, tcw, sfw bool // socket filter readable; TC writable; socket filter writable
	}
	list := []f{
		{0, 4, 0, true, false, false},  // len
		{4, 4, 0, true, false, false},  // pkt_type
		{8, 4, 0, true, true, false},   // mark
		{12, 4, 0, true, true, false},  // queue_mapping
		{16, 4, 0, true, false, false}, // protocol
		{20, 4, 0, true, false, false}, // vlan_present
		{24, 4, 0, true, false, false}, // vlan_tci
		{28, 4, 0, true, false, false}, // vlan_proto
		{32, 4, 0, true, true, false},  // priority
		{36, 4, 0, true, false, false}, // ingress_ifindex
		{40, 4, 0, true, false, false}, // ifindex
		{44, 4, 0, true, true, false},  // tc_index
		{48, 4, 0, true, true, true},   // cb[0]
		{52, 4, 0, true, true, true},   // cb[1]
		{56, 4, 0, true, true, true},   // cb[2]
		{60, 4, 0, true, true, true},   // cb[3]
		{64, 4, 0, true, true, true},   // cb[4]
		{68, 4, 0, true, false, false}, // hash
		{72, 4, 0, false, true, false}, // tc_classid
		{76, 4, PtrToPacket, false, false, false},
		{80, 4, PtrToPacketEnd, false, false, false},
		{84, 4, 0, true, false, false}, // napi_id
		{140, 4, PtrToPacketMeta, false, false, false},
		{152, 8, 0, false, true, false},  // tstamp
		{160, 4, 0, false, false, false}, // wire_len
		{164, 4, 0, true, false, false},  // gso_segs
		{176, 4, 0, true, false, false},  // gso_size
	}
	c := context{size: 192, narrow: true}
	for _, x := range list {
		readable := x.sf || tc
		if x.off == 160 && tc {
			readable = true
		}
		writable := x.sfw || (tc && x.tcw)
		if !readable {
			continue
		}
		c.fields = append(c.fields, field{x.off, x.size, x.ptr, true, writable})
	}
	return c
}

var contexts = map[loader.ProgType]context{
	loader.XDP:          xdpMd,
	loader.SocketFilter: skbContext(false),
	loader.SchedCLS:     skbContext(true),
	loader.SchedACT:     skbContext(true),
}

// ctxAccess is steps 1-4.
func (e *env) ctxAccess(reg Reg, regno uint8, off, size int, a access) (Reg, error) {
	if reg.Off != 0 {
		return Reg{}, fail("dereference of modified ctx ptr R%d off=%d disallowed", regno, reg.Off)
	}
	if _, ok := reg.Num.IsConst(); !ok {
		return Reg{}, fail("variable ctx access var_off=%v disallowed", reg.Num.Var)
	}
	v, _ := reg.Num.IsConst()
	off += int(int64(v))
	c := e.ctxOf()
	for _, f := range c.fields {
		if off < f.off || off >= f.off+f.size {
			continue
		}
		ok := off%size == 0 && off+size <= f.off+f.size
		if c.loose && f.ptr == NotInit {
			ok = off+size <= f.off+f.size
		} else if a == write {
			ok = ok && f.write && size == f.size
		} else {
			ok = ok && f.read && (size == f.size || c.narrow && f.ptr == NotInit && size < f.size)
		}
		if !ok {
			break
		}
		if a == write {
			return Reg{}, nil
		}
		if f.ptr != NotInit {
			return ptrReg(f.ptr), nil
		}
		return sizedUnknown(size), nil
	}
	return Reg{}, fail("invalid bpf_context access off=%d size=%d", off, size)
}
