package maps

import (
	"encoding/binary"
	"math/bits"
)

// jhash is Bob Jenkins' lookup3 hash as the kernel has it
// (include/linux/jhash.h), which hash maps use to pick a bucket:
// htab_map_hash calls jhash2 over 32-bit words when the key size is a
// multiple of 4, jhash over bytes otherwise. With the same function and
// seed 0 (BPF_F_ZERO_SEED) our buckets, and so our iteration order, are the
// kernel's.
const jhashInitval = 0xdeadbeef

func jhashMix(a, b, c uint32) (uint32, uint32, uint32) {
	a -= c
	a ^= bits.RotateLeft32(c, 4)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 6)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 8)
	b += a
	a -= c
	a ^= bits.RotateLeft32(c, 16)
	c += b
	b -= a
	b ^= bits.RotateLeft32(a, 19)
	a += c
	c -= b
	c ^= bits.RotateLeft32(b, 4)
	b += a
	return a, b, c
}

func jhashFinal(a, b, c uint32) uint32 {
	c ^= b
	c -= bits.RotateLeft32(b, 14)
	a ^= c
	a -= bits.RotateLeft32(c, 11)
	b ^= a
	b -= bits.RotateLeft32(a, 25)
	c ^= b
	c -= bits.RotateLeft32(b, 16)
	a ^= c
	a -= bits.RotateLeft32(c, 4)
	b ^= a
	b -= bits.RotateLeft32(a, 14)
	c ^= b
	c -= bits.RotateLeft32(b, 24)
	return c
}

// htabHash is htab_map_hash.
func htabHash(key []byte, seed uint32) uint32 {
	if len(key)%4 == 0 {
		return jhash2(key, seed)
	}
	return jhash(key, seed)
}

// jhash2 hashes len(k)/4 host-endian words.
func jhash2(k []byte, seed uint32) uint32 {
	n := len(k) / 4
	a := jhashInitval + uint32(n<<2) + seed
	b, c := a, a
	w := func(i int) uint32 { return binary.NativeEndian.Uint32(k[4*i:]) }
	for ; n > 3; n -= 3 {
		a, b, c = jhashMix(a+w(0), b+w(1), c+w(2))
		k = k[12:]
	}
	switch n {
	case 3:
		c += w(2)
		fallthrough
	case 2:
		b += w(1)
		fallthrough
	case 1:
		a += w(0)
		return jhashFinal(a, b, c)
	}
	return c
}

// jhash hashes bytes; the tail is added byte by byte as the kernel does.
func jhash(k []byte, seed uint32) uint32 {
	a := jhashInitval + uint32(len(k)) + seed
	b, c := a, a
	for len(k) > 12 {
		a += binary.NativeEndian.Uint32(k)
		b += binary.NativeEndian.Uint32(k[4:])
		c += binary.NativeEndian.Uint32(k[8:])
		a, b, c = jhashMix(a, b, c)
		k = k[12:]
	}
	if len(k) == 0 {
		return c
	}
	var tail [12]byte
	copy(tail[:], k)
	a += binary.LittleEndian.Uint32(tail[0:])
	b += binary.LittleEndian.Uint32(tail[4:])
	c += binary.LittleEndian.Uint32(tail[8:])
	return jhashFinal(a, b, c)
}
