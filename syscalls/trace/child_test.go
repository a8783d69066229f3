package trace

import (
	"slices"
	"testing"
)

// FuzzParseNumbers: the child's syscall list (DEEPSYS_TRACE_CHILD) is
// read back as written, and anything else is an error naming it.
func FuzzParseNumbers(f *testing.F) {
	for _, s := range []string{"257", "0,1,2", "-1", "", ",", "1,,2", "x", "99999999999999999999"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, spec string) {
		nrs, err := parseNumbers(spec)
		if err != nil {
			return
		}
		back, err := parseNumbers(formatNumbers(nrs))
		if err != nil || !slices.Equal(back, nrs) {
			t.Fatalf("%q -> %v -> %q -> %v, %v", spec, nrs, formatNumbers(nrs), back, err)
		}
	})
}
