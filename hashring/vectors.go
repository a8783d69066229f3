package hashring

import (
	"bufio"
	"fmt"
	"io"
	"strings"
)

// Vector is one line of a key-to-server vector file: the server a deployed
// implementation (libmemcached, twemproxy) chose for Key.
type Vector struct {
	Key, Server string
}

// maxVectorLine bounds one line of a vector file.
const maxVectorLine = 64 << 10

// ReadVectors parses the vector format `key<TAB>host:port`, one a line, as
// in ../shared/corpora/ketama-vectors and as `deepsys hashring lookup`
// prints. Blank lines are skipped; anything else malformed is an error
// naming the line.
func ReadVectors(r io.Reader) ([]Vector, error) {
	var out []Vector
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 4096), maxVectorLine)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimRight(sc.Text(), "\r")
		if text == "" {
			continue
		}
		key, server, ok := strings.Cut(text, "\t")
		if !ok || key == "" || server == "" || strings.Contains(server, "\t") {
			return nil, fmt.Errorf("hashring: vectors line %d: want key<TAB>host:port, got %q", line, truncate(text))
		}
		out = append(out, Vector{key, server})
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("hashring: reading vectors: %w", err)
	}
	return out, nil
}

// MatchVectors looks every vector's key up in h and returns how many
// agree and the vectors that do not.
func MatchVectors(h Hasher, vectors []Vector) (matched int, mismatched []Vector, err error) {
	for _, v := range vectors {
		got, err := h.Lookup(v.Key)
		if err != nil {
			return matched, mismatched, err
		}
		if got == v.Server {
			matched++
		} else {
			mismatched = append(mismatched, v)
		}
	}
	return matched, mismatched, nil
}

func truncate(s string) string {
	if len(s) > 80 {
		return s[:80] + "..."
	}
	return s
}
