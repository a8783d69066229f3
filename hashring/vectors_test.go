package hashring

import (
	"strings"
	"testing"
)

func TestReadVectors(t *testing.T) {
	v, err := ReadVectors(strings.NewReader("key:0\t10.0.1.1:11211\n\nkey:1\t10.0.1.3:11211\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	if len(v) != 2 || v[1] != (Vector{"key:1", "10.0.1.3:11211"}) {
		t.Fatalf("got %v", v)
	}
	for _, bad := range []string{"no tab here\n", "\t10.0.0.1:1\n", "k\t\n", "k\ta\tb\n"} {
		if _, err := ReadVectors(strings.NewReader(bad)); err == nil || !strings.Contains(err.Error(), "line 1") {
			t.Errorf("ReadVectors(%q) = %v, want an error naming line 1", bad, err)
		}
	}
}

func FuzzReadVectors(f *testing.F) {
	f.Add("key:0\t10.0.1.1:11211\nkey:1\t10.0.1.3:11211\n")
	f.Add("\n\n\t\t\n")
	f.Fuzz(func(t *testing.T, in string) {
		v, err := ReadVectors(strings.NewReader(in))
		if err != nil {
			return
		}
		for _, x := range v {
			if x.Key == "" || x.Server == "" || strings.ContainsAny(x.Server, "\t\n") {
				t.Fatalf("accepted a malformed vector %q", x)
			}
		}
	})
}
