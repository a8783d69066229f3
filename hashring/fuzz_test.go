package hashring

import (
	"errors"
	"strings"
	"testing"
)

// FuzzLookup builds every algorithm over fuzzed node names, looks up a
// fuzzed key, removes a node and looks up again: never a panic, always a
// member or a documented error.
func FuzzLookup(f *testing.F) {
	f.Add("a\nb\nc", "key", uint8(1))
	f.Add("10.0.1.1:11211\n10.0.1.2:11212\n[::1]:11211", "", uint8(0))
	f.Add("x\nx", "k", uint8(0))
	f.Add("\n", "k", uint8(3))
	f.Add("", "k", uint8(0))
	f.Add("\xff\x80\n\x00", "\x80\xff", uint8(7))
	f.Fuzz(func(t *testing.T, names, key string, drop uint8) {
		var nodes []Node
		if names != "" {
			for _, n := range strings.Split(names, "\n")[:min(64, strings.Count(names, "\n")+1)] {
				nodes = append(nodes, Node{Name: n})
			}
		}
		for _, algo := range Algorithms() {
			fuzzOne(t, algo, nodes, key, int(drop))
		}
	})
}

func fuzzOne(t *testing.T, algo string, nodes []Node, key string, drop int) {
	h, err := New(algo, nodes, Options{})
	if err != nil {
		if !errors.Is(err, ErrBadOption) && !errors.Is(err, ErrDuplicate) {
			t.Fatalf("%s: New(%+v): undocumented error %v", algo, nodes, err)
		}
		return
	}
	checkMember(t, h, key)
	if len(nodes) == 0 {
		return
	}
	err = h.Remove(nodes[drop%len(nodes)].Name)
	if err != nil && !errors.Is(err, ErrUnsupported) {
		t.Fatalf("%s: Remove(%q): %v", algo, nodes[drop%len(nodes)].Name, err)
	}
	checkMember(t, h, key)
}

// checkMember: Lookup returns a current member, or ErrEmpty without one.
func checkMember(t *testing.T, h Hasher, key string) {
	got, err := h.Lookup(key)
	members := h.Nodes()
	if len(members) == 0 {
		if !errors.Is(err, ErrEmpty) {
			t.Fatalf("%s: Lookup(%q) on no nodes = %q, %v; want ErrEmpty", h.Algorithm(), key, got, err)
		}
		return
	}
	if err != nil {
		t.Fatalf("%s: Lookup(%q): %v", h.Algorithm(), key, err)
	}
	for _, n := range members {
		if n.Name == got {
			return
		}
	}
	t.Fatalf("%s: Lookup(%q) = %q, not among %d members", h.Algorithm(), key, got, len(members))
}
