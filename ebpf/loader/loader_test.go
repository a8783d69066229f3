package loader

import (
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

// testdata is the shared directory of C test programs and their objects.
const testdata = "../testdata"

func mustLoad(t testing.TB, name string) *Object {
	t.Helper()
	obj, err := LoadFile(filepath.Join(testdata, name))
	if err != nil {
		t.Fatal(err)
	}
	return obj
}

// progSummary is "name section type insns" for a table.
func progSummary(p *Program) string {
	return fmt.Sprintf("%s %s %s %d", p.Name, p.Section, p.Type, len(p.Insns))
}

func mapSummary(m MapDef) string {
	return fmt.Sprintf("%s %d k%d v%d n%d f%#x init%d", m.Name, m.Type, m.KeySize, m.ValueSize, m.MaxEntries, m.Flags, len(m.Init))
}

// TestLoadTestdata pins what each object holds: the programs (instruction
// counts after linking, which cilium/ebpf agrees with in
// TestDifferentialCilium) and the maps.
func TestLoadTestdata(t *testing.T) {
	for _, c := range []struct {
		file  string
		progs []string
		maps  []string
	}{
		{"xdp_counter.o", []string{"xdp_count xdp xdp 58"}, []string{
			"proto_count 6 k4 v8 n256 f0x0 init0", "src_count 1 k4 v8 n1024 f0x0 init0", ".rodata 2 k4 v2 n1 f0x80 init2"}},
		{"legacy_maps.o", []string{"xdp_legacy xdp xdp 33"}, []string{
			"packets 2 k4 v8 n4 f0x0 init0", "flows 1 k4 v8 n128 f0x1 init0"}},
		{"calls.o", []string{"xdp_calls xdp xdp 37", "xdp_clamp_only xdp xdp 14"}, []string{
			".data 2 k4 v8 n1 f0x0 init8", ".rodata 2 k4 v4 n1 f0x80 init4", ".bss 2 k4 v4 n1 f0x0 init0"}},
		{"socket_filter.o", []string{"socket_udp socket socket_filter 11"}, nil},
		{"tc.o", []string{"tc_mark tc sched_cls 18"}, nil},
		{"tailcall.o", []string{"xdp_dispatch xdp xdp 8", "xdp_drop_all xdp xdp 2"}, []string{"jump_table 3 k4 v4 n4 f0x0 init0"}},
		{"helpers.o", []string{"xdp_time_rand xdp xdp 28", "xdp_adjust xdp xdp 15", "xdp_csum xdp xdp 20",
			"xdp_redirect xdp xdp 4", "xdp_route xdp xdp 30", "xdp_events xdp xdp 31"}, []string{
			"routes 11 k8 v4 n64 f0x1 init0", "recent 9 k4 v8 n32 f0x0 init0", "events 27 k0 v0 n4096 f0x0 init0",
			".rodata.str1.1 2 k4 v30 n1 f0x80 init30"}},
	} {
		t.Run(c.file, func(t *testing.T) {
			obj := mustLoad(t, c.file)
			var progs, ms []string
			for _, p := range obj.Programs {
				progs = append(progs, progSummary(p))
			}
			for _, m := range obj.Maps {
				ms = append(ms, mapSummary(m))
			}
			if got, want := strings.Join(progs, "\n"), strings.Join(c.progs, "\n"); got != want {
				t.Errorf("programs:\n%s\nwant:\n%s", got, want)
			}
			if got, want := strings.Join(ms, "\n"), strings.Join(c.maps, "\n"); got != want {
				t.Errorf("maps:\n%s\nwant:\n%s", got, want)
			}
			if obj.License != "GPL" {
				t.Errorf("license %q", obj.License)
			}
		})
	}
}

// TestRelocations checks the pseudo forms the relocated lddws take: src,
// imm (the map index) and the second half (the offset in the value).
func TestRelocations(t *testing.T) {
	obj := mustLoad(t, "xdp_counter.o")
	p := obj.Programs[0]
	want := []string{"15 map 0 proto_count", "30 map 1 src_count", "34 map 1 src_count", "48 value 2+0 drop_udp_port"}
	var got []string
	for _, r := range p.Relocs {
		ins := p.Insns[r.Insn]
		switch r.Kind {
		case RelocMap:
			if ins.Src != ebpf.PseudoMapFD || ins.Imm64 != int64(r.Map) {
				t.Errorf("insn %d: src %d imm64 %#x, want src 1 imm64 %d", r.Insn, ins.Src, ins.Imm64, r.Map)
			}
			got = append(got, fmt.Sprintf("%d map %d %s", r.Insn, r.Map, r.Symbol))
		case RelocMapValue:
			if ins.Src != ebpf.PseudoMapValue || ins.Imm != int32(r.Map) || uint32(ins.Imm64>>32) != r.Offset {
				t.Errorf("insn %d: src %d imm64 %#x, want src 2, map %d, offset %d", r.Insn, ins.Src, ins.Imm64, r.Map, r.Offset)
			}
			got = append(got, fmt.Sprintf("%d value %d+%d %s", r.Insn, r.Map, r.Offset, r.Symbol))
		}
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("relocations:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	// String literals: the section symbol of .rodata.str1.1 plus the
	// addend clang left in the lddw ("odd %u\n" at 13, "even %u\n" at 21).
	h := mustLoad(t, "helpers.o")
	got = nil
	for _, r := range h.Programs[0].Relocs {
		got = append(got, fmt.Sprintf("%d value %d+%d %s", r.Insn, r.Map, r.Offset, r.Symbol))
	}
	if want := "19 value 3+13 .rodata.str1.1\n22 value 3+21 .rodata.str1.1"; strings.Join(got, "\n") != want {
		t.Errorf("helpers.o xdp_time_rand relocations:\n%s\nwant:\n%s", strings.Join(got, "\n"), want)
	}
	// The .data/.bss/.rodata offsets of calls.o: every variable at 0 of its section.
	for _, r := range mustLoad(t, "calls.o").Programs[0].Relocs {
		if r.Kind == RelocMapValue && r.Offset != 0 {
			t.Errorf("calls.o %s: offset %d", r.Symbol, r.Offset)
		}
	}
}

// TestLinkCalls checks that every local call of every linked program lands
// on the first instruction of the function its relocation names, and that
// each program carries exactly the functions it reaches.
func TestLinkCalls(t *testing.T) {
	obj := mustLoad(t, "calls.o")
	wantFuncs := map[string]string{
		"xdp_calls":      "xdp_calls@0 sum@6 add_len@24 clamp@31",
		"xdp_clamp_only": "xdp_clamp_only@0 clamp@8",
	}
	for _, p := range obj.Programs {
		var fs []string
		start := map[string]int{}
		for _, f := range p.Funcs {
			fs = append(fs, fmt.Sprintf("%s@%d", f.Name, f.Insn))
			start[f.Name] = f.Insn
		}
		if got := strings.Join(fs, " "); got != wantFuncs[p.Name] {
			t.Errorf("%s: functions %s, want %s", p.Name, got, wantFuncs[p.Name])
		}
		checkCalls(t, p, start)
	}
}

func checkCalls(t *testing.T, p *Program, start map[string]int) {
	t.Helper()
	prog := ebpf.NewProgram(p.Insns)
	calls := 0
	for _, r := range p.Relocs {
		if r.Kind != RelocCall {
			continue
		}
		calls++
		target, err := prog.Target(r.Insn)
		if err != nil || target != start[r.Symbol] {
			t.Errorf("%s: call at %d goes to %d (%v), want %s at %d", p.Name, r.Insn, target, err, r.Symbol, start[r.Symbol])
		}
	}
	for _, ins := range p.Insns {
		if ins.IsLocalCall() {
			calls--
		}
	}
	if calls != 0 {
		t.Errorf("%s: %d local calls without a RelocCall", p.Name, -calls)
	}
	resolved, err := p.Resolve(func(r Reloc) (uint64, error) { return uint64(r.Map)<<32 | uint64(r.Offset), nil })
	if err != nil {
		t.Fatal(err)
	}
	if err := ebpf.Validate(resolved); err != nil {
		t.Errorf("%s: linked program does not validate: %v", p.Name, err)
	}
}

// TestSectionWithoutFunctions loads hand-written assembly that has no
// function symbols: the section is one program named after it.
func TestSectionWithoutFunctions(t *testing.T) {
	obj, err := LoadFile("testdata/nofunc.o")
	if err != nil {
		t.Fatal(err)
	}
	if len(obj.Programs) != 1 || progSummary(obj.Programs[0]) != "xdp xdp xdp 4" || obj.License != "GPL" {
		t.Fatalf("programs %v, license %q", obj.Programs, obj.License)
	}
}

func TestProgTypeOf(t *testing.T) {
	for _, c := range []struct {
		sec  string
		want ProgType
	}{
		{"xdp", XDP}, {"xdp/devmap", XDP}, {"socket", SocketFilter}, {"tc", SchedCLS}, {"classifier", SchedCLS},
		{"kprobe/do_sys_open", Kprobe}, {"tracepoint/syscalls/sys_enter_open", TracePoint}, {"raw_tp/x", RawTracepoint},
		{"xdpfoo", Unspec}, {".text", Unspec}, {"license", Unspec},
	} {
		if got := progTypeOf(c.sec); got != c.want {
			t.Errorf("progTypeOf(%q) = %v, want %v", c.sec, got, c.want)
		}
	}
	if XDP.String() != "xdp" || ProgType(99).String() != "prog_type(99)" {
		t.Errorf("String: %v %v", XDP, ProgType(99))
	}
}
