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
		// Each path of the tail and the 32-byte boundary, computed with
		// github.com/cespare/xxhash/v2 v2.3.0 (an independent implementation).
		{"key:", 0x04EB032D22973A83},
		{"key:1234", 0xC80870A5D209230D},
		{"key:12345", 0xBFEF884CDBF04A9E},
		{"0123456789012345678901234567890", 0x8B80DA128591B789},
		{"01234567890123456789012345678901", 0xE5CC9F411EA110BA},
		{"012345678901234567890123456789012", 0x14C504C80731F0BD},
	} {
		if got := xxhash64(tc.in, 0); got != tc.want {
			t.Errorf("xxhash64(%q) = %#x, want %#x", tc.in, got, tc.want)
		}
	}
}
