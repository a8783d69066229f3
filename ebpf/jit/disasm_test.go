package jit

import (
	"fmt"
	"strings"
	"testing"
)

// TestDisassemble: the listing decodes everywhere and heads each eBPF
// instruction's code with the instruction.
func TestDisassemble(t *testing.T) {
	for _, p := range programs {
		insns := mustAssemble(t, p.src)
		jp, err := Compile(insns, Options{Helpers: testHelpers})
		if err != nil {
			t.Fatal(err)
		}
		text := jp.Disassemble()
		jp.Close()
		if strings.Contains(text, "undecodable") {
			t.Errorf("%s: the listing has undecodable bytes:\n%s", p.name, text)
		}
		for i := range insns {
			if !strings.Contains(text, fmt.Sprintf("\n; %d: ", i)) {
				t.Errorf("%s: no heading for instruction %d:\n%s", p.name, i, text)
				break
			}
		}
	}
}
