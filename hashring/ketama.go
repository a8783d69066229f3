package hashring

// ketama.go: the ketama continuum of libmemcached and twemproxy, bit for bit.
//
// Ketama (Richard Jones, Last.fm, 2007: "libketama: a consistent hashing algo
// for memcache clients") is the ring of Karger et al. (STOC 1997) with its
// points derived from MD5, so that every client of a memcached pool computes
// the same continuum. Three variants are registered; they build the same
// continuum and differ only in the key hash:
//
//	ketama                    libmemcached with MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED
//	ketama-twemproxy-md5      twemproxy (nutcracker), distribution ketama, hash md5
//	ketama-twemproxy-fnv1a64  twemproxy, hash fnv1a_64 (its default)
//
// Building the continuum (libmemcached src/libmemcached/hosts.cc,
// update_continuum; twemproxy src/hashkit/nc_ketama.c, ketama_update):
//
//  1. pct = weight / total weight, in float32.
//  2. digests = floor(float32(pct*160/4*n + 1e-10)) for n servers: the product
//     is float32 arithmetic, the 1e-10 is added in double and lost again in
//     the cast back to float. So with equal weights a server gets 39 digests,
//     not 40, whenever float32(1/n)*40*n rounds below 40 (n = 25, 47, 50, 55,
//     61, 71, 94, 100, ...). We reproduce that quirk, float32 step by step.
//  3. For i in 0..digests-1, d = MD5("host-i") when the port is 11211 and
//     MD5("host:port-i") otherwise; each 4-byte little-endian slice of d is a
//     point owned by the server (4 points per digest, 160 at equal weights).
//  4. Sort the points by value. C's qsort does it there; equal values keep
//     their generation order here because glibc up to 2.36 (Debian 12, where
//     the vectors were made) sorts with a stable merge sort.
//
// Lookup:
//
//  5. h = the key hash: libmemcached and twemproxy's md5 take the first four
//     bytes of MD5(key), little-endian; twemproxy's fnv1a_64 see fnv1a64Tw.
//     twemproxy hashes the empty key to 0 (server_pool_hash).
//  6. The owner of the first point >= h, wrapping to the first point
//     (ketama_dispatch, libmemcached's dispatch_host: the same binary search).
//
// The corpus ketama-vectors (ketama_test.go) holds keys mapped by the real
// libmemcached 1.1.4 and nutcracker 0.5.0; we match all of them.
//
// Not done: twemproxy's hash_tag, its auto_eject_hosts (a dead server leaves
// the continuum; here the caller calls Remove), its server "name" field, and
// libmemcached's other distributions. Weights must be whole numbers, as the
// C libraries keep them in a uint32.

import (
	"cmp"
	"crypto/md5"
	"encoding/binary"
	"fmt"
	"math"
	"net"
	"slices"
	"strconv"
	"unsafe"
)

const (
	ketamaPointsPerServer = 160 // MEMCACHED_POINTS_PER_SERVER_KETAMA, KETAMA_POINTS_PER_SERVER
	ketamaPointsPerDigest = 4   // pointer_per_hash
	memcachedDefaultPort  = 11211
)

func init() {
	register("ketama", newKetama("ketama", md5Key))
	register("ketama-twemproxy-md5", newKetama("ketama-twemproxy-md5", md5KeyTw))
	register("ketama-twemproxy-fnv1a64", newKetama("ketama-twemproxy-fnv1a64", fnv1a64Tw))
}

// ketama is one continuum: its points on a circle (circle.go), owned by
// positions in set.list.
type ketama struct {
	algo    string
	keyHash func(string) uint32
	set     *nodeSet
	c       circle
}

func newKetama(algo string, keyHash func(string) uint32) constructor {
	return func(nodes []Node, _ Options) (Hasher, error) {
		set, err := newNodeSet(nodes, true)
		if err != nil {
			return nil, err
		}
		for _, n := range set.list {
			if err := checkKetamaWeight(n); err != nil {
				return nil, err
			}
		}
		k := &ketama{algo: algo, keyHash: keyHash, set: set}
		k.rebuild()
		return k, nil
	}
}

func (k *ketama) Algorithm() string { return k.algo }
func (k *ketama) Nodes() []Node     { return k.set.nodes() }

func (k *ketama) Lookup(key string) (string, error) {
	if len(k.c.points) == 0 {
		return "", ErrEmpty
	}
	return k.set.names[k.c.owner(k.keyHash(key))], nil
}

// Add rebuilds the continuum: every server's point count depends on n and on
// the total weight (step 2), exactly as when libmemcached adds a server.
func (k *ketama) Add(n Node) error {
	n, err := checkNode(n, true)
	if err != nil {
		return err
	}
	if err := checkKetamaWeight(n); err != nil {
		return err
	}
	if err := k.set.add(n, true); err != nil {
		return err
	}
	k.rebuild()
	return nil
}

func (k *ketama) Remove(name string) error {
	if _, err := k.set.remove(name); err != nil {
		return err
	}
	k.rebuild()
	return nil
}

