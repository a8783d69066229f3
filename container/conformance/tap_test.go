package conformance

import (
	"reflect"
	"strings"
	"testing"
)

func TestParseTAP(t *testing.T) {
	for _, tc := range []struct {
		name, out string
		want      TAP
		clean     bool
	}{
		{"pass", "TAP version 13\nok 1 - a\nok 2 # SKIP not set\n1..2\n",
			TAP{Version: 13, Plan: 2, Ok: 1, Skip: 1}, true},
		{"not ok with yaml", "TAP version 13\nnot ok 1 - state works\n  ---\n  {\n    \"error\": \"x\"\n  }\n  ...\n1..1\n",
			TAP{Version: 13, Plan: 1, NotOk: 1, Failed: []string{"state works"}}, false},
		{"orphan diagnostic", "TAP version 13\n  ---\n  {\n    \"error\": \"hooks\"\n  }\n  ...\n1..0\n",
			TAP{Version: 13, Plan: 0, Orphan: 1, Orphans: []string{"  {\n    \"error\": \"hooks\"\n  }"}}, false},
		{"todo", "not ok 1 # TODO later\nok 2 # todo\n1..2", TAP{Plan: 2, Todo: 2}, true},
		{"no plan", "TAP version 13\nok 1 - a\n", TAP{Version: 13, Plan: -1, Ok: 1}, false},
		{"bail out", "ok 1\nBail out! no rootfs\n1..1\n", TAP{Plan: 1, Ok: 1, Bailout: "no rootfs"}, false},
		{"noise ignored", "failed to create the container\nokay\nexit status 1\n1..0 # skip all\n", TAP{Plan: 0}, true},
		{"yaml after a point is not orphan", "ok 1 - a\n  ---\n  {}\n  ...\n1..1\n", TAP{Plan: 1, Ok: 1}, true},
		{"unterminated yaml", "  ---\n  {", TAP{Plan: -1, Orphan: 1, Orphans: []string{"  {"}}, false},
		{"crlf", "ok 1 - a\r\n1..1\r\n", TAP{Plan: 1, Ok: 1}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := ParseTAP(tc.out)
			if !reflect.DeepEqual(got, tc.want) {
				t.Errorf("ParseTAP:\n got %+v\nwant %+v", got, tc.want)
			}
			if clean := len(got.Problems()) == 0; clean != tc.clean {
				t.Errorf("clean = %v, want %v (problems %q)", clean, tc.clean, got.Problems())
			}
		})
	}
}

// FuzzParseTAP checks that any output parses without a panic, that the
// counts agree with the kept lists, and that the kept lists stay bounded.
func FuzzParseTAP(f *testing.F) {
	f.Add("TAP version 13\nok 1 - a\nnot ok 2 - b\nok 3 # SKIP c\n1..3\n")
	f.Add("TAP version 13\n  ---\n  {\"error\": \"x\"}\n  ...\n1..0\n")
	f.Add("Bail out!\n1..x\nnot ok\nok\t# todo\n  ---\n")
	f.Add(strings.Repeat("not ok 1\n  ---\n  ...\n", 100))
	f.Fuzz(func(t *testing.T, out string) {
		r := ParseTAP(out)
		if len(r.Failed) > maxKept || len(r.Orphans) > maxKept {
			t.Fatalf("kept %d failures, %d orphans", len(r.Failed), len(r.Orphans))
		}
		if len(r.Failed) > r.NotOk || len(r.Orphans) > r.Orphan {
			t.Fatalf("lists longer than counts: %+v", r)
		}
		if r.Ok+r.NotOk+r.Skip+r.Todo > strings.Count(out, "ok")+1 {
			t.Fatalf("more test points than \"ok\" in the output: %+v", r)
		}
		if r.NotOk > 0 && len(r.Problems()) == 0 {
			t.Fatalf("not ok but no problems: %+v", r)
		}
	})
}
