package host

// Tail calls (bpf_tail_call, kernel/bpf/core.c JMP_TAIL_CALL):
//
//  1. bpf_tail_call(ctx, prog_array, index) looks index up in the program
//     array. An index past max_entries, an empty slot, or a chain that
//     already made MaxTailCalls tail calls: the helper returns and the
//     program goes on (the kernel leaves r0 alone; we return -ENOENT, the
//     "negative error" the helper's documentation promises).
//  2. Otherwise the current program ends there: the helper returns
//     errTailCall, which the engine wraps in its *interp.RunError, with the
//     target in the run's state. The host's run loop (Program.run) sees it
//     (errors.Is through the wrapping) and runs the target on the same
//     context and packet (the bounds as the last program left them), with
//     a fresh stack, as the kernel's tail call reuses the frame without
//     returning. Nothing returns to the caller: the last program's r0 is
//     the run's.
//  3. The count is per run, across the whole chain: 33 tail calls
//     (MAX_TAIL_CALL_CNT), so at most 34 programs run.
//
// The program array is the maps package's: it stores programs as any,
// which here are *Program of the same Kind (the kernel checks the type
// when a program is put into the array; we check it at the call).

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// MaxTailCalls is MAX_TAIL_CALL_CNT.
const MaxTailCalls = 33

// errTailCall ends the current program for a tail call (step 2).
var errTailCall = errors.New("tail call")

// progArray is what the tail call needs of a program array (the maps
// package's ProgramArray): the program in a slot, if any.
type progArray interface {
	Program(index uint32) (prog any, ok bool)
}

func (c *Collection) tailCall(env *interp.Env, _, m, index, _, _ uint64) (uint64, error) {
	st, err := state(env)
	if err != nil {
		return 0, err
	}
	i, ok := c.mapOf(m)
	if !ok {
		return 0, fmt.Errorf("%#x is not a map", m)
	}
	arr, ok := c.maps[i].(progArray)
	if !ok {
		return 0, fmt.Errorf("map %q is not a program array", c.maps[i].Spec().Name)
	}
	if uint64(uint32(index)) >= uint64(c.specs[i].MaxEntries) || st.tailCalls >= MaxTailCalls {
		return errno(syscall.ENOENT), nil
	}
	slot, _ := arr.Program(uint32(index))
	target, _ := slot.(*Program)
	if target == nil {
		return errno(syscall.ENOENT), nil
	}
	if target.Kind != st.prog.Kind {
		return 0, fmt.Errorf("tail call from a %v program to %s, a %v program", st.prog.Kind, target.Name, target.Kind)
	}
	st.tailCalls++
	st.next = target
	return 0, errTailCall
}
