package boot

import (
	"strings"
	"testing"
)

func TestParseSetupHeaderHandMade(t *testing.T) {
	h, err := ParseSetupHeader(makeBzImage(goodFields()))
	if err != nil {
		t.Fatal(err)
	}
	if h.SetupSize() != 1024 || h.Version != 0x020f || h.KernelVersion != "6.0-test" || h.CmdlineSize != 2047 {
		t.Errorf("decoded %+v", h)
	}
}

func TestParseSetupHeaderSetupSectsZeroMeansFour(t *testing.T) {
	f := goodFields()
	f.setupSects = 0
	h, err := ParseSetupHeader(makeBzImage(f))
	if err != nil {
		t.Fatal(err)
	}
	if h.SetupSects != 4 || h.SetupSize() != 5*512 {
		t.Errorf("setup_sects 0 read as %d (setup %d bytes), want 4 (2560)", h.SetupSects, h.SetupSize())
	}
}

// TestParseSetupHeaderBad feeds headers each wrong in one field; the error
// must name that field.
func TestParseSetupHeaderBad(t *testing.T) {
	for _, c := range []struct {
		name  string
		edit  func(*bzImageFields)
		patch func([]byte) []byte
		want  string
	}{
		{name: "truncated", patch: func(b []byte) []byte { return b[:0x200] }, want: "too short"},
		{name: "magic", patch: func(b []byte) []byte { b[offHeader] = 'X'; return b }, want: "HdrS"},
		{name: "boot flag", patch: func(b []byte) []byte { b[offBootFlag] = 0; return b }, want: "boot_flag"},
		{name: "old protocol", edit: func(f *bzImageFields) { f.version = 0x020b }, want: "boot protocol 2.11"},
		{name: "no 64-bit entry", edit: func(f *bzImageFields) { f.xloadflags = 0 }, want: "XLF_KERNEL_64"},
		{name: "zImage", edit: func(f *bzImageFields) { f.loadflags = 0 }, want: "LOADED_HIGH"},
		{name: "alignment", edit: func(f *bzImageFields) { f.kernelAlign = 0x30000 }, want: "kernel_alignment"},
		{name: "min alignment", edit: func(f *bzImageFields) { f.minAlign = 40 }, want: "min_alignment"},
		{name: "cmdline size", edit: func(f *bzImageFields) { f.cmdlineSize = 0 }, want: "cmdline_size"},
		{name: "setup past file", patch: func(b []byte) []byte { b[offSetupSects] = 200; return b }, want: "setup_sects 200"},
		{name: "syssize", edit: func(f *bzImageFields) { f.syssize = 1 << 20 }, want: "syssize"},
		{name: "payload", edit: func(f *bzImageFields) { f.payloadOff = 0xffffff00; f.payloadLen = 0x1000 }, want: "payload"},
		{name: "init size", edit: func(f *bzImageFields) { f.initSize = 16 }, want: "init_size"},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := goodFields()
			if c.edit != nil {
				c.edit(&f)
			}
			b := makeBzImage(f)
			if c.patch != nil {
				b = c.patch(b)
			}
			_, err := ParseSetupHeader(b)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("err = %v, want one naming %q", err, c.want)
			}
		})
	}
}
