package seccomp

import (
	"bytes"
	"encoding/hex"
	"flag"
	"fmt"
	"os"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

var update = flag.Bool("update", false, "rewrite the golden disassembly in testdata")

// TestEncoding: (disassembly, struct sock_filter bytes) pairs.
func TestEncoding(t *testing.T) {
	cases := []struct {
		in   unix.SockFilter
		text string
		hex  string
	}{
		{unix.SockFilter{Code: opLdAbs, K: offArch}, "A = $arch", "2000000004000000"},
		{unix.SockFilter{Code: opLdAbs, K: argHi(2)}, "A = $a2.hi", "2000000024000000"},
		{unix.SockFilter{Code: opJeqK, Jt: 0, Jf: 3, K: auditArchX86_64}, "if (A == 0xc000003e) goto 0001 else goto 0004  # AUDIT_ARCH_X86_64", "150000033e0000c0"},
		{unix.SockFilter{Code: opJgeK, Jt: 7, K: 59}, "if (A >= 59) goto 0008 else goto 0001", "350007003b000000"},
		{unix.SockFilter{Code: opAndK, K: 0xff00}, "A &= 0xff00", "5400000000ff0000"},
		{unix.SockFilter{Code: opJa, K: 300}, "goto 0301", "050000002c010000"},
		{unix.SockFilter{Code: opRetK, K: unix.SECCOMP_RET_ERRNO | 38}, "ret ERRNO(38)", "0600000026000500"},
		{unix.SockFilter{Code: opRetK, K: unix.SECCOMP_RET_ALLOW}, "ret ALLOW", "060000000000ff7f"},
		{unix.SockFilter{Code: unix.BPF_RET | unix.BPF_A}, "ret A", "1600000000000000"},
	}
	for _, c := range cases {
		f := &Filter{Insns: []unix.SockFilter{c.in}}
		if got := disasmInsn(c.in, 0); got != c.text {
			t.Errorf("disasm %+v: %q, want %q", c.in, got, c.text)
		}
		if got := hex.EncodeToString(f.Marshal()); got != c.hex {
			t.Errorf("encode %q: %s, want %s", c.text, got, c.hex)
		}
	}
}

// TestDisassemblyGolden: the compiled deny-mkdir policy, instruction by
// instruction (go test -update rewrites it).
func TestDisassemblyGolden(t *testing.T) {
	b, err := os.ReadFile("testdata/deny-mkdir.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, mode := range []string{"binary", "linear"} {
		f := mustCompile(t, string(b), Options{Linear: mode == "linear"})
		golden := "testdata/deny-mkdir." + mode + ".disasm"
		if *update {
			if err := os.WriteFile(golden, []byte(f.Disassemble()), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		want, err := os.ReadFile(golden)
		if err != nil {
			t.Fatal(err)
		}
		if got := f.Disassemble(); got != string(want) {
			t.Errorf("%s differs from the compiler's output:\n%s", golden, got)
		}
	}
}

// TestTrampolines: a syscall with 150 argument rules (a leaf of 900
// instructions) needs jumps over 255 instructions; the program stays
// valid and agrees with the policy.
func TestTrampolines(t *testing.T) {
	p := &Policy{DefaultAction: specs.ActErrno}
	for i := 0; i < 150; i++ {
		p.Syscalls = append(p.Syscalls, Rule{Names: []string{"ioctl"}, Action: specs.ActAllow,
			Args: []Arg{{Index: 1, Value: uint64(0x5400 + i), Op: specs.OpEqualTo}}})
	}
	p.Syscalls = append(p.Syscalls, Rule{Names: []string{"read", "write", "close", "openat"}, Action: specs.ActAllow})
	for _, linear := range []bool{false, true} {
		o := Options{Linear: linear, Kernel: "6.18"}
		f, err := CompileWith(p, o)
		if err != nil {
			t.Fatal(err)
		}
		if err := f.Validate(); err != nil {
			t.Fatal(err)
		}
		res, _ := p.resolve(o)
		far := 0
		for _, in := range f.Insns {
			if in.Code == opJa {
				far++
			}
		}
		if far == 0 && !linear {
			t.Errorf("no trampoline in a %d-instruction program", len(f.Insns))
		}
		for nr := 0; nr < 300; nr++ {
			for _, cmd := range []uint64{0x5400, 0x5400 + 149, 0x5400 + 150, 0x1_0000_5400} {
				d := SeccompData{Nr: int32(nr), Arch: auditArchX86_64, Args: [6]uint64{1, cmd}}
				if got, want := f.Run(d), evalPolicy(res, d); got != want {
					t.Fatalf("linear=%v %+v: filter %s, policy %s", linear, d, ActionString(got), ActionString(want))
				}
			}
		}
	}
}

// TestInterpreter: instructions our compiler never emits, on hand-written
// programs, with the kernel's semantics.
func TestInterpreter(t *testing.T) {
	s := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	ret := s(unix.BPF_RET|unix.BPF_A, 0)
	cases := []struct {
		name string
		prog []unix.SockFilter
		want uint32
	}{
		{"len", []unix.SockFilter{s(unix.BPF_LD|unix.BPF_W|unix.BPF_LEN, 0), ret}, 64},
		{"alu", []unix.SockFilter{s(unix.BPF_LD|unix.BPF_IMM, 10), s(unix.BPF_ALU|unix.BPF_MUL|unix.BPF_K, 3),
			s(unix.BPF_ALU|unix.BPF_SUB|unix.BPF_K, 2), s(unix.BPF_ALU|unix.BPF_LSH|unix.BPF_K, 4), ret}, 448},
		{"mem", []unix.SockFilter{s(unix.BPF_LD|unix.BPF_IMM, 7), s(unix.BPF_ST, 15), s(unix.BPF_LDX|unix.BPF_MEM, 15),
			s(unix.BPF_MISC|unix.BPF_TXA, 0), s(unix.BPF_ALU|unix.BPF_ADD|unix.BPF_X, 0), ret}, 14},
		{"div by zero X", []unix.SockFilter{s(unix.BPF_LD|unix.BPF_IMM, 7), s(unix.BPF_LDX|unix.BPF_IMM, 0),
			s(unix.BPF_ALU|unix.BPF_DIV|unix.BPF_X, 0), s(opRetK, unix.SECCOMP_RET_ALLOW)}, 0},
		{"jset", []unix.SockFilter{s(opLdAbs, offNr), {Code: unix.BPF_JMP | unix.BPF_JSET | unix.BPF_K, Jt: 1, K: 2},
			s(opRetK, 1), s(opRetK, 2)}, 2},
		{"nr", []unix.SockFilter{s(opLdAbs, offNr), ret}, 59},
		{"ip hi", []unix.SockFilter{s(opLdAbs, 12), ret}, 0x7fff},
		{"a5 lo", []unix.SockFilter{s(opLdAbs, argLo(5)), ret}, 0xdead},
	}
	d := SeccompData{Nr: 59, Arch: auditArchX86_64, InstructionPointer: 0x7fff_0000_1000, Args: [6]uint64{5: 0xbeef_0000_dead}}
	for _, c := range cases {
		f := &Filter{Insns: c.prog}
		if err := f.Validate(); err != nil {
			t.Errorf("%s: %v", c.name, err)
		}
		if got := f.Run(d); got != c.want {
			t.Errorf("%s: %d, want %d", c.name, got, c.want)
		}
	}
}

// TestValidateRejects: programs seccomp(2) refuses, and why.
func TestValidateRejects(t *testing.T) {
	s := func(code uint16, k uint32) unix.SockFilter { return unix.SockFilter{Code: code, K: k} }
	ok := s(opRetK, 0)
	cases := []struct {
		name string
		prog []unix.SockFilter
		want string
	}{
		{"empty", nil, "0 instructions"},
		{"no ret", []unix.SockFilter{s(opLdAbs, 0)}, "last instruction is not a RET"},
		{"unaligned", []unix.SockFilter{s(opLdAbs, 2), ok}, "outside seccomp_data or unaligned"},
		{"past data", []unix.SockFilter{s(opLdAbs, 64), ok}, "outside seccomp_data"},
		{"mod", []unix.SockFilter{s(unix.BPF_ALU|unix.BPF_MOD|unix.BPF_K, 3), ok}, "not allowed"},
		{"byte load", []unix.SockFilter{s(unix.BPF_LD|unix.BPF_B|unix.BPF_ABS, 0), ok}, "not allowed"},
		{"jump out", []unix.SockFilter{{Code: opJeqK, Jt: 1}, ok}, "jump past the end"},
		{"ja out", []unix.SockFilter{s(opJa, 1), ok}, "jump past the end"},
		{"scratch", []unix.SockFilter{s(unix.BPF_ST, 16), ok}, "scratch word 16"},
		{"div 0", []unix.SockFilter{s(unix.BPF_ALU|unix.BPF_DIV|unix.BPF_K, 0), ok}, "division by zero"},
	}
	for _, c := range cases {
		err := (&Filter{Insns: c.prog}).Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: %v, want %q", c.name, err, c.want)
		}
	}
	if _, err := Unmarshal(make([]byte, 12)); err == nil || !strings.Contains(err.Error(), "whole number") {
		t.Errorf("Unmarshal of 12 bytes: %v", err)
	}
}

// TestMarshalRoundTrip: the Docker profile's program survives Marshal
// and Unmarshal.
func TestMarshalRoundTrip(t *testing.T) {
	p, err := ParsePolicy(dockerProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compile(p)
	if err != nil {
		t.Fatal(err)
	}
	g, err := Unmarshal(f.Marshal())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(g.Marshal(), f.Marshal()) || fmt.Sprint(g.Insns) != fmt.Sprint(f.Insns) {
		t.Fatal("round trip changed the program")
	}
}

// FuzzUnmarshalRun: any bytes either fail Unmarshal or give a program
// that Run and Disassemble handle without panicking.
func FuzzUnmarshalRun(f *testing.F) {
	p, _ := ParsePolicy(dockerProfile(f))
	fl, _ := Compile(p)
	f.Add(fl.Marshal(), int32(59), uint64(0))
	f.Add([]byte{0x20, 0, 0, 0, 4, 0, 0, 0, 0x16, 0, 0, 0, 0, 0, 0, 0}, int32(0), uint64(1))
	f.Add([]byte{0x04, 0, 0, 0, 0, 0, 0, 0, 0x3c, 0, 0, 0, 0, 0, 0, 0, 0x06, 0, 0, 0, 0, 0, 0xff, 0x7f}, int32(-1), uint64(3))
	f.Fuzz(func(t *testing.T, data []byte, nr int32, a0 uint64) {
		g, err := Unmarshal(data)
		if err != nil {
			return
		}
		g.Run(SeccompData{Nr: nr, Arch: auditArchX86_64, Args: [6]uint64{a0, a0 >> 3}})
		_ = g.Disassemble()
	})
}
