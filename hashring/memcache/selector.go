// Package memcache shards github.com/bradfitz/gomemcache clients over real
// memcached servers with libmemcached's ketama continuum, so a Go program
// places every key on the same server as a C program using libmemcached
// (MEMCACHED_BEHAVIOR_KETAMA_WEIGHTED) or a twemproxy pool with
// "distribution: ketama, hash: md5" over the same server list. gomemcache's
// own ServerList hashes with CRC-32 modulo the server count, which moves
// almost every key when a server is added and agrees with no other client.
//
// Use:
//
//	sel, err := memcache.New("10.0.1.1:11211", "10.0.1.2:11211:2")
//	client := gomemcache.NewFromSelector(sel)
//
// A server is "host:port" or "host:port:weight", named exactly as written;
// the continuum hashes "host:port-i", or "host-i" on the default port 11211,
// as libmemcached does (see hashring's ketama.go).
package memcache

import (
	"fmt"
	"net"
	"strings"
	"sync"

	gomemcache "github.com/bradfitz/gomemcache/memcache"
	"github.com/deepsys/deepsys/hashring"
)

// Selector is a gomemcache.ServerSelector backed by a ketama continuum.
// It is safe for concurrent use; SetServers may run while lookups do.
type Selector struct {
	mu    sync.RWMutex // guards ring and addrs
	ring  hashring.Hasher
	addrs map[string]net.Addr // node name -> address the client dials
	order []net.Addr          // in the order given, for Each
}

// New returns a Selector over servers, each "host:port[:weight]".
func New(servers ...string) (*Selector, error) {
	s := &Selector{}
	if err := s.SetServers(servers...); err != nil {
		return nil, err
	}
	return s, nil
}

// SetServers replaces the server list. On error the old list stays.
func (s *Selector) SetServers(servers ...string) error {
	nodes, err := hashring.ParseServers(strings.Join(servers, ","))
	if err != nil {
		return fmt.Errorf("memcache selector: %w", err)
	}
	ring, err := hashring.New("ketama", nodes, hashring.Options{})
	if err != nil {
		return fmt.Errorf("memcache selector: %w", err)
	}
	addrs := make(map[string]net.Addr, len(nodes))
	order := make([]net.Addr, 0, len(nodes))
	for _, n := range nodes {
		a, err := resolve(n.Name)
		if err != nil {
			return fmt.Errorf("memcache selector: server %q: %w", n.Name, err)
		}
		addrs[n.Name] = a
		order = append(order, a)
	}
	s.mu.Lock()
	s.ring, s.addrs, s.order = ring, addrs, order
	s.mu.Unlock()
	return nil
}

// PickServer returns the server that owns key on the ketama continuum.
func (s *Selector) PickServer(key string) (net.Addr, error) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if s.ring == nil || len(s.order) == 0 {
		return nil, gomemcache.ErrNoServers
	}
	name, err := s.ring.Lookup(key)
	if err != nil {
		return nil, gomemcache.ErrNoServers
	}
	return s.addrs[name], nil
}

// Each calls f for every server, in the order given.
func (s *Selector) Each(f func(net.Addr) error) error {
	s.mu.RLock()
	order := s.order
	s.mu.RUnlock()
	for _, a := range order {
		if err := f(a); err != nil {
			return err
		}
	}
	return nil
}

// staticAddr is a resolved TCP address whose String is computed once:
// gomemcache keys its connection pool by Addr.String() on every request.
type staticAddr struct{ str string }

func (a staticAddr) Network() string { return "tcp" }
func (a staticAddr) String() string  { return a.str }

// resolve checks that hostport resolves, and keeps the resolved address.
func resolve(hostport string) (net.Addr, error) {
	tcp, err := net.ResolveTCPAddr("tcp", hostport)
	if err != nil {
		return nil, err
	}
	return staticAddr{tcp.String()}, nil
}
