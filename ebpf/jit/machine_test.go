package jit

import (
	"testing"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// TestLayout checks what the code assumes of the machine's layout.
func TestLayout(t *testing.T) {
	var m machine
	switch {
	case unsafe.Sizeof(window{}) != 1<<windowShift:
		t.Errorf("window is %d bytes, the code indexes by 1<<%d", unsafe.Sizeof(window{}), windowShift)
	case unsafe.Sizeof(frame{}) != 1<<frameShift:
		t.Errorf("frame is %d bytes, the code indexes by 1<<%d", unsafe.Sizeof(frame{}), frameShift)
	case interp.RegionAddr(interp.MaxRegions)>>32 != numWindows:
		t.Errorf("interp's map has %d windows, the table %d", interp.RegionAddr(interp.MaxRegions)>>32, numWindows)
	case interp.ContextAddr>>32 != 2 || interp.StackAddr>>32 != 1:
		t.Errorf("the context or the stack moved in interp's map: the code addresses windows 1 and 2")
	case unsafe.Offsetof(m.stack)%8 != 0:
		t.Errorf("the stack is at offset %d: atomics on it need 8-byte alignment", unsafe.Offsetof(m.stack))
	case unsafe.Offsetof(m.regs) != 0 || unsafe.Sizeof(m.regs) != 8*11:
		t.Errorf("regs at %d, %d bytes", unsafe.Offsetof(m.regs), unsafe.Sizeof(m.regs))
	}
}
