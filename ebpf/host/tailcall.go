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
//     target in the run's state. The host's run loop (Program.run) sees
//     the target there (no errors.Is down the wrapping, and the engines
//     format the error only if it is read: interp.HelperError) and runs
//     the target on the same
//     context and packet (the bounds as the last program left them), with
//     a fresh stack, as the kernel's tail call reuses the frame without
//     returning. Nothing returns to the caller: the last program's r0 is
//     the run's.
//  3. The count is per run, across the whole chain: 33 tail calls
//     (MAX_TAIL_CALL_CNT), so at most 34 programs run.
//  4. A program without local calls skips the error (Load, tailCallExits):
//     each "call bpf_tail_call" is patched (patch.go) into
//
//	call bpf_tail_call
//	if r0 != 0 goto +1   (-ENOENT: the tail call failed, go on)
//	exit                 (the target is in the run's state)
//
//     and the helper answers 0 instead of errTailCall, so neither engine
//     leaves through an error (formatted, wrapped in a RunError: about
//     1 µs). The kernel's JIT jumps into the target in place
//     (arch/x86/net/bpf_jit_comp.c, emit_bpf_tail_call_indirect); we return
//     to the run loop, which is the host's jump. In a subprogram an exit
//     returns to the caller, so programs with local calls keep step 2.
//     The budget counts the jne (and exit) after the call.
//
// The program array is the maps package's: it stores programs as any,
// which here are *Program of the same Kind (the kernel checks the type
// when a program is put into the array; we check it at the call).

import (
	"errors"
	"fmt"
	"syscall"

	"github.com/deepsys/deepsys/ebpf"
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
	if st.prog.tailExits {
		return 0, nil // step 4
	}
	return 0, errTailCall
}

// tailCallExits are step 4's sequences for the tail calls of insns, or
// none if insns has local calls.
func tailCallExits(insns []ebpf.Instruction, sites map[int][]ebpf.Instruction) map[int][]ebpf.Instruction {
	var calls []int
	for k, ins := range insns {
		if ins.IsLocalCall() {
			return sites
		}
		if ins.Opcode == uint8(ebpf.ClassJMP)|uint8(ebpf.JumpCall) && ins.Src == ebpf.PseudoCallHelper && ins.Imm == HelperTailCall {
			calls = append(calls, k)
		}
	}
	if sites == nil && len(calls) > 0 {
		sites = map[int][]ebpf.Instruction{}
	}
	for _, k := range calls {
		sites[k] = []ebpf.Instruction{
			insns[k],
			{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpNE) | uint8(ebpf.SourceK), Dst: ebpf.R0, Offset: 1},
			{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)},
		}
	}
	return sites
}
