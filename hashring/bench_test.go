package hashring

import (
	"fmt"
	"testing"
)

// BenchmarkLookup times one Lookup per iteration for every algorithm at 10,
// 100 and 1000 nodes named like memcached servers, cycling through 4096
// keys so that neither the key hash nor the search is predicted away.
func BenchmarkLookup(b *testing.B) {
	keys := testKeys(4096)
	for _, algo := range Algorithms() {
		for _, n := range []int{10, 100, 1000} {
			b.Run(fmt.Sprintf("%s/N=%d", algo, n), func(b *testing.B) {
				h := mustNew(b, algo, serverNodes(n))
				b.ReportAllocs()
				for i := 0; b.Loop(); i++ {
					if _, err := h.Lookup(keys[i&(len(keys)-1)]); err != nil {
						b.Fatal(err)
					}
				}
			})
		}
	}
}

// BenchmarkKeyHash times the key hashes alone: the floor under each
// algorithm's lookup (hashKey for ring, jump, rendezvous and maglev; MD5 for
// ketama).
func BenchmarkKeyHash(b *testing.B) {
	keys := testKeys(4096)
	var sink uint64
	for name, hash := range map[string]func(string) uint64{
		"xxhash64":  hashKey,
		"md5":       func(k string) uint64 { return uint64(md5Key(k)) },
		"fnv1a64tw": func(k string) uint64 { return uint64(fnv1a64Tw(k)) },
	} {
		b.Run(name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				sink += hash(keys[i&(len(keys)-1)])
			}
		})
	}
	_ = sink
}

// serverNodes names n nodes like memcached servers: 10.0.x.y:11211.
func serverNodes(n int) []Node {
	nodes := make([]Node, n)
	for i := range nodes {
		nodes[i] = Node{Name: fmt.Sprintf("10.0.%d.%d:11211", i/256, i%256)}
	}
	return nodes
}
