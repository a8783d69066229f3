// Package testenv lets a test say which capability of the machine it needs —
// root, /dev/kvm, the bpf() system call, network namespaces, cgroups, a
// program on PATH, a corpus beside the checkout, the guest kernel
// scripts/setup-deps fetched for vmm — and skips the test with the
// reason when the capability is missing.
//
// A skip is not a pass. On the project's own machines every capability is
// present, so CI must run every such test; a capability that silently went
// missing in CI would otherwise turn a red run green. Therefore, when the
// environment variable DEEPSYS_REQUIRE_ALL=1 is set (make test sets it when CI
// is set), or when CI=true is set directly, every Require* function FAILS the
// test instead of skipping it.
//
// The one exception is hardware our machines lack by design: a CPU with
// VMX/SVM, which full Linux guests need. RequireCPUFeature skips even under
// DEEPSYS_REQUIRE_ALL, and says so in the test log. Use it for nothing else.
//
// The probes are real: RequireKVM opens /dev/kvm and asks KVM_GET_API_VERSION,
// RequireBPF creates a one-element array map with bpf(2), RequireNetNS
// unshares a network namespace on a locked thread and returns to the original
// one, RequireCgroups creates and removes a child cgroup. Each probe runs once
// per test binary and its verdict is cached.
//
// Model: golang/go src/internal/testenv (MustHaveExternalNetwork) and
// cilium/ebpf internal/testutils/feature.go (SkipIfNotSupported).
package testenv

import (
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
)

// RequireAllEnv is the variable that turns every skip into a failure.
const RequireAllEnv = "DEEPSYS_REQUIRE_ALL"

// RequireAll reports whether missing capabilities fail tests instead of
// skipping them: DEEPSYS_REQUIRE_ALL=1, or CI set to a true value.
func RequireAll() bool {
	if os.Getenv(RequireAllEnv) == "1" {
		return true
	}
	switch strings.ToLower(os.Getenv("CI")) {
	case "1", "true", "yes":
		return true
	}
	return false
}

// missing skips t with reason, or fails it when RequireAll is in force.
func missing(t testing.TB, reason string) {
	t.Helper()
	if RequireAll() {
		t.Fatalf("required capability missing (%s=1 or CI set, so this fails instead of skipping): %s",
			RequireAllEnv, reason)
	}
	t.Skip("skipping: " + reason)
}

// probe caches the verdict of one capability check: "" means present.
type probe struct {
	once   sync.Once
	reason string
	check  func() string
}

func (p *probe) require(t testing.TB) {
	t.Helper()
	p.once.Do(func() { p.reason = p.check() })
	if p.reason != "" {
		missing(t, p.reason)
	}
}

var rootProbe = &probe{check: func() string {
	if os.Geteuid() != 0 {
		return fmt.Sprintf("needs root (euid is %d)", os.Geteuid())
	}
	return ""
}}

// RequireRoot needs the test to run as root.
func RequireRoot(t testing.TB) {
	t.Helper()
	rootProbe.require(t)
}
