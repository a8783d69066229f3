package runtime

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// TestHooks: every hook kind runs once, in lifecycle order, with the
// state on stdin; createContainer sees the rootfs mounts (the container's
// mount namespace), startContainer runs inside the container's root.
func TestHooks(t *testing.T) {
	logDir := t.TempDir()
	log := filepath.Join(logDir, "log")
	hook := func(kind string) specs.Hook {
		// The host's /bin/sh for runtime hooks; the container's busybox
		// sh for startContainer, whose /log is the rootfs's.
		return specs.Hook{Path: "/bin/sh", Args: []string{"sh", "-c",
			`read -r st; echo "` + kind + ` $st" >> ` + log + ` 2>/dev/null || echo "` + kind + ` $st" >> /log`}}
	}
	// The process lives until the poststart hook has run, so that hook sees
	// it running: start returns once the process has been exec'd.
	s := testSpec("sh", "-c", "until grep -q poststart /hostlog/log 2>/dev/null; do sleep 0.01; done")
	s.Mounts = append(s.Mounts, specs.Mount{Destination: "/hostlog", Type: "bind", Source: logDir, Options: []string{"rbind", "ro"}})
	s.Hooks = &specs.Hooks{
		//lint:ignore SA1019 the deprecated prestart hook must still run
		Prestart:        []specs.Hook{hook("prestart")},
		CreateRuntime:   []specs.Hook{hook("createRuntime")},
		CreateContainer: []specs.Hook{hook("createContainer")},
		StartContainer:  []specs.Hook{hook("startContainer")},
		Poststart:       []specs.Hook{hook("poststart")},
		Poststop:        []specs.Hook{hook("poststop")},
	}
	bundle := makeBundle(t, s)
	if code, out := runBundleIn(t, bundle); code != 0 {
		t.Fatalf("exit %d: %s", code, out)
	}
	b, _ := os.ReadFile(log)
	inside, _ := os.ReadFile(filepath.Join(bundle, "rootfs", "log"))
	var kinds []string
	for _, line := range strings.Split(strings.TrimSpace(string(b)+string(inside)), "\n") {
		kind, js, _ := strings.Cut(line, " ")
		var st specs.State
		if err := json.Unmarshal([]byte(js), &st); err != nil || st.ID != "t" || st.Bundle != bundle {
			t.Errorf("%s hook read %q (%v)", kind, js, err)
		}
		kinds = append(kinds, kind+":"+string(st.Status))
	}
	want := "prestart:creating createRuntime:creating createContainer:creating poststart:running poststop:stopped startContainer:created"
	if got := strings.Join(kinds, " "); got != want {
		t.Errorf("hooks ran as %q, want %q", got, want)
	}
}

// TestFailingCreateRuntimeHook: create fails naming the hook, and leaves
// nothing behind.
func TestFailingCreateRuntimeHook(t *testing.T) {
	s := testSpec("true")
	s.Hooks = &specs.Hooks{CreateRuntime: []specs.Hook{{Path: "/bin/sh", Args: []string{"sh", "-c", "echo no >&2; exit 3"}}}}
	expectCreateFails(t, makeBundle(t, s), "hooks.createRuntime[0] (/bin/sh): exit status 3: no")
}
