package interp

import (
	"bytes"
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
)

func TestStackLoadStore(t *testing.T) {
	const v = 0x8899aabbccddeeff
	runCases(t, []progCase{
		{"stxdw ldxdw", prog(lddw(1, v), stx(ebpf.SizeDW, 10, 1, -8), ldx(ebpf.SizeDW, 0, 10, -8), exit()), v},
		{"stxw ldxw", prog(lddw(1, v), stx(ebpf.SizeW, 10, 1, -4), ldx(ebpf.SizeW, 0, 10, -4), exit()), 0xccddeeff},
		{"stxh ldxh", prog(lddw(1, v), stx(ebpf.SizeH, 10, 1, -2), ldx(ebpf.SizeH, 0, 10, -2), exit()), 0xeeff},
		{"stxb ldxb", prog(lddw(1, v), stx(ebpf.SizeB, 10, 1, -1), ldx(ebpf.SizeB, 0, 10, -1), exit()), 0xff},
		{"little-endian", prog(lddw(1, v), stx(ebpf.SizeDW, 10, 1, -8), ldx(ebpf.SizeB, 0, 10, -8), exit()), 0xff},
		{"stdw sign-extends imm", prog(st(ebpf.SizeDW, 10, -8, -2), ldx(ebpf.SizeDW, 0, 10, -8), exit()), allOnes - 1},
		{"stw", prog(st(ebpf.SizeW, 10, -4, -2), ldx(ebpf.SizeW, 0, 10, -4), exit()), 0xfffffffe},
		{"sth", prog(st(ebpf.SizeH, 10, -2, 0x12345), ldx(ebpf.SizeH, 0, 10, -2), exit()), 0x2345},
		{"stb", prog(st(ebpf.SizeB, 10, -512, 0x1ff), ldx(ebpf.SizeB, 0, 10, -512), exit()), 0xff},
		{"ldxsb", prog(st(ebpf.SizeB, 10, -1, 0x80), ldxsx(ebpf.SizeB, 0, 10, -1), exit()), 0xffffffffffffff80},
		{"ldxsh", prog(st(ebpf.SizeH, 10, -2, 0x7fff), ldxsx(ebpf.SizeH, 0, 10, -2), exit()), 0x7fff},
		{"ldxsw", prog(st(ebpf.SizeW, 10, -4, -5), ldxsx(ebpf.SizeW, 0, 10, -4), exit()), -5 & allOnes},
		{"through another register", prog(movx(1, 10), a64(ebpf.ALUAdd, 1, -16), st(ebpf.SizeW, 1, 4, 7), ldx(ebpf.SizeW, 0, 10, -12), exit()), 7},
	})
}

func TestStackStartsZeroed(t *testing.T) {
	readThenDirty := prog(ldx(ebpf.SizeDW, 0, 10, -8), st(ebpf.SizeDW, 10, -8, 99), exit())
	for name, insns := range map[string][]ebpf.Instruction{
		"main frame":       readThenDirty,
		"a callee's frame": append(prog(callLocal(1), exit()), readThenDirty...),
	} {
		p, err := Compile(insns, Options{})
		if err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			if r0, err := p.Run(nil); err != nil || r0 != 0 {
				t.Fatalf("%s, run %d: r0 = %d, %v; want 0: the stack must start zeroed", name, i, r0, err)
			}
		}
	}
}

func TestContext(t *testing.T) {
	ctx := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	got := run(t, prog(
		movx(0, 2),                 // r0 = len
		ldx(ebpf.SizeW, 3, 1, 4),   // r3 = 0x08070605
		stx(ebpf.SizeW, 1, 3, 0),   // ctx[0:4] = r3
		st(ebpf.SizeB, 1, 7, 0x55), // ctx[7] = 0x55
		a64(ebpf.ALULsh, 3, 8),     // r3 <<= 8
		a64x(ebpf.ALUOr, 0, 3),     // r0 |= r3
		exit()), ctx, Options{})
	if got != 0x0807060508 {
		t.Errorf("r0 = %#x, want 0x0807060508", got)
	}
	if want := []byte{5, 6, 7, 8, 5, 6, 7, 0x55}; !bytes.Equal(ctx, want) {
		t.Errorf("context after the run = % x, want % x", ctx, want)
	}
}

