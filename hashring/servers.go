package hashring

// servers.go parses the server lists that memcached clients and proxies are
// configured with: "host:port[:weight],...", the form of libmemcached's
// memcached_servers_parse and of twemproxy's "servers:" entries (without
// twemproxy's optional trailing name).
//
//  1. Split the spec at commas; blanks around an entry are ignored, an empty
//     entry is an error (a doubled or trailing comma is usually a typo).
//  2. An entry is host:port or host:port:weight. An IPv6 host is written in
//     brackets, [::1]:11211:2, because its colons would be ambiguous.
//  3. The port is 1-65535, the weight a whole number 1-4294967295 (both C
//     libraries keep it in a uint32); no weight means 1.
//  4. The node's Name is the canonical "host:port" (net.JoinHostPort, port
//     without leading zeros), which ketama.go splits again to build the
//     continuum exactly as libmemcached does.
//
// Not done: Unix socket paths (they have no port, and ketama would hash them
// differently in each library) and twemproxy's "host:port:weight name" form.

import (
	"fmt"
	"math"
	"net"
	"strconv"
	"strings"
)

// ParseServers parses "host:port[:weight],..." into nodes, in order. Errors
// name the entry and wrap ErrBadOption (syntax), ErrBadWeight (weight) or
// ErrDuplicate (the same host:port twice).
func ParseServers(spec string) ([]Node, error) {
	if strings.TrimSpace(spec) == "" {
		return nil, fmt.Errorf("%w: empty server list (want host:port[:weight],...)", ErrBadOption)
	}
	entries := strings.Split(spec, ",")
	nodes := make([]Node, 0, len(entries))
	seen := make(map[string]int, len(entries))
	for i, e := range entries {
		n, err := parseServer(strings.TrimSpace(e))
		if err != nil {
			return nil, fmt.Errorf("server %d %q: %w", i+1, e, err)
		}
		if j, dup := seen[n.Name]; dup {
			return nil, fmt.Errorf("server %d %q: %w: same as server %d", i+1, e, ErrDuplicate, j+1)
		}
		seen[n.Name] = i
		nodes = append(nodes, n)
	}
	return nodes, nil
}

// parseServer parses one host:port[:weight] entry.
func parseServer(e string) (Node, error) {
	if e == "" {
		return Node{}, fmt.Errorf("%w: empty entry", ErrBadOption)
	}
	host, rest, err := splitHost(e)
	if err != nil {
		return Node{}, err
	}
	portText, weightText, hasWeight := strings.Cut(rest, ":")
	port, err := parseUint(portText, "port", math.MaxUint16)
	if err != nil {
		return Node{}, fmt.Errorf("%w: %v", ErrBadOption, err)
	}
	weight := uint64(1)
	if hasWeight {
		if weight, err = parseUint(weightText, "weight", math.MaxUint32); err != nil {
			return Node{}, fmt.Errorf("%w: %v", ErrBadWeight, err)
		}
	}
	name := net.JoinHostPort(host, strconv.FormatUint(port, 10))
	return Node{Name: name, Weight: float64(weight)}, nil
}

// splitHost separates the host from ":port[:weight]", unbracketing IPv6.
func splitHost(e string) (host, rest string, err error) {
	if strings.HasPrefix(e, "[") {
		end := strings.IndexByte(e, ']')
		if end < 0 {
			return "", "", fmt.Errorf("%w: missing ] after IPv6 address", ErrBadOption)
		}
		host, rest = e[1:end], e[end+1:]
		if !strings.HasPrefix(rest, ":") {
			return "", "", fmt.Errorf("%w: want [address]:port after the bracketed address", ErrBadOption)
		}
		rest = rest[1:]
	} else {
		var ok bool
		if host, rest, ok = strings.Cut(e, ":"); !ok {
			return "", "", fmt.Errorf("%w: no port (want host:port[:weight])", ErrBadOption)
		}
	}
	return host, rest, checkHost(host)
}

// checkHost rejects an empty host and bytes no host name or address has.
func checkHost(host string) error {
	if host == "" {
		return fmt.Errorf("%w: empty host", ErrBadOption)
	}
	for i := 0; i < len(host); i++ {
		if c := host[i]; c <= ' ' || c == 0x7f || c == '[' || c == ']' || c == ',' {
			return fmt.Errorf("%w: host %q has byte %q at %d", ErrBadOption, host, c, i)
		}
	}
	return nil
}

// parseUint parses a decimal number 1..max made only of digits (no sign, no
// blanks: strconv alone would take "+1").
func parseUint(s, what string, max uint64) (uint64, error) {
	if s == "" {
		return 0, fmt.Errorf("empty %s", what)
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, fmt.Errorf("%s %q is not a whole number", what, s)
		}
	}
	v, err := strconv.ParseUint(s, 10, 64)
	if err != nil || v < 1 || v > max {
		return 0, fmt.Errorf("%s %q is outside 1-%d", what, s, max)
	}
	return v, nil
}
