#include "textflag.h"

// func callCode(code, arg uintptr) uint64
//
// The one door from Go into generated code. ABI0: arguments and result on
// the stack. Go keeps no value live in a register across this call, so the
// generated code may clobber the scratch registers; it must preserve RSP,
// RBP and R12-R15 (see the package comment). NOSPLIT with no frame: the
// code's own pushes land below our SP, inside the StackLimit (800 bytes on
// linux/amd64) that every goroutine stack keeps free below a split check
// for NOSPLIT callees; MaxStackBytes (256) stays well inside it. The code
// never calls back into Go, so the stack cannot move under it. On return,
// the ABI wrapper that called us restores R14 (g) and X15 for ABIInternal
// code.
TEXT ·callCode(SB), NOSPLIT, $0-24
	MOVQ code+0(FP), AX
	MOVQ arg+8(FP), DI
	CALL AX
	MOVQ AX, ret+16(FP)
	RET