// checkKetamaWeight accepts the weights the C libraries can hold: whole
// numbers up to 2^32-1.
func checkKetamaWeight(n Node) error {
	if n.Weight != math.Trunc(n.Weight) || n.Weight > math.MaxUint32 {
		return fmt.Errorf("%w: node %q has weight %v; ketama weights are whole numbers up to %d (a uint32 in libmemcached and twemproxy)",
			ErrUnsupported, n.Name, n.Weight, uint32(math.MaxUint32))
	}
	return nil
}

// rebuild computes the continuum from the node list (steps 1-4).
func (k *ketama) rebuild() {
	list := k.set.list
	total := float32(k.set.totalWeight())
	pts := make([]point, 0, ketamaPointsPerServer*len(list))
	for i, n := range list {
		digests := ketamaDigests(float32(n.Weight), total, len(list))
		pts = appendKetamaPoints(pts, ketamaHost(n.Name), digests, int32(i))
	}
	slices.SortStableFunc(pts, func(a, b point) int { return cmp.Compare(a.value, b.value) })
	k.c.set(pts)
}

// ketamaDigests is step 2, one float32 rounding per C operation (the explicit
// conversions also forbid Go from fusing a multiply and an add).
func ketamaDigests(weight, total float32, n int) int {
	pct := float32(weight / total)
	x := float32(pct * ketamaPointsPerServer)
	x = float32(x / ketamaPointsPerDigest)
	x = float32(x * float32(n))
	y := float32(float64(x) + 0.0000000001)
	return int(math.Floor(float64(y)))
}

// ketamaHost is the text hashed for a server: "host" on port 11211, else
// "host:port" with the port in decimal (libmemcached prints it with %u). A
// name that is not host:port is used whole, as a host on the default port.
func ketamaHost(name string) string {
	host, portText, err := net.SplitHostPort(name)
	if err != nil {
		return name
	}
	port, err := strconv.ParseUint(portText, 10, 16)
	if err != nil {
		return name
	}
	if port == memcachedDefaultPort {
		return host
	}
	return host + ":" + strconv.FormatUint(port, 10)
}

// appendKetamaPoints is step 3 for one server.
func appendKetamaPoints(pts []point, host string, digests int, owner int32) []point {
	buf := make([]byte, 0, len(host)+12)
	for i := 0; i < digests; i++ {
		buf = strconv.AppendUint(append(append(buf[:0], host...), '-'), uint64(i), 10)
		d := md5.Sum(buf)
		for j := 0; j < ketamaPointsPerDigest; j++ {
			pts = append(pts, point{binary.LittleEndian.Uint32(d[4*j:]), owner})
		}
	}
	return pts
}

// md5Key is libmemcached's hashkit_md5: MD5(key)[0:4], little-endian. The
// key's bytes are handed to MD5 without a copy (md5.Sum only reads them), so
// a lookup allocates nothing whatever the key length; md5.Sum([]byte(key))
// allocates once for keys over 32 bytes (measured with go1.26).
func md5Key(key string) uint32 {
	d := md5.Sum(unsafe.Slice(unsafe.StringData(key), len(key)))
	return binary.LittleEndian.Uint32(d[:4])
}

// md5KeyTw is twemproxy's hash_md5 behind server_pool_hash, which maps the
// empty key to 0 before hashing.
func md5KeyTw(key string) uint32 {
	if key == "" {
		return 0
	}
	return md5Key(key)
}

// FNV-1a 64-bit parameters (Fowler, Noll, Vo; IETF draft-eastlake-fnv), and
// the low 32 bits of each, which is what twemproxy's casts keep.
const (
	fnv64Offset uint64 = 0xcbf29ce484222325
	fnv64Prime  uint64 = 0x100000001b3
	fnvTwOffset        = uint32(fnv64Offset & math.MaxUint32) // 0x84222325
	fnvTwPrime         = uint32(fnv64Prime & math.MaxUint32)  // 0x000001b3
)

// fnv1a64Tw is twemproxy's hash_fnv1a_64 (src/hashkit/nc_fnv.c), which is not
// FNV-1a 64: its state is a uint32 that starts at the low 32 bits of the
// 64-bit offset basis and is multiplied by the low 32 bits of the 64-bit
// prime (0x1b3). Each byte is read as a C char, signed on x86-64, and
// sign-extended before the xor (twitter/twemproxy#313 proposed correct
// variants beside these, kept for libmemcached compatibility); on a platform
// with unsigned char (arm64) twemproxy maps keys with bytes >= 0x80
// differently. The small multiplier mixes poorly: keys that share a prefix
// land close together on the circle (twitter/twemproxy#195). Empty key: 0.
func fnv1a64Tw(key string) uint32 {
	if key == "" {
		return 0
	}
	h := fnvTwOffset
	for i := 0; i < len(key); i++ {
		h ^= uint32(int32(int8(key[i])))
		h *= fnvTwPrime
	}
	return h
}
