package cgroups

import (
	"reflect"
	"testing"
)

func TestParseBlkioV1(t *testing.T) {
	in := "254:0 Read 4096\n254:0 Write 0\n254:0 Sync 4096\n254:0 Async 0\n254:0 Discard 0\n254:0 Total 4096\n" +
		"7:0 Read 12\nTotal 4108\nbad line here too\nx:y Read 1\n"
	want := []BlkioEntry{{254, 0, "Read", 4096}, {254, 0, "Write", 0}, {254, 0, "Sync", 4096}, {254, 0, "Async", 0},
		{254, 0, "Discard", 0}, {254, 0, "Total", 4096}, {7, 0, "Read", 12}}
	if got := parseBlkioV1(in); !reflect.DeepEqual(got, want) {
		t.Errorf("parseBlkioV1 = %v\nwant %v", got, want)
	}
}

func TestParseIOStat(t *testing.T) {
	in := "8:16 rbytes=1 wbytes=2 rios=3 wios=4 dbytes=5 dios=6\n254:0 rbytes=x wbytes=7\nnonsense\n"
	want := BlockIOStats{
		ServiceBytes: []BlkioEntry{{8, 16, "Read", 1}, {8, 16, "Write", 2}, {254, 0, "Write", 7}},
		Serviced:     []BlkioEntry{{8, 16, "Read", 3}, {8, 16, "Write", 4}},
	}
	if got := parseIOStat(in); !reflect.DeepEqual(got, want) {
		t.Errorf("parseIOStat = %+v\nwant %+v", got, want)
	}
}

// FuzzParseBlkio: both block I/O stat parsers (and parseUints) take any
// text without panicking, and every entry they return has an operation
// name.
func FuzzParseBlkio(f *testing.F) {
	for _, s := range []string{"254:0 Read 4096\nTotal 4096\n", "8:0 rbytes=1 wbytes=2 rios=3 wios=4\n", "", ":\n", "1:2 =\n",
		"4294967296:0 Read 1\n", "1:1 rbytes=18446744073709551616\n"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, v := range parseUints(s) { // cpuacct.usage_percpu's parser
			_ = v
		}
		io := parseIOStat(s)
		for _, e := range append(append(parseBlkioV1(s), io.ServiceBytes...), io.Serviced...) {
			if e.Op == "" {
				t.Fatalf("entry without an operation from %q", s)
			}
		}
	})
}
