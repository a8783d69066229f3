package trace

import "testing"

// TestResumedArgs: the resumed half of an interleaved call starts at the
// first argument that decoded differently at exit, at an argument boundary.
func TestResumedArgs(t *testing.T) {
	for _, c := range []struct{ entry, exit, want string }{
		{"3, 0x7ffd1000, 832", `3, "\177ELF"..., 832`, `"\177ELF"..., 832`},
		{"3, 0x7ffd1000, 832", "3, 0x7ffd1000, 832", ""},
		{"AT_FDCWD, 0x1, 0x2", `AT_FDCWD, "/etc", {st_mode=S_IFDIR}`, `"/etc", {st_mode=S_IFDIR}`},
		{"0x10", "0x11", "0x11"},
		{"", "1", "1"},
	} {
		if got := resumedArgs(c.entry, c.exit); got != c.want {
			t.Errorf("resumedArgs(%q, %q) = %q, want %q", c.entry, c.exit, got, c.want)
		}
	}
}
