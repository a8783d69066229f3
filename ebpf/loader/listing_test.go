package loader

import (
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestDisassemble checks the listing of a linked program against a golden
// file (testdata/calls.listing; regenerate with DEEPSYS_REWRITE=1) and,
// function by function, every line that is not a relocation against what
// llvm-objdump-19 -d --mcpu=v3 printed for the object (testdata/calls.objdump,
// written by make ebpf-testdata).
func TestDisassemble(t *testing.T) {
	obj := mustLoad(t, "calls.o")
	var got strings.Builder
	for _, p := range obj.Programs {
		got.WriteString(obj.Disassemble(p) + "\n")
	}
	const golden = "testdata/calls.listing"
	if os.Getenv("DEEPSYS_REWRITE") == "1" {
		if err := os.WriteFile(golden, []byte(got.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got.String() != string(want) {
		t.Errorf("listing differs from %s:\n%s", golden, got.String())
	}
	compareObjdump(t, got.String())
	for _, line := range []string{
		"call 0x5 <sum>", "r2 = map_value[.data]+0x0 ll <calls_total>", "r1 = map_value[.rodata]+0x0 ll <calls_limit>",
	} {
		if !strings.Contains(got.String(), line) {
			t.Errorf("listing lacks %q", line)
		}
	}
	if l := mustLoad(t, "xdp_counter.o"); !strings.Contains(l.Disassemble(l.Programs[0]), "r1 = map[proto_count] ll") {
		t.Error("xdp_counter listing lacks r1 = map[proto_count] ll")
	}
}

var (
	labelLine  = regexp.MustCompile(`^[0-9a-f]{16} <(\w+)>:$`)
	insnLine   = regexp.MustCompile(`^ *\d+:\t[0-9a-f ]+\t(.*)$`)
	jumpTarget = regexp.MustCompile(` <[\w+.x0-9]+>$`)
)

// functionLines splits a listing into each function's instruction texts,
// without objdump's jump-target labels.
func functionLines(listing string) map[string][]string {
	out := map[string][]string{}
	fn := ""
	for _, line := range strings.Split(listing, "\n") {
		if m := labelLine.FindStringSubmatch(line); m != nil {
			fn = m[1]
			out[fn] = nil
		} else if m := insnLine.FindStringSubmatch(line); m != nil && fn != "" {
			out[fn] = append(out[fn], m[1])
		}
	}
	return out
}

func compareObjdump(t *testing.T, listing string) {
	t.Helper()
	ref, err := os.ReadFile("testdata/calls.objdump")
	if err != nil {
		t.Fatal(err)
	}
	want, got := functionLines(string(ref)), functionLines(listing)
	compared := 0
	for fn, lines := range got {
		if len(lines) != len(want[fn]) {
			t.Errorf("function %s: %d instructions, llvm-objdump %d", fn, len(lines), len(want[fn]))
			continue
		}
		for i, line := range lines {
			if strings.Contains(line, " <") || strings.Contains(line, " ll") {
				continue // relocated: objdump shows the unrelocated instruction
			}
			if w := jumpTarget.ReplaceAllString(want[fn][i], ""); line != w {
				t.Errorf("function %s instruction %d: %q, llvm-objdump %q", fn, i, line, w)
			}
			compared++
		}
	}
	if compared < 30 {
		t.Errorf("only %d lines compared with llvm-objdump", compared)
	}
}
