package acpi

import (
	"bytes"
	"testing"
)

// TestPkgLength checks the encodings of §20.2.4 at each size boundary.
func TestPkgLength(t *testing.T) {
	for _, c := range []struct {
		n    int
		want []byte
	}{
		{0, []byte{0x01}},
		{62, []byte{0x3f}},                // 63 with itself: the one-byte maximum
		{63, []byte{0x41, 0x04}},          // 65 = 0x41: two bytes, low nibble 1, then 0x04
		{0xffd, []byte{0x4f, 0xff}},       // 0xfff: the two-byte maximum
		{0xffe, []byte{0x81, 0x00, 0x01}}, // 0x1001: three bytes
		{0xffffc, []byte{0x8f, 0xff, 0xff}},
		{0xffffd, []byte{0xc1, 0x00, 0x00, 0x01}},
	} {
		if got := pkgLength(c.n); !bytes.Equal(got, c.want) {
			t.Errorf("pkgLength(%#x) = % x, want % x", c.n, got, c.want)
		}
	}
}

func TestEISAID(t *testing.T) {
	for id, want := range map[string]uint32{"PNP0501": 0x0105d041, "PNP0A03": 0x030ad041, "PNP0303": 0x0303d041} {
		got, err := EISAID(id)
		if err != nil || got != want {
			t.Errorf("EISAID(%q) = %#x, %v; want %#x", id, got, err, want)
		}
	}
	for _, bad := range []string{"PNP050", "pnp0501", "PNP05G1"} {
		if _, err := EISAID(bad); err == nil {
			t.Errorf("EISAID(%q) accepted", bad)
		}
	}
}

func TestNameSeg(t *testing.T) {
	if b, err := nameSeg("_SB"); err != nil || string(b) != "_SB_" {
		t.Errorf("nameSeg(_SB) = %q, %v", b, err)
	}
	for _, bad := range []string{"", "TOOLONG", "1ABC", "ab"} {
		if _, err := nameSeg(bad); err == nil {
			t.Errorf("nameSeg(%q) accepted", bad)
		}
	}
}

// TestAMLIntegers checks the shortest-form integer encodings (§20.2.3).
func TestAMLIntegers(t *testing.T) {
	for v, want := range map[uint64][]byte{
		0: {0x00}, 1: {0x01}, 5: {0x0a, 5}, 0x3f8: {0x0b, 0xf8, 0x03},
		0xd0000000: {0x0c, 0, 0, 0, 0xd0}, 1 << 32: {0x0e, 0, 0, 0, 0, 1, 0, 0, 0},
	} {
		if got := amlInteger(v); !bytes.Equal(got, want) {
			t.Errorf("amlInteger(%#x) = % x, want % x", v, got, want)
		}
	}
}

func TestAMLPackage(t *testing.T) {
	got := amlPackageLit(amlInteger(1), amlStringLit("a"))
	want := []byte{0x12, 0x06, 0x02, 0x01, 0x0d, 'a', 0x00}
	if !bytes.Equal(got, want) {
		t.Errorf("Package(){1, \"a\"} = % x, want % x", got, want)
	}
}