func TestRegions(t *testing.T) {
	rw := make([]byte, 16)
	ro := []byte{9, 8, 7, 6}
	opts := Options{Regions: []Region{{Name: "map value", Data: rw}, {Name: "rodata", Data: ro, ReadOnly: true}}}
	got := run(t, prog(
		lddw(1, RegionAddr(0)), lddw(2, RegionAddr(1)),
		ldx(ebpf.SizeB, 0, 2, 3), stx(ebpf.SizeDW, 1, 0, 8), exit()), nil, opts)
	if got != 6 || rw[8] != 6 {
		t.Errorf("r0 = %d, region byte 8 = %d; want 6 and 6", got, rw[8])
	}
	_, err := runErr(t, prog(lddw(2, RegionAddr(1)), st(ebpf.SizeB, 2, 0, 1), exit()), nil, opts)
	if !errors.Is(err, ErrReadOnly) || !strings.Contains(err.Error(), "region 1 (rodata) is read-only") {
		t.Errorf("store into read-only region: %v", err)
	}
}

func TestMemoryFaults(t *testing.T) {
	ctx := make([]byte, 16)
	for _, tc := range []struct {
		name  string
		prog  []ebpf.Instruction
		index int
		why   string
	}{
		{"at r10", prog(st(ebpf.SizeB, 10, 0, 0), exit()), 0, "store of 1 bytes at 0x100001000: outside stack [0x100000e00, 0x100001000)"},
		{"below the frame", prog(ldx(ebpf.SizeB, 0, 10, -513), exit()), 0, "outside stack"},
		{"straddles r10", prog(ldx(ebpf.SizeDW, 0, 10, -4), exit()), 0, "load of 8 bytes"},
		{"straddles the context end", prog(ldx(ebpf.SizeW, 0, 1, 14), exit()), 0, "outside context [0x200000000, 0x200000010)"},
		{"before the context", prog(ldx(ebpf.SizeB, 0, 1, -1), exit()), 0, "at 0x1ffffffff: outside stack"},
		{"null", prog(mov(1, 0), ldx(ebpf.SizeB, 0, 1, 0), exit()), 1, "at 0x0: no region"},
		{"null plus offset", prog(mov(6, -16), st(ebpf.SizeB, 6, 16, 0), exit()), 1, "at 0x0: no region"},
		{"wraps", prog(mov(6, 0), a64(ebpf.ALUSub, 6, 1), st(ebpf.SizeB, 6, 0, 0), exit()), 2, "at 0xffffffffffffffff: no region"},
		{"no such user region", prog(lddw(1, RegionAddr(0)), ldx(ebpf.SizeB, 0, 1, 0), exit()), 1, "no region"},
	} {
		_, err := runErr(t, tc.prog, ctx, Options{})
		var re *RunError
		if !errors.As(err, &re) || !errors.Is(err, ErrMemory) {
			t.Errorf("%s: %v, want a *RunError wrapping ErrMemory", tc.name, err)
			continue
		}
		if re.Index != tc.index || !strings.Contains(err.Error(), tc.why) {
			t.Errorf("%s: %v; want instruction %d and %q", tc.name, err, tc.index, tc.why)
		}
	}
}

func TestRunErrorNamesSlot(t *testing.T) {
	_, err := runErr(t, prog(lddw(1, 0), ldx(ebpf.SizeDW, 0, 1, 0), exit()), nil, Options{})
	var re *RunError
	if !errors.As(err, &re) || re.Index != 1 || re.Slot != 2 || re.Op != "ldx mem dw (0x79)" {
		t.Fatalf("%#v, want instruction 1, slot 2, ldx mem dw", err)
	}
}
