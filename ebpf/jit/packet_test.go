package jit

import (
	"bytes"
	"fmt"
	"slices"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/interp"
)

// The packet window (packet.go) on both engines: the same program, the
// same packet buffer, the same helpers moving its bounds; r0, errors, the
// buffer and the final bounds must agree.

const pktData, pktEnd = 0x100, 0x140 // the packet in a 0x200-byte buffer

// packetHelpers: 5 moves the bounds by (r1, r2) as signed deltas (an
// adjust_head/tail in one), failing when they leave the buffer; 6
// returns the bounds as data<<32 | end.
var packetHelpers = map[int32]interp.Helper{
	1: testHelpers[1],
	5: func(env *interp.Env, r1, r2, _, _, _ uint64) (uint64, error) {
		_, data, end, ok := env.Packet()
		if !ok {
			return 0, fmt.Errorf("no packet")
		}
		if err := env.SetPacket(data+int(int8(r1)), end+int(int8(r2))); err != nil {
			return ^uint64(0), nil
		}
		return 0, nil
	},
	6: func(env *interp.Env, _, _, _, _, _ uint64) (uint64, error) {
		_, data, end, _ := env.Packet()
		return uint64(data)<<32 | uint64(end), nil
	},
}

type packetOutcome struct {
	r0        uint64
	err       error
	buf       []byte
	data, end int
}

func packetBuffer() []byte {
	buf := make([]byte, 0x200)
	for i := range buf {
		buf[i] = byte(i * 7)
	}
	return buf
}

func runPacket(insns []ebpf.Instruction, jit bool, budget uint64) packetOutcome {
	pkt := &interp.Packet{Buf: packetBuffer(), Data: pktData, End: pktEnd}
	ctx := []byte{1, 2, 3, 4, 5, 6, 7, 8}
	var o packetOutcome
	if jit {
		p, err := Compile(insns, Options{Helpers: packetHelpers, Budget: budget})
		if err != nil {
			return packetOutcome{err: err}
		}
		o.r0, o.err = p.RunPacket(ctx, pkt, "state")
		_ = p.Close()
	} else {
		p, err := interp.Compile(insns, interp.Options{Helpers: packetHelpers, Budget: budget})
		if err != nil {
			return packetOutcome{err: err}
		}
		o.r0, o.err = p.RunPacket(ctx, pkt, "state")
	}
	o.buf, o.data, o.end = pkt.Buf, pkt.Data, pkt.End
	return o
}

func packetDiffer(a, b packetOutcome) string {
	switch {
	case fmt.Sprint(a.err) != fmt.Sprint(b.err):
		return fmt.Sprintf("error: interp %v, jit %v", a.err, b.err)
	case a.r0 != b.r0:
		return fmt.Sprintf("r0: interp %#x, jit %#x", a.r0, b.r0)
	case a.data != b.data || a.end != b.end:
		return fmt.Sprintf("bounds: interp [%#x, %#x), jit [%#x, %#x)", a.data, a.end, b.data, b.end)
	case !bytes.Equal(a.buf, b.buf):
		return "buffer: " + bytesDiffer(a.buf, b.buf)
	}
	return ""
}

