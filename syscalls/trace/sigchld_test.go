package trace

import "testing"

// TestQuietStops: while a trace runs SIGCHLD's action has SA_NOCLDSTOP
// (no signal for each ptrace stop), and after it the action is as before.
func TestQuietStops(t *testing.T) {
	var before, during, after kernelSigaction
	if err := sigaction(nil, &before); err != nil {
		t.Fatal(err)
	}
	done := quietStops()
	sigaction(nil, &during)
	done()
	sigaction(nil, &after)
	if during.flags&saNoCldStop == 0 || during.handler != before.handler {
		t.Errorf("during a trace: %+v (before %+v)", during, before)
	}
	if after != before {
		t.Errorf("after a trace: %+v, before %+v", after, before)
	}
}
