package hashring

import (
	"errors"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// TestKetamaVectors checks every key of every vector file of the corpus:
// the real libmemcached and twemproxy chose these servers.
func TestKetamaVectors(t *testing.T) {
	dir := testenv.Corpus(t, "ketama-vectors")
	files, err := filepath.Glob(filepath.Join(dir, "*.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) != len(KetamaVectorSets) {
		t.Errorf("corpus has %d .tsv files, KetamaVectorSets knows %d: %v", len(files), len(KetamaVectorSets), files)
	}
	for _, set := range KetamaVectorSets {
		t.Run(strings.TrimSuffix(set.File, ".tsv"), func(t *testing.T) {
			c, err := CheckVectorSet(dir, set)
			if err != nil {
				t.Fatal(err)
			}
			if c.Total == 0 {
				t.Fatalf("%s holds no vectors", set.File)
			}
			if c.Matched != c.Total {
				t.Errorf("%s: %d of %d keys mismatch; first ones: %v", set.File, c.Total-c.Matched, c.Total,
					c.Mismatched[:min(len(c.Mismatched), 5)])
			}
			t.Logf("%s: %d keys checked", set.File, c.Total)
		})
	}
}

// TestKetamaDigestQuirk pins step 2 of ketama.go: float32 arithmetic gives a
// server 39 digests, not 40, at some cluster sizes.
func TestKetamaDigestQuirk(t *testing.T) {
	for _, tc := range []struct {
		weight, total float32
		n, want       int
	}{
		{1, 3, 3, 40}, {1, 10, 10, 40}, {1, 25, 25, 39}, {1, 100, 100, 39}, {1, 101, 101, 40},
		{1, 8, 5, 25}, {2, 8, 5, 50}, {3, 8, 5, 75}, // corpus B
		{1, 4, 3, 30}, {2, 4, 3, 60}, // corpus twemproxy
	} {
		if got := ketamaDigests(tc.weight, tc.total, tc.n); got != tc.want {
			t.Errorf("ketamaDigests(%v, %v, %d) = %d, want %d", tc.weight, tc.total, tc.n, got, tc.want)
		}
	}
}

func TestKetamaHost(t *testing.T) {
	for name, want := range map[string]string{
		"10.0.1.1:11211":  "10.0.1.1",
		"10.0.1.2:11212":  "10.0.1.2:11212",
		"h:011212":        "h:11212",
		"[::1]:11211":     "::1",
		"[::1]:11300":     "::1:11300",
		"node-7":          "node-7",
		"a:b":             "a:b",
		"cache-a.example": "cache-a.example",
	} {
		if got := ketamaHost(name); got != want {
			t.Errorf("ketamaHost(%q) = %q, want %q", name, got, want)
		}
	}
}

// TestTwemproxyFNVSignExtends pins the C char behaviour of fnv1a64Tw: a byte
// >= 0x80 is xored in as 0xffffffxx.
func TestTwemproxyFNVSignExtends(t *testing.T) {
	h, prime := fnvTwOffset, fnvTwPrime // variables: uint32 arithmetic wraps
	if got, want := fnv1a64Tw("\x80"), (h^0xffffff80)*prime; got != want {
		t.Errorf("fnv1a64Tw(\"\\x80\") = %#x, want %#x", got, want)
	}
	if got, want := fnv1a64Tw("a"), (h^'a')*prime; got != want {
		t.Errorf("fnv1a64Tw(\"a\") = %#x, want %#x", got, want)
	}
}

func TestKetamaWeights(t *testing.T) {
	for _, w := range []float64{1.5, 1e10} {
		_, err := New("ketama", []Node{{Name: "a:1", Weight: w}}, Options{})
		if !errors.Is(err, ErrUnsupported) {
			t.Errorf("weight %v: err = %v, want ErrUnsupported", w, err)
		}
	}
}

// TestKetamaLookupAllocs: the MD5 of a key of any length goes through no
// heap copy.
func TestKetamaLookupAllocs(t *testing.T) {
	nodes, _ := ParseServers("10.0.1.1:11211,10.0.1.2:11211,10.0.1.3:11211")
	for _, algo := range []string{"ketama", "ketama-twemproxy-md5", "ketama-twemproxy-fnv1a64"} {
		h, err := New(algo, nodes, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for _, key := range []string{"k", strings.Repeat("long-key-", 30)} {
			if a := testing.AllocsPerRun(100, func() { _, _ = h.Lookup(key) }); a != 0 {
				t.Errorf("%s: Lookup of a %d-byte key allocates %v times", algo, len(key), a)
			}
		}
	}
}

// TestTwemproxyEmptyKey: twemproxy's server_pool_hash maps the empty key to
// hash 0, the first point; libmemcached hashes it with MD5 like any key.
func TestTwemproxyEmptyKey(t *testing.T) {
	nodes, _ := ParseServers("127.0.0.1:31311:1,127.0.0.1:31312:1,127.0.0.1:31313:2")
	for _, algo := range []string{"ketama-twemproxy-md5", "ketama-twemproxy-fnv1a64"} {
		k := mustNew(t, algo, nodes).(*ketama)
		want := k.set.list[k.c.points[0].owner].Name
		if got, err := k.Lookup(""); err != nil || got != want {
			t.Errorf("%s: Lookup(\"\") = %q, %v; want %q (the first point)", algo, got, err, want)
		}
	}
	if md5Key("") != 0xd98c1dd4 { // MD5("") = d41d8cd98f00b204e9800998ecf8427e
		t.Errorf("md5Key(\"\") = %#x", md5Key(""))
	}
}
