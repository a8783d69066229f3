package hashbench

import (
	"fmt"

	buraksezer "github.com/buraksezer/consistent"
	"github.com/cespare/xxhash/v2"
	jump "github.com/dgryski/go-jump"
	maglev "github.com/dgryski/go-maglev"
	rendezvous "github.com/dgryski/go-rendezvous"
	lafikl "github.com/lafikl/consistent"
	serialx "github.com/serialx/hashring"
	stathat "stathat.com/c/consistent"
)

// lookupFn maps a key to a node name: the one shape every contestant,
// ours or a peer's, is measured through.
type lookupFn func(key string) string

// peer builds one Go library over nodes.
type peer struct {
	name  string
	build func(nodes []string) (lookupFn, error)
}

// The peers, named by their import paths' last two elements.
var (
	peerJump = peer{"dgryski/go-jump", func(nodes []string) (lookupFn, error) {
		n := len(nodes)
		return func(k string) string { return nodes[jump.Hash(xxhash.Sum64String(k), n)] }, nil
	}}
	peerRendezvous = peer{"dgryski/go-rendezvous", func(nodes []string) (lookupFn, error) {
		r := rendezvous.New(nodes, xxhash.Sum64String)
		return r.Lookup, nil
	}}
	peerMaglev = peer{"dgryski/go-maglev", func(nodes []string) (lookupFn, error) {
		t := maglev.New(nodes, maglevSize(len(nodes)))
		return func(k string) string { return nodes[t.Lookup(xxhash.Sum64String(k))] }, nil
	}}
	peerStathat = peer{"stathat/consistent", func(nodes []string) (lookupFn, error) {
		c := stathat.New()
		c.Set(nodes)
		return func(k string) string { s, _ := c.Get(k); return s }, nil
	}}
	peerSerialx = peer{"serialx/hashring", func(nodes []string) (lookupFn, error) {
		r := serialx.New(nodes)
		return func(k string) string { s, _ := r.GetNode(k); return s }, nil
	}}
	peerBuraksezer = peer{"buraksezer/consistent", buildBuraksezer}
	peerLafikl     = peer{"lafikl/consistent", func(nodes []string) (lookupFn, error) {
		c := lafikl.New()
		for _, n := range nodes {
			c.Add(n)
		}
		return func(k string) string { s, _ := c.Get(k); return s }, nil
	}}
	peerLafiklBounded = peer{"lafikl/consistent (GetLeast)", func(nodes []string) (lookupFn, error) {
		c := lafikl.New()
		for _, n := range nodes {
			c.Add(n)
		}
		return func(k string) string { s, _ := c.GetLeast(k); return s }, nil
	}}
)

// maglevSize is the table size both Maglevs use: the smallest prime at
// least max(65537, 100 x n), as the paper recommends (M >> N).
func maglevSize(n int) uint64 {
	m := uint64(max(65537, 100*n))
	for !isPrime(m) {
		m++
	}
	return m
}

func isPrime(m uint64) bool {
	if m < 2 {
		return false
	}
	for d := uint64(2); d*d <= m; d++ {
		if m%d == 0 {
			return false
		}
	}
	return true
}

type member string

func (m member) String() string { return string(m) }

type xxHasher struct{}

func (xxHasher) Sum64(b []byte) uint64 { return xxhash.Sum64(b) }

// buildBuraksezer uses the library's bounded-load partition ring with its
// documented defaults (replication 20, load 1.25) and enough partitions
// that every member can own some (at least 271, its default, and 7 per
// member).
func buildBuraksezer(nodes []string) (lookupFn, error) {
	members := make([]buraksezer.Member, len(nodes))
	for i, n := range nodes {
		members[i] = member(n)
	}
	cfg := buraksezer.Config{PartitionCount: max(271, 7*len(nodes)), ReplicationFactor: 20, Load: 1.25, Hasher: xxHasher{}}
	var c *buraksezer.Consistent
	if err := catch(func() { c = buraksezer.New(members, cfg) }); err != nil {
		return nil, fmt.Errorf("buraksezer/consistent with %d members: %w", len(nodes), err)
	}
	return func(k string) string { return c.LocateKey([]byte(k)).String() }, nil
}

// catch turns a peer library's panic into an error: a peer is measured,
// not trusted.
func catch(f func()) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("panic: %v", r)
		}
	}()
	f()
	return nil
}
