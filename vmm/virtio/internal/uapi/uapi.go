// Package uapi reads integer constants from the Linux uapi headers
// (/usr/include/linux/virtio_*.h, Debian's linux-libc-dev) so tests can
// hold the device models' numbers against the ones the guest's virtio
// drivers are compiled with: register offsets, ring flags, status and
// feature bits, request types. It parses only "#define NAME number" and
// "#define NAME (1 << n)" lines, which is all those headers use for them.
package uapi

import (
	"bufio"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// defineRE matches the integer #defines of the uapi headers: a number, or
// a shift such as (1 << 0).
var defineRE = regexp.MustCompile(`^#define\s+(\w+)\s+\(?\s*(0[xX][0-9a-fA-F]+|\d+)(?:\s*<<\s*(\d+))?\s*\)?\s*(?:/\*.*)?$`)

// Defines returns the integer #defines of the Linux uapi header
// /usr/include/linux/<name> (Debian's linux-libc-dev, in
// scripts/debian-packages.txt). Linux's own virtio drivers are built from
// these numbers, so a constant here that differs from them is our bug.
// Without the header the test skips, or fails under CI.
func Defines(t testing.TB, name string) map[string]uint64 {
	t.Helper()
	path := filepath.Join("/usr/include/linux", name)
	f, err := os.Open(path)
	if err != nil {
		if testenv.RequireAll() {
			t.Fatalf("needs the kernel's uapi headers (linux-libc-dev): %v", err)
		}
		t.Skipf("skipping: needs the kernel's uapi headers (linux-libc-dev): %v", err)
	}
	defer f.Close()
	defs := map[string]uint64{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		m := defineRE.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		v, err := strconv.ParseUint(m[2], 0, 64)
		if err != nil {
			continue
		}
		if m[3] != "" {
			shift, _ := strconv.Atoi(m[3])
			v <<= shift
		}
		defs[m[1]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return defs
}

// CheckDefines compares our constants with the kernel's, by the kernel's
// names.
func CheckDefines(t testing.TB, header string, want map[string]uint64) {
	t.Helper()
	defs := Defines(t, header)
	for name, ours := range want {
		kernel, ok := defs[name]
		switch {
		case !ok:
			t.Errorf("%s: no integer #define %s", header, name)
		case kernel != ours:
			t.Errorf("%s: %s is %#x in the kernel, %#x here", header, name, kernel, ours)
		}
	}
}
