package host

// XDP helpers (net/core/filter.c) and bpf_redirect.
//
//   - bpf_xdp_adjust_head(ctx, delta): data += delta, so a negative delta
//     grows the packet at the front (encapsulation) and a positive one
//     strips headers. -EINVAL if data would go below data_hard_start +
//     sizeof(struct xdp_frame) (the frame metadata the kernel keeps in the
//     headroom) or leave less than ETH_HLEN bytes before data_end.
//   - bpf_xdp_adjust_tail(ctx, delta): data_end += delta; -EINVAL past
//     data_hard_end (the frame less its skb_shared_info tailroom) or below
//     data + ETH_HLEN. Growing zeroes the new bytes ("can contain uninit
//     kernel memory").
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

const bpfFIngress = 1 // BPF_F_INGRESS

func xdpAdjustHead(env *interp.Env, _, delta, _, _, _ uint64) (uint64, error) {
	_, data, end, ok := env.Packet()
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	d := data + int(int32(delta))
	if d < hardStart+xdpFrameStruct || d > end-ethHLen {
		return errno(syscall.EINVAL), nil
	}
	return 0, setBounds(env, d, end)
}

func xdpAdjustTail(env *interp.Env, _, delta, _, _, _ uint64) (uint64, error) {
	buf, data, end, ok := env.Packet()
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	e := end + int(int32(delta))
	if e > hardEnd || e < data+ethHLen {
		return errno(syscall.EINVAL), nil
	}
	if e > end {
		clear(buf[end:e])
	}
	return 0, setBounds(env, data, e)
}

// setBounds moves the packet window and writes xdp_md.
func setBounds(env *interp.Env, data, end int) error {
	if err := env.SetPacket(data, end); err != nil {
		return err
	}
	if ctx := env.Context(); len(ctx) >= xdpMdSize {
		setXDPBounds(ctx, data, end)
	}
	return nil
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
