package hashring

import "math/bits"

// The algorithms that do not have a hash fixed by a deployed format (ketama
// has MD5 and FNV-1a; jump hash takes a uint64) hash keys with xxHash64, seed
// 0, written here from its specification (Collet, "xxHash fast digest
// algorithm", XXH64). It is deterministic across processes and machines,
// mixes well enough for the balance bounds of every paper here, and costs a
// few nanoseconds for the short keys caches see.
const (
	xxPrime1 uint64 = 11400714785074694791
	xxPrime2 uint64 = 14029467366897019727
	xxPrime3 uint64 = 1609587929392839161
	xxPrime4 uint64 = 9650029242287828579
	xxPrime5 uint64 = 2870177450012600261
)

func xxRound(acc, input uint64) uint64 {
	acc += input * xxPrime2
	acc = bits.RotateLeft64(acc, 31)
	return acc * xxPrime1
}

func xxMerge(acc, val uint64) uint64 {
	acc ^= xxRound(0, val)
	return acc*xxPrime1 + xxPrime4
}

// xxhash64 is XXH64(s, seed). The tail and the avalanche are written out
// here rather than in a helper: for the short keys caches see, the whole
// hash is then one call with no call inside it (the stripes of a key of 32
// bytes or more are the only call). Hashing "key:N" keys back to back, that
// took 23 ns a key to 12.5 (cespare/xxhash's assembly: 23), measured. The
// tail walks an index rather than reslicing s: reslicing computes each
// block's address through a few dependent instructions before the load,
// which made one hash 2.5 ns slower than cespare's (16 against 13.5 ns,
// hashing each key from the previous hash); with the index they are equal.
func xxhash64(s string, seed uint64) uint64 {
	h, i := seed+xxPrime5, 0 // i: the first byte not yet consumed
	if len(s) >= 32 {
		h, i = xxStripes(s, seed), len(s)&^31
	}
	h += uint64(len(s))
	for ; i+8 <= len(s); i += 8 {
		h ^= xxRound(0, le64(s[i:i+8]))
		h = bits.RotateLeft64(h, 27)*xxPrime1 + xxPrime4
	}
	if i+4 <= len(s) {
		h ^= uint64(le32(s[i:i+4])) * xxPrime1
		h = bits.RotateLeft64(h, 23)*xxPrime2 + xxPrime3
		i += 4
	}
	for ; i < len(s); i++ {
		h ^= uint64(s[i]) * xxPrime5
		h = bits.RotateLeft64(h, 11) * xxPrime1
	}
	h ^= h >> 33
	h *= xxPrime2
	h ^= h >> 29
	h *= xxPrime3
	h ^= h >> 32
	return h
}

// xxStripes consumes the 32-byte stripes of s (len(s) >= 32) and merges the
// four accumulators.
func xxStripes(s string, seed uint64) uint64 {
	v1, v2, v3, v4 := seed+xxPrime1+xxPrime2, seed+xxPrime2, seed, seed-xxPrime1
	for ; len(s) >= 32; s = s[32:] {
		v1 = xxRound(v1, le64(s[0:8]))
		v2 = xxRound(v2, le64(s[8:16]))
		v3 = xxRound(v3, le64(s[16:24]))
		v4 = xxRound(v4, le64(s[24:32]))
	}
	h := bits.RotateLeft64(v1, 1) + bits.RotateLeft64(v2, 7) + bits.RotateLeft64(v3, 12) + bits.RotateLeft64(v4, 18)
	return xxMerge(xxMerge(xxMerge(xxMerge(h, v1), v2), v3), v4)
}

func le64(s string) uint64 {
	return uint64(s[0]) | uint64(s[1])<<8 | uint64(s[2])<<16 | uint64(s[3])<<24 |
		uint64(s[4])<<32 | uint64(s[5])<<40 | uint64(s[6])<<48 | uint64(s[7])<<56
}

func le32(s string) uint32 {
	return uint32(s[0]) | uint32(s[1])<<8 | uint32(s[2])<<16 | uint32(s[3])<<24
}

// hashKey is the key hash of the algorithms without a fixed one.
func hashKey(key string) uint64 { return xxhash64(key, 0) }

// hash2 hashes key under a second, independent seed (multi-probe, Maglev's
// skip, rendezvous' per-node hashes).
func hash2(key string, seed uint64) uint64 { return xxhash64(key, seed) }

// mix64 is SplitMix64's finalizer (Steele, Lea & Flood 2014): a bijection on
// uint64 that turns a combination of two hashes into a fresh one.
func mix64(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	x ^= x >> 27
	x *= 0x94d049bb133111eb
	x ^= x >> 31
	return x
}

// mixHalf is the first half of mix64: one multiplication between two
// xor-shifts, about half its latency. Its top bits, which decide a
// comparison, depend on every input bit; multi-probe's shares with it match
// the exact shares of independent probes (multiprobe.go measures it).
func mixHalf(x uint64) uint64 {
	x ^= x >> 30
	x *= 0xbf58476d1ce4e5b9
	return x ^ x>>27
}
