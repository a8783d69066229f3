package hashring

import (
	"strings"
	"testing"
)

// Published XXH64 vectors, seed 0 (xxHash's own test suite and README).
func TestXXHash64Vectors(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint64
	}{
		{"", 0xEF46DB3751D8E999},
		{"a", 0xD24EC4F1A98C6E5B},
		{"abc", 0x44BC2CF5AD770999},
		{"message digest", 0x066ED728FCEEB3BE},
		{"abcdefghijklmnopqrstuvwxyz", 0xCFE1F278FA89835C},
		{"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789", 0xAAA46907D3047814},
		{strings.Repeat("1234567890", 8), 0xE04A477F19EE145D},
	} {
		if got := xxhash64(tc.in, 0); got != tc.want {
			t.Errorf("xxhash64(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
}