func TestPacketWindow(t *testing.T) {
	tests := []struct {
		name, src string
		r0        uint64
		err       string
	}{
		{"load the first byte", "lddw %r1, 0x100\nldxb %r0, [%r1]\nexit", 0x100 * 7 & 0xff, ""},
		{"load the last word", "lddw %r1, 0x13c\nldxw %r0, [%r1]\nexit", 0, ""}, // r0 checked by agreement
		{"store then load", "lddw %r1, 0x120\nstdw [%r1], 42\nldxdw %r0, [%r1]\nexit", 42, ""},
		{"headroom faults", "lddw %r1, 0xff\nldxb %r0, [%r1]\nexit", 0, "load of 1 bytes at 0xff: outside packet [0x100, 0x140)"},
		{"past the end faults", "lddw %r1, 0x13d\nldxw %r0, [%r1]\nexit", 0, "outside packet [0x100, 0x140)"},
		{"NULL still faults", "mov %r1, 0\nldxb %r0, [%r1]\nexit", 0, "outside packet"},
		{"legacy loads read the packet", "ldabsb 0\nmov %r6, %r0\nldabsh 0x3e\nexit", 0, ""},
		{"legacy load past the packet", "ldabsb 0x40\nexit", 0, ""},
		{"grow the head, store there", "mov %r1, -16\nmov %r2, 0\ncall 5\nlddw %r1, 0xf0\nstb [%r1], 9\nldxb %r0, [%r1]\nexit", 9, ""},
		{"shrink the tail, then fault", "mov %r1, 0\nmov %r2, -8\ncall 5\nlddw %r1, 0x138\nldxb %r0, [%r1]\nexit", 0, "outside packet [0x100, 0x138)"},
		{"legacy loads follow the head", "ldabsb 0\nmov %r6, %r0\nmov %r1, 4\nmov %r2, 0\ncall 5\nldabsb 0\nlsh %r0, 8\nor %r0, %r6\nexit", 0, ""},
		{"bounds after a failed move", "mov %r1, 127\nmov %r2, -128\ncall 5\ncall 6\nexit", pktData<<32 | pktEnd, ""},
	}
	for _, tt := range tests {
		insns := mustAssemble(t, tt.src)
		want, got := runPacket(insns, false, 0), runPacket(insns, true, 0)
		if d := packetDiffer(want, got); d != "" {
			t.Errorf("%s: %s", tt.name, d)
		}
		switch {
		case tt.err != "" && (got.err == nil || !bytes.Contains([]byte(got.err.Error()), []byte(tt.err))):
			t.Errorf("%s: error %v, want one containing %q", tt.name, got.err, tt.err)
		case tt.err == "" && got.err != nil:
			t.Errorf("%s: %v", tt.name, got.err)
		case tt.r0 != 0 && got.r0 != tt.r0:
			t.Errorf("%s: r0 %#x, want %#x", tt.name, got.r0, tt.r0)
		}
	}
}

// TestPacketThenPlainRun: a machine that ran with a packet, back in the
// pool, must not map it for a plain Run.
func TestPacketThenPlainRun(t *testing.T) {
	insns := mustAssemble(t, "lddw %r1, 0x100\nldxb %r0, [%r1]\nexit")
	p, err := Compile(insns, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	pkt := &interp.Packet{Buf: packetBuffer(), Data: pktData, End: pktEnd}
	if _, err := p.RunPacket(nil, pkt, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := p.Run(nil); err == nil {
		t.Fatal("a plain Run reached the last run's packet")
	}
}

// FuzzPacketJITvsInterp is FuzzJITvsInterp over a packet: r9 points at the
// packet's data, helper 5 moves its bounds, legacy loads read it.
func FuzzPacketJITvsInterp(f *testing.F) {
	f.Add([]byte("\x61\x91\x00\x00\x00\x00\x00\x00\x85\x00\x00\x00\x05\x00\x00\x00"), uint16(100))
	for _, p := range programs {
		f.Add(ebpf.Encode(nil, mustAssemble(f, p.src)), uint16(0x8000))
	}
	f.Fuzz(func(t *testing.T, code []byte, budget uint16) {
		if len(code) > 8*256 {
			return
		}
		insns := shapedProgram(code)
		insns[0] = lddw(ctxBase, pktData)
		insns = withPacketHelpers(insns)
		b := 1 + uint64(budget)%4000
		if budget&0x8000 != 0 {
			b = 1 << 20
		}
		want, got := runPacket(insns, false, b), runPacket(insns, true, b)
		if d := packetDiffer(want, got); d != "" {
			t.Fatalf("%s\nbudget %d", d, b)
		}
	})
}

// withPacketHelpers points the shaped program's helper calls 2-4 at 5 and
// 6, which the packet harness defines.
func withPacketHelpers(insns []ebpf.Instruction) []ebpf.Instruction {
	insns = slices.Clone(insns)
	for i, ins := range insns {
		if ins.Opcode == uint8(ebpf.ClassJMP)|uint8(ebpf.JumpCall) && ins.Src == 0 && ins.Imm != 1 {
			insns[i].Imm = 5 + ins.Imm%2
		}
	}
	return insns
}
