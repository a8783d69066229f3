package seccomp

import (
	"encoding/json"
	"math/rand/v2"
	"os"
	"testing"

	mobyseccomp "github.com/moby/profiles/seccomp"
	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// evalPolicy is the reference: it decides a syscall by walking the
// resolved rules directly, with 64-bit Go comparisons, no BPF.
func evalPolicy(res *resolved, d SeccompData) uint32 {
	nr := uint32(d.Nr)
	if d.Arch != auditArchX86_64 || (nr >= x32SyscallBit && nr != nrMinusOne) {
		return badArchAction
	}
	var final *rule
	for i, r := range res.rules {
		if uint32(r.nr) != nr {
			continue
		}
		if len(r.conds) == 0 {
			if final == nil {
				final = &res.rules[i]
			}
			continue
		}
		if allHold(r.conds, d) {
			return r.ret
		}
	}
	if final != nil {
		return final.ret
	}
	return res.defaultRet
}

func allHold(conds []cond, d SeccompData) bool {
	for _, c := range conds {
		if !holds(c, d.Args[c.index]) {
			return false
		}
	}
	return true
}

func holds(c cond, a uint64) bool {
	switch c.op {
	case specs.OpEqualTo:
		return a == c.value
	case specs.OpNotEqual:
		return a != c.value
	case specs.OpLessThan:
		return a < c.value
	case specs.OpLessEqual:
		return a <= c.value
	case specs.OpGreaterThan:
		return a > c.value
	case specs.OpGreaterEqual:
		return a >= c.value
	case specs.OpMaskedEqual:
		return a&c.value == c.valueTwo
	}
	panic("unknown op " + c.op)
}

// dockerProfile is Docker's default profile, as JSON (moby/profiles/seccomp
// is a test-only dependency).
func dockerProfile(t testing.TB) []byte {
	b, err := json.Marshal(mobyseccomp.DefaultProfile())
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// argsPolicy exercises every operator on every argument, several rules a
// syscall, an unconditional rule after conditional ones, and repeated
// indexes (the runc OR split). Its values are what randomData draws from.
func argsPolicy() *Policy {
	e := func(n uint) *uint { return &n }
	ops := []specs.LinuxSeccompOperator{specs.OpEqualTo, specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual,
		specs.OpGreaterThan, specs.OpGreaterEqual, specs.OpMaskedEqual}
	p := &Policy{DefaultAction: specs.ActAllow}
	errno := uint(100)
	for i, op := range ops {
		for idx := uint(0); idx < 6; idx++ {
			v := sampleValues[(i+int(idx))%len(sampleValues)]
			r := Rule{Names: []string{opSyscalls[i]}, Action: specs.ActErrno, ErrnoRet: e(errno),
				Args: []Arg{{Index: idx, Value: v, ValueTwo: v & 0xffff0000ffff0000, Op: op}}}
			if idx%2 == 1 { // an AND of two conditions
				r.Args = append(r.Args, Arg{Index: (idx + 1) % 6, Value: sampleValues[i], Op: specs.OpNotEqual})
			}
			p.Syscalls = append(p.Syscalls, r)
			errno++
		}
	}
	p.Syscalls = append(p.Syscalls,
		Rule{Names: []string{"close"}, Action: specs.ActErrno, ErrnoRet: e(200), Args: []Arg{
			{Index: 2, Value: sampleValues[1], Op: specs.OpEqualTo}, {Index: 2, Value: sampleValues[3], Op: specs.OpEqualTo}}},
		Rule{Names: []string{"dup"}, Action: specs.ActErrno, ErrnoRet: e(201)},
		Rule{Names: []string{"dup"}, Action: specs.ActTrace, Args: []Arg{{Index: 0, Value: 7, Op: specs.OpLessThan}}},
		Rule{Names: []string{"getppid", "acct"}, Action: specs.ActKillProcess},
		Rule{Names: []string{"getuid"}, Action: specs.ActAllow})
	return p
}

// opSyscalls are the syscalls whose rules test each operator: calls that
// ignore their arguments (so the kernel test may pass any), and close.
var opSyscalls = []string{"getgid", "geteuid", "getegid", "sched_yield", "gettid", "getpgrp", "close"}

// sampleValues are argument constants whose low words stay above any file
// descriptor (the kernel test calls close with them) and whose high words
// differ, so that both halves of the 64-bit comparisons matter.
var sampleValues = []uint64{
	0x0000_0000_4000_0000, 0x0000_0001_4000_0000, 0xffff_ffff_ffff_ffff, 0x0000_0001_7fff_ffff,
	0x8000_0000_4000_0001, 0x0000_0000_ffff_fff0, 0x1234_5678_9abc_def0,
}

// randomArg draws near the sample values (equal, one off, swapped
// halves) or uniformly.
func randomArg(r *rand.Rand) uint64 {
	v := sampleValues[r.IntN(len(sampleValues))]
	switch r.IntN(7) {
	case 5:
		return uint64(r.IntN(10))
	case 0:
		return v + 1
	case 1:
		return v - 1
	case 2:
		return v<<32 | v>>32
	case 3:
		return r.Uint64() | 0x4000_0000
	}
	return v
}

// randomData draws seccomp_data: mostly x86-64 calls to numbers the
// policy names or near them, sometimes another arch, x32, or -1.
func randomData(r *rand.Rand, nrs []int) SeccompData {
	d := SeccompData{Arch: auditArchX86_64, Nr: int32(nrs[r.IntN(len(nrs))])}
	switch r.IntN(20) {
	case 0:
		d.Arch = unix.AUDIT_ARCH_I386
	case 1:
		d.Nr |= x32SyscallBit
	case 2:
		d.Nr = -1
	case 3, 4:
		d.Nr = int32(r.IntN(500))
	case 5:
		d.Nr++
	}
	for i := range d.Args {
		d.Args[i] = randomArg(r)
	}
	d.InstructionPointer = r.Uint64()
	return d
}

func ruleNrs(res *resolved) []int {
	out := []int{0}
	for _, r := range res.rules {
		out = append(out, r.nr)
	}
	return out
}

// agreementCases are the policies the random and fuzz tests compare on.
func agreementCases(t testing.TB) map[string]*Policy {
	docker, err := ParsePolicy(dockerProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile("testdata/deny-mkdir.json")
	if err != nil {
		t.Fatal(err)
	}
	deny, err := ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	return map[string]*Policy{"args": argsPolicy(), "docker": docker, "deny-mkdir": deny}
}

// TestFilterMatchesPolicy: on 10,000 random seccomp_data for each policy
// and each dispatch (binary search, linear chain), our interpreter running
// the compiled filter returns what the reference evaluation of the policy
// returns.
func TestFilterMatchesPolicy(t *testing.T) {
	for name, p := range agreementCases(t) {
		for _, linear := range []bool{false, true} {
			o := Options{Linear: linear, Kernel: "6.18"}
			res, err := p.resolve(o)
			if err != nil {
				t.Fatal(err)
			}
			f, err := CompileWith(p, o)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			if err := f.Validate(); err != nil {
				t.Fatalf("%s linear=%v: %v", name, linear, err)
			}
			r := rand.New(rand.NewPCG(1, uint64(len(name))))
			nrs := ruleNrs(res)
			for i := 0; i < 10000; i++ {
				d := randomData(r, nrs)
				if got, want := f.Run(d), evalPolicy(res, d); got != want {
					t.Fatalf("%s linear=%v: %+v: filter %s, policy %s", name, linear, d, ActionString(got), ActionString(want))
				}
			}
			t.Logf("%s linear=%v: %d instructions, %d syscalls dispatched", name, linear, len(f.Insns), f.Syscalls)
		}
	}
}

// FuzzFilterMatchesPolicy: the same comparison on fuzzed seccomp_data.
func FuzzFilterMatchesPolicy(f *testing.F) {
	f.Add(uint8(0), int32(3), uint32(auditArchX86_64), uint64(0x40000000), uint64(1), uint64(2))
	f.Add(uint8(1), int32(83), uint32(auditArchX86_64), uint64(0), uint64(0), uint64(0))
	f.Add(uint8(2), int32(-1), uint32(unix.AUDIT_ARCH_I386), uint64(0), uint64(0), uint64(0))
	f.Add(uint8(3), int32(135), uint32(auditArchX86_64), uint64(0xffffffff), uint64(0), uint64(0))
	cases := agreementCases(f)
	type compiled struct {
		res *resolved
		fl  *Filter
	}
	var all []compiled
	for _, name := range []string{"args", "docker", "deny-mkdir"} {
		for _, linear := range []bool{false, true} {
			o := Options{Linear: linear, Kernel: "6.18"}
			res, err1 := cases[name].resolve(o)
			fl, err2 := CompileWith(cases[name], o)
			if err1 != nil || err2 != nil {
				f.Fatal(err1, err2)
			}
			all = append(all, compiled{res, fl})
		}
	}
	f.Fuzz(func(t *testing.T, which uint8, nr int32, arch uint32, a0, a1, a2 uint64) {
		c := all[int(which)%len(all)]
		d := SeccompData{Nr: nr, Arch: arch, Args: [6]uint64{a0, a1, a2, a0 ^ a1, a1 ^ a2, a2 ^ a0}}
		if got, want := c.fl.Run(d), evalPolicy(c.res, d); got != want {
			t.Fatalf("%+v: filter %s, policy %s", d, ActionString(got), ActionString(want))
		}
	})
}
