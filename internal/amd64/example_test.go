package amd64_test

import (
	"fmt"

	"github.com/deepsys/deepsys/internal/amd64"
)

// A loop that sums 1..n, n in the first word of the argument (RDI), the
// result in RAX: the calling convention of internal/execmem. GNU as makes
// the same bytes of the same text.
func Example() {
	var a amd64.Assembler
	loop, done := a.NewLabel(), a.NewLabel()
	a.MovRM(amd64.W64, amd64.RCX, amd64.Mem{Base: amd64.RDI}) // mov rcx, [rdi]
	a.ALURR(amd64.Xor, amd64.W32, amd64.RAX, amd64.RAX)       // xor eax, eax (zeroes rax)
	a.Bind(loop)
	a.TestRR(amd64.W64, amd64.RCX, amd64.RCX)
	a.JccShort(amd64.E, done) // forward: short only when asked
	a.ALURR(amd64.Add, amd64.W64, amd64.RAX, amd64.RCX)
	a.ALURI(amd64.Sub, amd64.W64, amd64.RCX, 1) // imm8 form
	a.Jmp(loop)                                 // backward: rel8, it reaches
	a.Bind(done)
	a.Ret()
	code, err := a.Finish()
	fmt.Printf("% x\n%v\n", code, err)
	// Output:
	// 48 8b 0f 31 c0 48 85 c9 74 09 48 01 c8 48 83 e9 01 eb f2 c3
	// <nil>
}
