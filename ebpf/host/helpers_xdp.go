package host

// XDP helpers (net/core/filter.c) and bpf_redirect.
//
//   - bpf_xdp_adjust_head(ctx, delta): data += delta, so a negative delta
//     grows the packet at the front (encapsulation) and a positive one
//     strips headers. -EINVAL if data would go below data_hard_start +
//     sizeof(struct xdp_frame) (the frame metadata the kernel keeps in the
//     headroom) plus the metadata, or leave less than ETH_HLEN bytes
//     before data_end.
//   - bpf_xdp_adjust_meta(ctx, delta): data_meta += delta, making room for
//     metadata in front of data (XDP hints for the stack): -EINVAL below
//     the frame metadata or above data, -EACCES for a length that is not
//     a multiple of 4 or over 252 (it must fit skb_shared_info's u8
//     meta_len). The packet window starts at data_meta, so the program
//     reaches the metadata; adjust_head moves it along with data.
//   - bpf_xdp_adjust_tail(ctx, delta): data_end += delta; -EINVAL past
//     data_hard_end (the frame less its skb_shared_info tailroom) or below
//     data + ETH_HLEN. Growing zeroes the new bytes ("can contain uninit
//     kernel memory").
//   - bpf_xdp_load_bytes(ctx, offset, buf, len), bpf_xdp_store_bytes and
//     bpf_xdp_get_buff_len: copies between the packet (from data) and
//     program memory; -EFAULT for an offset or length over 0xffff,
//     -EINVAL past data_end (one-buffer frames: no fragments).
//   - bpf_redirect(ifindex, flags): records the target and returns the
//     redirect verdict: XDP_REDIRECT (XDP_ABORTED if flags is not 0;
//     bpf_xdp_redirect) or, for TC, TC_ACT_REDIRECT (TC_ACT_SHOT if flags
//     has more than BPF_F_INGRESS). BPF_PROG_TEST_RUN only reports the
//     verdict; so does this package (XDPResult.Redirect, SkbResult.Redirect).
//
// Both adjust helpers change the packet window's bounds (interp.Env
// SetPacket), which both engines see at the program's next access, and the
// xdp_md in the context, which the program reads again after the call.

import (
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

const (
	bpfFIngress = 1   // BPF_F_INGRESS
	maxMetaLen  = 252 // xdp_metalen_invalid: a multiple of 4 that fits skb_shared_info's u8 meta_len
)

// xdpFrame is the frame as the XDP helpers see it: the packet window
// runs from data_meta (its lower bound) to data_end, and data is
// data_meta plus the run's metadata length.
type xdpFrame struct {
	buf             []byte
	meta, data, end int
	st              *runState
}

func frameOf(env *interp.Env) (xdpFrame, bool) {
	buf, meta, end, ok := env.Packet()
	st, _ := env.State().(*runState)
	if !ok || st == nil {
		return xdpFrame{}, false
	}
	return xdpFrame{buf: buf, meta: meta, data: meta + st.metaLen, end: end, st: st}, true
}

// set moves the window to [meta, end) and writes xdp_md.
func (f xdpFrame) set(env *interp.Env, meta, data, end int) error {
	if err := env.SetPacket(meta, end); err != nil {
		return err
	}
	f.st.metaLen = data - meta
	f.st.window.add(meta, end)
	if ctx := env.Context(); len(ctx) >= xdpMdSize {
		setXDPBounds(ctx, meta, data, end)
	}
	return nil
}

func xdpAdjustHead(env *interp.Env, _, delta, _, _, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	off := int(int32(delta))
	d := f.data + off
	if d < hardStart+xdpFrameStruct+f.st.metaLen || d > f.end-ethHLen {
		return errno(syscall.EINVAL), nil
	}
	copy(f.buf[f.meta+off:], f.buf[f.meta:f.data]) // the metadata moves with data (memmove)
	return 0, f.set(env, f.meta+off, d, f.end)
}

func xdpAdjustTail(env *interp.Env, _, delta, _, _, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	e := f.end + int(int32(delta))
	if e > hardEnd || e < f.data+ethHLen {
		return errno(syscall.EINVAL), nil
	}
	if e > f.end {
		clear(f.buf[f.end:e])
	}
	return 0, f.set(env, f.meta, f.data, e)
}

func xdpAdjustMeta(env *interp.Env, _, delta, _, _, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	m := f.meta + int(int32(delta))
	if m < hardStart+xdpFrameStruct || m > f.data {
		return errno(syscall.EINVAL), nil
	}
	if n := f.data - m; n&3 != 0 || n > maxMetaLen {
		return errno(syscall.EACCES), nil
	}
	return 0, f.set(env, m, f.data, f.end)
}

func redirect(env *interp.Env, ifindex, flags, _, _, _ uint64) (uint64, error) {
	st, err := state(env)
	if err != nil {
		return 0, err
	}
	if st.kind == XDP {
		if flags != 0 {
			return uint64(XDPAborted), nil
		}
		st.redirect, st.redirects = uint32(ifindex), true
		return uint64(XDPRedirect), nil
	}
	if flags&^bpfFIngress != 0 {
		return uint64(TCActShot), nil
	}
	st.redirect, st.redirects = uint32(ifindex), true
	return uint64(TCActRedirect), nil
}

// xdpPointer is bpf_xdp_pointer for a one-buffer frame: packet bytes
// [offset, offset+n) from data, or the errno: -EFAULT for an offset or
// length over 0xffff, -EINVAL past the packet.
func xdpPointer(f xdpFrame, offset, n uint64) ([]byte, uint64) {
	if offset > 0xffff || n > 0xffff {
		return nil, errno(syscall.EFAULT)
	}
	if offset+n > uint64(f.end-f.data) {
		return nil, errno(syscall.EINVAL)
	}
	return f.buf[f.data+int(offset):][:n], 0
}

// xdpLoadBytes is bpf_xdp_load_bytes(ctx, offset, buf, len): packet bytes
// to program memory. On an error buf is left alone.
func xdpLoadBytes(env *interp.Env, _, offset, to, n, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	src, e := xdpPointer(f, uint64(uint32(offset)), uint64(uint32(n)))
	if src == nil {
		return e, nil
	}
	dst, err := env.Store(to, len(src))
	if err != nil {
		return 0, err
	}
	copy(dst, src)
	return 0, nil
}

// xdpStoreBytes is bpf_xdp_store_bytes(ctx, offset, buf, len).
func xdpStoreBytes(env *interp.Env, _, offset, from, n, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	dst, e := xdpPointer(f, uint64(uint32(offset)), uint64(uint32(n)))
	if dst == nil {
		return e, nil
	}
	src, err := env.Load(from, len(dst))
	if err != nil {
		return 0, err
	}
	copy(dst, src)
	return 0, nil
}

// xdpGetBuffLen is bpf_xdp_get_buff_len(ctx): data_end - data.
func xdpGetBuffLen(env *interp.Env, _, _, _, _, _ uint64) (uint64, error) {
	f, ok := frameOf(env)
	if !ok {
		return 0, nil
	}
	return uint64(f.end - f.data), nil
}
