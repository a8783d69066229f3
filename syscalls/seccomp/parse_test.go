package seccomp

import (
	"encoding/json"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// TestParsePolicyErrors: a bad policy's error names the entry and what is
// wrong with it.
func TestParsePolicyErrors(t *testing.T) {
	cases := []struct{ name, json, want string }{
		{"not json", `{`, "unexpected EOF"},
		{"trailing", `{"defaultAction":"SCMP_ACT_ALLOW"} {}`, "data after the JSON value"},
		{"unknown top field", `{"defaultAction":"SCMP_ACT_ALLOW","defaultActon":1}`, `unknown field "defaultActon"`},
		{"no default", `{"syscalls":[]}`, "defaultAction: missing"},
		{"bad default", `{"defaultAction":"SCMP_ACT_DENY"}`, `defaultAction: action "SCMP_ACT_DENY": unknown`},
		{"unknown rule field", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"nmes":["x"]}]}`,
			`syscalls[1]: json: unknown field "nmes"`},
		{"bad action", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALOW"}]}`,
			`syscalls[0].action "SCMP_ACT_ALOW": unknown`},
		{"bad op", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ"},{"index":1,"value":1,"op":"SCMP_CMP_FOO"}]}]}`,
			`syscalls[0].args[1].op "SCMP_CMP_FOO": unknown operator`},
		{"bad index", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":6,"value":1,"op":"SCMP_CMP_EQ"}]}]}`,
			`syscalls[0].args[0].index 6: a syscall has arguments 0-5`},
		{"arg type", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":-1,"op":"SCMP_CMP_EQ"}]}]}`,
			`syscalls[0].args[0]: json: cannot unmarshal number -1`},
		{"arg field", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"op":"SCMP_CMP_EQ","value2":3}]}]}`,
			`syscalls[0].args[0]: json: unknown field "value2"`},
		{"bad arch", `{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64","SCMP_ARCH_Z80"]}`,
			`architectures[1] "SCMP_ARCH_Z80": unknown architecture`},
		{"bad sub arch", `{"defaultAction":"SCMP_ACT_ALLOW","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_86"]}]}`,
			`archMap[0].subArchitectures[0] "SCMP_ARCH_86": unknown architecture`},
		{"both arch lists", `{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_X86_64"],"archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":[]}]}`,
			"both architectures and archMap"},
		{"bad flag", `{"defaultAction":"SCMP_ACT_ALLOW","flags":["SECCOMP_FILTER_FLAG_FAST"]}`, `flags[0] "SECCOMP_FILTER_FLAG_FAST": unknown`},
		{"errno too big", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ERRNO","errnoRet":70000}]}`,
			`syscalls[0].errnoRet 70000: larger than MAX_ERRNO`},
		{"no names", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"action":"SCMP_ACT_ALLOW"}]}`, "syscalls[0].names: empty"},
		{"empty name", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read",""],"action":"SCMP_ACT_ALLOW"}]}`, "syscalls[0].names[1]: empty name"},
		{"name and names", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"name":"read","names":["write"],"action":"SCMP_ACT_ALLOW"}]}`,
			"syscalls[0]: both name and names"},
		{"bad minKernel", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"five"}}]}`,
			`syscalls[0].includes.minKernel: kernel version "five"`},
		{"includes field", `{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["read"],"action":"SCMP_ACT_ALLOW","excludes":{"cap":["X"]}}]}`,
			`syscalls[0]: json: unknown field "cap"`},
	}
	for _, c := range cases {
		_, err := ParsePolicy([]byte(c.json))
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: error %v, want one containing %q", c.name, err, c.want)
		}
	}
}

// TestCompileErrorsAndWarnings: unknown names warn by default and fail
// under StrictNames; a policy for other architectures only is refused.
func TestCompileErrorsAndWarnings(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["read"],"action":"SCMP_ACT_ALLOW"},{"names":["write"],"action":"SCMP_ACT_ALLOW"},
		{"names":["exit"],"action":"SCMP_ACT_ALLOW"},{"names":["open","opne"],"action":"SCMP_ACT_ALLOW"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	f, err := Compile(p)
	if err != nil || len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], `syscalls[3].names[1] "opne": unknown syscall`) {
		t.Errorf("Compile: %v, warnings %q", err, f.Warnings)
	}
	_, err = CompileWith(p, Options{StrictNames: true})
	if err == nil || !strings.Contains(err.Error(), `syscalls[3].names[1] "opne": unknown syscall`) {
		t.Errorf("strict: %v", err)
	}
	p, _ = ParsePolicy([]byte(`{"defaultAction":"SCMP_ACT_ALLOW","architectures":["SCMP_ARCH_AARCH64"]}`))
	if _, err := Compile(p); err == nil || !strings.Contains(err.Error(), "do not include SCMP_ARCH_X86_64") {
		t.Errorf("arm64-only policy: %v", err)
	}
}

