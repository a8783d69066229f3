package runtime

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os/exec"
	"time"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// OCI hooks (runtime-spec config.md "POSIX-platform Hooks",
// runtime.md "Lifecycle"). Each hook is a program run with the
// container's state JSON on its stdin; a failing hook before the process
// starts fails the operation, a failing poststart or poststop hook is
// only reported. Where they run:
//
//   - prestart (deprecated) and createRuntime: in the runtime, after the
//     init made the mounts and before pivot_root; the init asks for them
//     with "hooks" on the sync pipe and waits for "ok" on the config pipe
//     (create.go handshake, init.go syncHooks);
//   - createContainer: in the init (the container's namespaces), right
//     after, before pivot_root;
//   - startContainer: in the init after start released it, before the
//     process is executed, so in the container's root;
//   - poststart: in the runtime once start released the init;
//   - poststop: in the runtime when delete removes the container.

// hookMsg is what the init writes on the sync pipe to ask for the
// runtime's createRuntime hooks; hookOK is the runtime's answer.
const (
	hookMsg = "hooks"
	hookOK  = "ok\n"
)

// runHooks runs hooks in order with st on stdin; kind names them in
// errors.
func runHooks(kind string, hooks []specs.Hook, st *specs.State) error {
	if len(hooks) == 0 {
		return nil
	}
	in, err := json.Marshal(st)
	if err != nil {
		return err
	}
	for i, h := range hooks {
		if err := runHook(h, in); err != nil {
			return fmt.Errorf("hooks.%s[%d] (%s): %w", kind, i, h.Path, err)
		}
	}
	return nil
}

func runHook(h specs.Hook, stdin []byte) error {
	ctx := context.Background()
	if h.Timeout != nil {
		if *h.Timeout <= 0 {
			return fmt.Errorf("timeout %d: must be positive", *h.Timeout)
		}
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, time.Duration(*h.Timeout)*time.Second)
		defer cancel()
	}
	cmd := exec.CommandContext(ctx, h.Path)
	if len(h.Args) > 0 {
		cmd.Args = h.Args
	}
	cmd.Env = h.Env
	cmd.Stdin = bytes.NewReader(stdin)
	var errb bytes.Buffer
	cmd.Stderr = &errb
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("timed out after %d s", *h.Timeout)
		}
		return fmt.Errorf("%w: %s", err, bytes.TrimSpace(errb.Bytes()))
	}
	return nil
}

// hooksOf returns the config's hooks, never nil.
func hooksOf(s *specs.Spec) *specs.Hooks {
	if s.Hooks == nil {
		return &specs.Hooks{}
	}
	return s.Hooks
}
