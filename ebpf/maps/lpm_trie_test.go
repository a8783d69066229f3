package maps

import (
	"bytes"
	"encoding/binary"
	"net/netip"
	"syscall"
	"testing"
)

// ipKey is an IPv4 LPM key: prefix length, then the address big-endian.
func ipKey(prefix string) []byte {
	p := netip.MustParsePrefix(prefix)
	a := p.Addr().As4()
	return append(binary.NativeEndian.AppendUint32(nil, uint32(p.Bits())), a[:]...)
}

func keyString(k []byte) string {
	a, _ := netip.AddrFromSlice(k[4:])
	return netip.PrefixFrom(a, int(binary.NativeEndian.Uint32(k))).String()
}

// newRoutes builds the trie of lpm_trie.c's comment: 192.168.0.0/16 (1),
// /24 (2), 192.168.128.0/24 (3), 192.168.1.0/24 (5), which makes an
// intermediate node 192.168.0.0/23.
func newRoutes(t *testing.T) Elems {
	t.Helper()
	m := mustNew(t, Spec{Type: LPMTrie, KeySize: 8, ValueSize: 4, MaxEntries: 4, Flags: FlagNoPrealloc}, 1).(Elems)
	for _, r := range []struct {
		prefix string
		value  uint32
	}{{"192.168.0.0/16", 1}, {"192.168.0.0/24", 2}, {"192.168.128.0/24", 3}, {"192.168.1.0/24", 5}} {
		if err := m.Update(ipKey(r.prefix), u32(r.value), UpdateNoExist); err != nil {
			t.Fatalf("%s: %v", r.prefix, err)
		}
	}
	return m
}

func TestTrieLongestPrefixMatch(t *testing.T) {
	m := newRoutes(t)
	for _, c := range []struct {
		key  string
		want uint32 // 0: ENOENT
	}{
		{"192.168.0.1/32", 2},
		{"192.168.1.77/32", 5},
		{"192.168.128.9/32", 3},
		{"192.168.129.1/32", 1}, // only the /16 covers it
		{"192.168.0.1/20", 1},   // the key's own length limits the match
		{"192.169.0.1/32", 0},
		{"10.0.0.0/8", 0},
		{"192.168.0.0/23", 1}, // the intermediate node has no value
	} {
		got, err := m.Lookup(ipKey(c.key))
		switch {
		case c.want == 0 && errno(err) != syscall.ENOENT:
			t.Errorf("%s: %x, %v; want ENOENT", c.key, got, err)
		case c.want != 0 && !bytes.Equal(got, u32(c.want)):
			t.Errorf("%s: %x, %v; want %d", c.key, got, err, c.want)
		}
	}
}

func TestTrieNextKeyPostOrder(t *testing.T) {
	m := newRoutes(t)
	var got []string
	for _, k := range walk(m.NextKey) {
		got = append(got, keyString(k))
	}
	want := []string{"192.168.0.0/24", "192.168.1.0/24", "192.168.128.0/24", "192.168.0.0/16"}
	if len(got) != len(want) {
		t.Fatalf("order %v, want %v (lpm_trie.c's trie_get_next_key comment)", got, want)
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("order %v, want %v (lpm_trie.c's trie_get_next_key comment)", got, want)
		}
	}
}

func TestTrieErrors(t *testing.T) {
	m := newRoutes(t)
	for _, c := range []struct {
		name string
		err  error
		want syscall.Errno
	}{
		{"full", m.Update(ipKey("10.0.0.0/8"), u32(0), UpdateAny), syscall.ENOSPC},
		{"replace when full", m.Update(ipKey("192.168.0.0/16"), u32(9), UpdateExist), 0},
		{"NOEXIST on a present prefix", m.Update(ipKey("192.168.0.0/16"), u32(9), UpdateNoExist), syscall.EEXIST},
		{"prefix length 33", m.Update(append(u32(33), 1, 2, 3, 4), u32(0), UpdateAny), syscall.EINVAL},
		{"delete prefix length 33", m.Delete(append(u32(33), 1, 2, 3, 4)), syscall.EINVAL},
		{"delete the intermediate node", m.Delete(ipKey("192.168.0.0/23")), syscall.ENOENT},
		{"delete", m.Delete(ipKey("192.168.0.0/24")), 0},
		{"EXIST on the freed room", m.Update(ipKey("10.0.0.0/8"), u32(0), UpdateExist), syscall.ENOENT},
		{"the freed room", m.UpdateElem(ipKey("10.0.0.0/8"), u32(8), UpdateNoExist, 0), 0},
	} {
		if errno(c.err) != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.err, c.want)
		}
	}
	if _, err := m.Lookup(append(u32(33), 1, 2, 3, 4)); errno(err) != syscall.ENOENT {
		t.Errorf("lookup with prefix length 33: %v, want ENOENT", err)
	}
	off, ok := m.LookupElem(ipKey("10.1.2.3/32"), 0)
	if !ok || !bytes.Equal(m.Memory()[off:off+4], u32(8)) {
		t.Errorf("LookupElem(10.1.2.3) = %d, %v", off, ok)
	}
}
