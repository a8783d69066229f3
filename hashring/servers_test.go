package hashring

import (
	"errors"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

func TestParseServers(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want []Node
	}{
		{"10.0.1.1:11211", []Node{{"10.0.1.1:11211", 1}}},
		{"a:1:2, b:2 ,c:3:1", []Node{{"a:1", 2}, {"b:2", 1}, {"c:3", 1}}},
		{"h:011211:0003", []Node{{"h:11211", 3}}},
		{"[::1]:11211:2,[fe80::1]:80", []Node{{"[::1]:11211", 2}, {"[fe80::1]:80", 1}}},
		{"cache-a.example:65535:4294967295", []Node{{"cache-a.example:65535", 4294967295}}},
	} {
		got, err := ParseServers(tc.spec)
		if err != nil || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseServers(%q) = %v, %v; want %v", tc.spec, got, err, tc.want)
		}
	}
}

func TestParseServersErrors(t *testing.T) {
	for _, tc := range []struct {
		spec string
		want error
		says string
	}{
		{"", ErrBadOption, "empty server list"},
		{"a:1,", ErrBadOption, "server 2"},
		{"a", ErrBadOption, "no port"},
		{":11211", ErrBadOption, "empty host"},
		{"::1:11211", ErrBadOption, "empty host"},
		{"a:0", ErrBadOption, "outside 1-65535"},
		{"a:65536", ErrBadOption, "outside 1-65535"},
		{"a:+1", ErrBadOption, "not a whole number"},
		{"a:1:0", ErrBadWeight, "outside 1-4294967295"},
		{"a:1:1.5", ErrBadWeight, "not a whole number"},
		{"a:1:-2", ErrBadWeight, "not a whole number"},
		{"a:1:4294967296", ErrBadWeight, "outside"},
		{"a:1:2:3", ErrBadWeight, "not a whole number"},
		{"a b:1", ErrBadOption, "has byte"},
		{"[::1:11211", ErrBadOption, "missing ]"},
		{"[::1]11211", ErrBadOption, "want [address]:port"},
		{"a:1,a:0001", ErrDuplicate, "same as server 1"},
	} {
		_, err := ParseServers(tc.spec)
		if !errors.Is(err, tc.want) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("ParseServers(%q) error = %v; want %v saying %q", tc.spec, err, tc.want, tc.says)
		}
	}
}

// formatServers writes nodes back as a spec ParseServers accepts.
func formatServers(nodes []Node) string {
	parts := make([]string, len(nodes))
	for i, n := range nodes {
		parts[i] = n.Name + ":" + strconv.FormatFloat(n.Weight, 'f', -1, 64)
	}
	return strings.Join(parts, ",")
}

// FuzzParseServers: never a panic; an accepted spec yields valid nodes that
// round-trip through their canonical form.
func FuzzParseServers(f *testing.F) {
	for _, s := range []string{
		"10.0.1.1:11211", "a:1:2, b:2 ,c:3:1", "[::1]:11211:2", "a:1,", "[::1", "a:1:2:3", ":", ",,", "[]:1",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		nodes, err := ParseServers(spec)
		if err != nil {
			if len(nodes) != 0 {
				t.Fatalf("error %v with nodes %v", err, nodes)
			}
			return
		}
		for _, n := range nodes {
			if _, err := checkNode(n, true); err != nil || n.Weight != float64(uint32(n.Weight)) {
				t.Fatalf("ParseServers(%q) gave bad node %+v: %v", spec, n, err)
			}
		}
		again, err := ParseServers(formatServers(nodes))
		if err != nil || !reflect.DeepEqual(again, nodes) {
			t.Fatalf("round trip of %q via %q: %v, %v; want %v", spec, formatServers(nodes), again, err, nodes)
		}
	})
}
