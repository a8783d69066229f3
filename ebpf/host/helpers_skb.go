package host

// skb byte helpers (net/core/filter.c), offsets from skb->data (for a
// socket filter the network header, for TC the Ethernet header; skb.go):
//
//   - bpf_skb_load_bytes(skb, offset, to, len): copies len packet bytes to
//     program memory; outside the packet (or offset > INT_MAX) it zeroes
//     the destination and returns -EFAULT;
//   - bpf_skb_store_bytes(skb, offset, from, len, flags): writes len
//     bytes into the packet; -EINVAL for flags other than
//     BPF_F_RECOMPUTE_CSUM and BPF_F_INVALIDATE_HASH (which change nothing
//     in a CHECKSUM_NONE skb without a hash), -EFAULT outside the packet
//     (bpf_try_make_writable). TC only.

import (
	"math"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

const (
	HelperSkbStoreBytes = 9
	HelperSkbLoadBytes  = 26

	fRecomputeCsum  = 1 // BPF_F_RECOMPUTE_CSUM
	fInvalidateHash = 2 // BPF_F_INVALIDATE_HASH
)

// skbBytes is packet[offset:offset+n] as the program sees the packet, or
// nil outside it.
func skbBytes(env *interp.Env, offset, n uint64) []byte {
	buf, data, end, ok := env.Packet()
	if !ok || offset > math.MaxInt32 || n > uint64(end-data) || offset > uint64(end-data)-n {
		return nil
	}
	return buf[data+int(offset):][:n]
}

func skbLoadBytes(env *interp.Env, _, offset, to, n, _ uint64) (uint64, error) {
	dst, err := env.Store(to, int(uint32(n)))
	if err != nil {
		return 0, err
	}
	src := skbBytes(env, uint64(uint32(offset)), uint64(uint32(n)))
	if src == nil {
		clear(dst)
		return errno(syscall.EFAULT), nil
	}
	copy(dst, src)
	return 0, nil
}

func skbStoreBytes(env *interp.Env, _, offset, from, n, flags uint64) (uint64, error) {
	src, err := env.Load(from, int(uint32(n)))
	if err != nil {
		return 0, err
	}
	if flags&^(fRecomputeCsum|fInvalidateHash) != 0 {
		return errno(syscall.EINVAL), nil
	}
	dst := skbBytes(env, uint64(uint32(offset)), uint64(uint32(n)))
	if dst == nil {
		return errno(syscall.EFAULT), nil
	}
	copy(dst, src)
	return 0, nil
}
