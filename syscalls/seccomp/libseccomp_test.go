package seccomp

import (
	"fmt"
	"math/rand/v2"
	"os/exec"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
	"github.com/deepsys/deepsys/syscalls/systab"
	"github.com/opencontainers/runtime-spec/specs-go"
)

// requireLibseccomp needs Debian's python3-seccomp.
func requireLibseccomp(t *testing.T) {
	t.Helper()
	if err := exec.Command(debianPython, "-c", "import seccomp").Run(); err != nil {
		if testenv.RequireAll() {
			t.Fatalf("needs python3-seccomp (scripts/debian-packages.txt): %v", err)
		}
		t.Skipf("needs python3-seccomp (scripts/debian-packages.txt): %v", err)
	}
}

// libseccompFilter compiles res with libseccomp (libseccomp.go).
func libseccompFilter(t *testing.T, res *resolved, optimize int) *Filter {
	t.Helper()
	f, err := libseccompCompile(res, optimize)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// pathStats is a program's size and the mean and maximum instructions it
// runs for the x86-64 syscalls with zero arguments.
func pathStats(f *Filter) string {
	total, most := 0, 0
	for nr := 0; nr <= systab.Max(); nr++ {
		_, n := f.run(SeccompData{Nr: int32(nr), Arch: auditArchX86_64})
		total += n
		most = max(most, n)
	}
	return fmt.Sprintf("%d/%.1f/%d", len(f.Insns), float64(total)/float64(systab.Max()+1), most)
}

// peerPolicy has one action per syscall or non-overlapping conditions, so
// that no rule precedence question arises (libseccomp merges rules its own
// way; see the package comment): every operator on some argument, ANDs,
// ORs (runc's split), two errnos on one syscall.
func peerPolicy() *Policy {
	e := func(n uint) *uint { return &n }
	ops := []specs.LinuxSeccompOperator{specs.OpEqualTo, specs.OpNotEqual, specs.OpLessThan, specs.OpLessEqual,
		specs.OpGreaterThan, specs.OpGreaterEqual, specs.OpMaskedEqual}
	p := &Policy{DefaultAction: specs.ActAllow}
	for i, op := range ops {
		v := sampleValues[i%len(sampleValues)]
		p.Syscalls = append(p.Syscalls, Rule{Names: []string{opSyscalls[i]}, Action: specs.ActErrno, ErrnoRet: e(uint(100 + i)),
			Args: []Arg{{Index: uint(i % 6), Value: v, ValueTwo: v & 0xffff0000ffff0000, Op: op},
				{Index: uint(i+1) % 6, Value: sampleValues[(i+2)%len(sampleValues)], Op: specs.OpNotEqual}}})
	}
	return &Policy{DefaultAction: specs.ActAllow, Syscalls: append(p.Syscalls,
		Rule{Names: []string{"dup"}, Action: specs.ActErrno, ErrnoRet: e(5), Args: []Arg{{Index: 0, Value: 5, Op: specs.OpEqualTo}}},
		Rule{Names: []string{"dup"}, Action: specs.ActErrno, ErrnoRet: e(6), Args: []Arg{{Index: 0, Value: 6, Op: specs.OpEqualTo}}},
		Rule{Names: []string{"dup2"}, Action: specs.ActTrace, ErrnoRet: e(7), Args: []Arg{
			{Index: 1, Value: sampleValues[0], Op: specs.OpGreaterEqual}, {Index: 1, Value: 3, Op: specs.OpLessThan}}},
		Rule{Names: []string{"getppid", "acct"}, Action: specs.ActKillProcess},
		Rule{Names: []string{"mkdir", "mkdirat"}, Action: specs.ActErrno})}
}

// TestAgreesWithLibseccomp: on 10,000 random seccomp_data, our filter
// (binary and linear) returns what libseccomp's program for the same rules
// (its default chain and its binary tree) returns, for Docker's profile,
// deny-mkdir and peerPolicy.
func TestAgreesWithLibseccomp(t *testing.T) {
	requireLibseccomp(t)
	cases := agreementCases(t)
	cases["peer"] = peerPolicy()
	// argsPolicy has overlapping rules of different actions on one syscall, where precedence differs by design:
	// libseccomp answers from its decision tree (it picked a later rule on args 3 and 4 over an earlier one on arg 2).
	delete(cases, "args")
	for name, p := range cases {
		o := Options{Kernel: "6.18"}
		res, err := p.resolve(o)
		if err != nil {
			t.Fatal(err)
		}
		ours, _ := CompileWith(p, o)
		oursLinear, _ := CompileWith(p, Options{Kernel: "6.18", Linear: true})
		theirs, theirsTree := libseccompFilter(t, res, 1), libseccompFilter(t, res, 2)
		r := rand.New(rand.NewPCG(7, uint64(len(name))))
		nrs := ruleNrs(res)
		for i := 0; i < 10000; i++ {
			d := randomData(r, nrs)
			want := theirs.Run(d)
			for _, f := range []*Filter{ours, oursLinear, theirsTree} {
				if got := f.Run(d); got != want {
					t.Fatalf("%s: %+v: %s, libseccomp %s", name, d, ActionString(got), ActionString(want))
				}
			}
		}
		t.Logf("%s: program size / mean / max instructions run over syscalls 0-%d: ours binary %s, ours linear %s, libseccomp default %s, libseccomp tree %s",
			name, systab.Max(), pathStats(ours), pathStats(oursLinear), pathStats(theirs), pathStats(theirsTree))
	}
}
