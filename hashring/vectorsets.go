package hashring

import (
	"fmt"
	"os"
	"path/filepath"
)

// VectorSet is one file of the ketama-vectors corpus with the algorithm
// and server list (host:port:weight, in insertion order) that produced it;
// see the corpus README for how each was generated.
type VectorSet struct {
	File, Algorithm, Servers string
}

// KetamaVectorSets are the corpus files our ketama must match key by key.
var KetamaVectorSets = []VectorSet{
	{"libmemcached_A_3servers.tsv", "ketama",
		"10.0.1.1:11211:1,10.0.1.2:11211:1,10.0.1.3:11211:1"},
	{"libmemcached_B_5servers_weighted.tsv", "ketama",
		"10.0.1.1:11211:1,10.0.1.2:11212:1,cache-a.example:11211:2,10.0.1.4:11213:3,10.0.1.5:11211:1"},
	{"twemproxy_md5_ketama_3servers.tsv", "ketama-twemproxy-md5",
		"127.0.0.1:31311:1,127.0.0.1:31312:1,127.0.0.1:31313:2"},
	{"twemproxy_fnv1a64_ketama_3servers.tsv", "ketama-twemproxy-fnv1a64",
		"127.0.0.1:31311:1,127.0.0.1:31312:1,127.0.0.1:31313:2"},
}

// VectorCheck is the outcome of CheckVectorSet.
type VectorCheck struct {
	Set        VectorSet
	Total      int
	Matched    int
	Mismatched []Vector
}

// CheckVectorSet reads set.File from the corpus directory dir and looks
// every key up in a fresh set.Algorithm over set.Servers.
func CheckVectorSet(dir string, set VectorSet) (VectorCheck, error) {
	res := VectorCheck{Set: set}
	f, err := os.Open(filepath.Join(dir, set.File))
	if err != nil {
		return res, fmt.Errorf("hashring: %w", err)
	}
	defer f.Close()
	vectors, err := ReadVectors(f)
	if err != nil {
		return res, fmt.Errorf("%s: %w", set.File, err)
	}
	nodes, err := ParseServers(set.Servers)
	if err != nil {
		return res, err
	}
	h, err := New(set.Algorithm, nodes, Options{})
	if err != nil {
		return res, err
	}
	res.Total = len(vectors)
	res.Matched, res.Mismatched, err = MatchVectors(h, vectors)
	return res, err
}
