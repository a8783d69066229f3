package host

// Checksum helpers (net/core/filter.c, include/net/checksum.h): the
// Internet checksum's ones'-complement arithmetic (RFC 1071), done on the
// values as the machine loads them, which the RFC shows is independent of
// byte order.
//
//   - bpf_csum_diff(from, from_size, to, to_size, seed): seed plus the
//     sum of the bytes at to less the sum of those at from, folded to 16
//     bits (not complemented), computed with csum_partial as Linux does
//     since 6.12. Older kernels refused sizes that were not multiples of 4
//     or added up to more than 512 bytes, and returned x86-64's unfolded
//     32-bit sum; the kernel this was tested against (6.18) takes any
//     size (TestXDPCasesAgainstKernel, "csum_diff sizes").
//   - bpf_l3_csum_replace(skb, offset, from, to, flags) and
//     bpf_l4_csum_replace: patch the 16-bit checksum at packet offset for a
//     field of 2 or 4 bytes (flags & 0xf) that changed from from to to, or
//     (size 0) by a precomputed difference to. l4 adds BPF_F_MARK_MANGLED_0
//     (a UDP checksum of 0 means "none": leave it, and write 0xffff for a
//     result of 0). The skb of BPF_PROG_TEST_RUN is CHECKSUM_NONE, so
//     BPF_F_PSEUDO_HDR changes nothing in the packet (in the kernel it
//     updates skb->csum for CHECKSUM_COMPLETE), and neither do we.

import (
	"encoding/binary"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// csumAdd is csum_add: a 32-bit ones'-complement addition.
func csumAdd(a, b uint32) uint32 {
	s := a + b
	if s < b {
		s++
	}
	return s
}

func csumSub(a, b uint32) uint32 { return csumAdd(a, ^b) }

// csumFold is csum_fold: 32 bits folded to 16 and complemented.
func csumFold(c uint32) uint16 {
	c = c&0xffff + c>>16
	c = c&0xffff + c>>16
	return ^uint16(c)
}

func csum16Add(a, b uint16) uint16 {
	s := a + b
	if s < b {
		s++
	}
	return s
}

// csumPartial is x86-64's csum_partial (arch/x86/lib/csum-partial_64.c):
// the ones'-complement sum of sum and the little-endian words of b, the
// last one padded with zeros, 0 only if all are 0, else in [1, 2^32-1]
// (an end-around-carry sum never wraps to 0). The code adds 64-bit words;
// 2^32 = 1 modulo 2^32-1, so adding their 32-bit halves is the same sum.
func csumPartial(b []byte, sum uint32) uint32 {
	s := uint64(sum)
	for len(b) > 0 {
		var w [4]byte
		n := copy(w[:], b)
		s += uint64(binary.LittleEndian.Uint32(w[:]))
		b = b[n:]
	}
	for s > 0xffffffff {
		s = s&0xffffffff + s>>32
	}
	return uint32(s)
}

// from32to16 folds a 32-bit sum into 16 bits, not complemented.
func from32to16(x uint32) uint16 {
	x = x&0xffff + x>>16
	x = x&0xffff + x>>16
	return uint16(x)
}

// CsumDiff is bpf_csum_diff on byte slices, for tests and tools, as
// Linux 6.12 and later compute it (net/core/filter.c): the sum of to and
// seed less the sum of from, folded to 16 bits, the same value on every
// architecture. Sizes need not be multiples of 4 any more.
func CsumDiff(from, to []byte, seed uint32) uint16 {
	ret := seed
	switch {
	case len(from) > 0 && len(to) > 0:
		ret = csumSub(csumPartial(to, ret), csumPartial(from, 0))
	case len(to) > 0:
		ret = csumPartial(to, ret)
	case len(from) > 0:
		ret = ^csumPartial(from, ^ret)
	}
	return from32to16(ret)
}

func csumDiff(env *interp.Env, from, fromSize, to, toSize, seed uint64) (uint64, error) {
	fs, ts := uint32(fromSize), uint32(toSize)
	f, err := env.Load(from, int(fs))
	if err != nil {
		return 0, err
	}
	t, err := env.Load(to, int(ts))
	if err != nil {
		return 0, err
	}
	return uint64(CsumDiff(f, t, uint32(seed))), nil
}

// Flags of the csum_replace helpers (uapi/linux/bpf.h).
const (
	hdrFieldMask    = 0xf
	fPseudoHdr      = 1 << 4
	fMarkMangled0   = 1 << 5
	fMarkEnforce    = 1 << 6
	fIPv6           = 1 << 7
	csumMangled0    = 0xffff
	l3Flags         = hdrFieldMask
	l4Flags         = hdrFieldMask | fPseudoHdr | fMarkMangled0 | fMarkEnforce | fIPv6
	maxReplaceOff   = 0xffff
	csumReplaceSize = 2
)

// csumField is the checksum at packet offset off, or an errno.
func csumField(env *interp.Env, off uint64) ([]byte, uint64) {
	buf, data, end, ok := env.Packet()
	if !ok || off > maxReplaceOff || off&1 != 0 || uint64(data)+off+csumReplaceSize > uint64(end) {
		return nil, errno(syscall.EFAULT)
	}
	return buf[uint64(data)+off:][:csumReplaceSize], 0
}

// csumReplace patches sum for a field of size bytes (csum_replace2,
// csum_replace4, csum_replace_by_diff), or returns false for a bad size.
func csumReplace(sum uint16, from, to uint64, size uint64) (uint16, bool) {
	switch size {
	case 0:
		return csumFold(csumAdd(uint32(to), ^uint32(sum))), from == 0
	case 2:
		return ^csum16Add(csum16Add(^sum, ^uint16(from)), uint16(to)), true
	case 4:
		return csumFold(csumAdd(csumSub(^uint32(sum), uint32(from)), uint32(to))), true
	}
	return 0, false
}

func l3CsumReplace(env *interp.Env, _, off, from, to, flags uint64) (uint64, error) {
	if flags&^l3Flags != 0 {
		return errno(syscall.EINVAL), nil
	}
	field, e := csumField(env, off)
	if field == nil {
		return e, nil
	}
	sum, ok := csumReplace(binary.LittleEndian.Uint16(field), from, to, flags&hdrFieldMask)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	binary.LittleEndian.PutUint16(field, sum)
	return 0, nil
}

func l4CsumReplace(env *interp.Env, _, off, from, to, flags uint64) (uint64, error) {
	if flags&^l4Flags != 0 {
		return errno(syscall.EINVAL), nil
	}
	field, e := csumField(env, off)
	if field == nil {
		return e, nil
	}
	old := binary.LittleEndian.Uint16(field)
	mangled := flags&fMarkMangled0 != 0
	if mangled && flags&fMarkEnforce == 0 && old == 0 {
		return 0, nil
	}
	sum, ok := csumReplace(old, from, to, flags&hdrFieldMask)
	if !ok {
		return errno(syscall.EINVAL), nil
	}
	if mangled && sum == 0 {
		sum = csumMangled0
	}
	binary.LittleEndian.PutUint16(field, sum)
	return 0, nil
}