// TestDockerConditions: includes/excludes follow the capability set, the
// arch and the kernel version.
func TestDockerConditions(t *testing.T) {
	p, err := ParsePolicy([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","syscalls":[
		{"names":["ptrace"],"action":"SCMP_ACT_ALLOW","includes":{"caps":["CAP_SYS_PTRACE"]}},
		{"names":["clone3"],"action":"SCMP_ACT_ERRNO","errnoRet":38,"excludes":{"caps":["CAP_SYS_ADMIN"]}},
		{"names":["arch_prctl"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["amd64","x32"]}},
		{"names":["s390_pci_mmio_read"],"action":"SCMP_ACT_ALLOW","includes":{"arches":["s390x"]}},
		{"names":["pidfd_getfd"],"action":"SCMP_ACT_ALLOW","includes":{"minKernel":"5.6"}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	decide := func(o Options, name string) string {
		f, err := CompileWith(p, o)
		if err != nil {
			t.Fatal(err)
		}
		nr, _ := syscallNumber(name)
		return ActionString(f.Run(SeccompData{Nr: int32(nr), Arch: auditArchX86_64}))
	}
	cases := []struct {
		o          Options
		name, want string
	}{
		{Options{Kernel: "6.1"}, "ptrace", "ERRNO(1)"},
		{Options{Kernel: "6.1", Caps: []string{"CAP_SYS_PTRACE"}}, "ptrace", "ALLOW"},
		{Options{Kernel: "6.1"}, "clone3", "ERRNO(38)"},
		{Options{Kernel: "6.1", Caps: []string{"CAP_SYS_ADMIN"}}, "clone3", "ERRNO(1)"},
		{Options{Kernel: "6.1"}, "arch_prctl", "ALLOW"},
		{Options{Kernel: "5.6"}, "pidfd_getfd", "ALLOW"},
		{Options{Kernel: "5.5"}, "pidfd_getfd", "ERRNO(1)"},
	}
	for _, c := range cases {
		if got := decide(c.o, c.name); got != c.want {
			t.Errorf("%+v %s: %s, want %s", c.o, c.name, got, c.want)
		}
	}
}

// FuzzParsePolicy: no input makes ParsePolicy or Compile panic; what
// compiles is a program the kernel's checks accept, and it agrees with the
// policy's direct evaluation on random inputs.
func FuzzParsePolicy(f *testing.F) {
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["mkdir"],"action":"SCMP_ACT_ERRNO","errnoRet":1}]}`))
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_ERRNO","archMap":[{"architecture":"SCMP_ARCH_X86_64","subArchitectures":["SCMP_ARCH_X86"]}],"syscalls":[{"names":["personality"],"action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":8,"op":"SCMP_CMP_EQ"}],"includes":{"minKernel":"4.8","caps":["CAP_SYS_ADMIN"]}}]}`))
	f.Add([]byte(`{"defaultAction":"SCMP_ACT_KILL","syscalls":[{"name":"socket","action":"SCMP_ACT_ALLOW","args":[{"index":0,"value":1,"valueTwo":1,"op":"SCMP_CMP_MASKED_EQ"},{"index":0,"value":5,"op":"SCMP_CMP_LT"}]}]}`))
	f.Add(dockerProfile(f))
	f.Fuzz(func(t *testing.T, data []byte) {
		p, err := ParsePolicy(data)
		if err != nil {
			return
		}
		for _, linear := range []bool{false, true} {
			fl, err := CompileWith(p, Options{Linear: linear, Kernel: "6.18"})
			if err != nil {
				continue
			}
			if err := fl.Validate(); err != nil {
				t.Fatalf("compiled an invalid program: %v", err)
			}
			res, _ := p.resolve(Options{Linear: linear, Kernel: "6.18"})
			r := rand.New(rand.NewPCG(uint64(len(data)), 1))
			for i := 0; i < 50; i++ {
				d := randomData(r, ruleNrs(res))
				if got, want := fl.Run(d), evalPolicy(res, d); got != want {
					t.Fatalf("linear=%v %+v: filter %s, policy %s", linear, d, ActionString(got), ActionString(want))
				}
			}
		}
	})
}

// TestPolicyJSONRoundTrip: a Policy marshals to JSON that ParsePolicy reads
// back to the same policy (the container runtime writes profiles too), and
// FromOCI keeps the runtime-spec's fields.
func TestPolicyJSONRoundTrip(t *testing.T) {
	p, err := ParsePolicy(dockerProfile(t))
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(p)
	if err != nil {
		t.Fatal(err)
	}
	q, err := ParsePolicy(b)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(p, q) {
		t.Fatal("the policy changed through JSON")
	}
	e := uint(38)
	oci := &specs.LinuxSeccomp{DefaultAction: specs.ActErrno, DefaultErrnoRet: &e, Architectures: []specs.Arch{specs.ArchX86_64},
		Syscalls: []specs.LinuxSyscall{{Names: []string{"mkdir"}, Action: specs.ActAllow,
			Args: []specs.LinuxSeccompArg{{Index: 1, Value: 0o700, Op: specs.OpEqualTo}}}}}
	f, err := Compile(FromOCI(oci))
	if err != nil {
		t.Fatal(err)
	}
	d := SeccompData{Nr: unix.SYS_MKDIR, Arch: auditArchX86_64, Args: [6]uint64{0, 0o700}}
	if got := ActionString(f.Run(d)); got != "ALLOW" {
		t.Errorf("mkdir(_, 0700): %s", got)
	}
	d.Args[1] = 0o755
	if got := ActionString(f.Run(d)); got != "ERRNO(38)" {
		t.Errorf("mkdir(_, 0755): %s", got)
	}
}
