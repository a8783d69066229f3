package amd64

import (
	"encoding/binary"
	"errors"
	"fmt"
)

// Assembler appends x86-64 instructions to a byte slice. The zero value is
// ready to use. Methods name their operands in Intel order, destination
// first, and their suffix says what the operands are: R a register, M a
// memory operand, I an immediate (MovRM is a load, MovMR a store).
//
// An operand the processor cannot encode (a width the instruction lacks, an
// immediate out of range, rsp as an index, an unknown label) is a bug in the
// code generator, not in its input: the method writes nothing, and Finish
// reports the first such error with the offset and the instruction. There
// is no error to check after each instruction.
type Assembler struct {
	buf    []byte
	labels []int // offset of label i+1, or -1 while unbound
	fixups []fixup
	err    error // the first bad instruction
}

// Len is the number of bytes written so far: the offset of the next
// instruction.
func (a *Assembler) Len() int { return len(a.buf) }

// Err is the first error so far, the one Finish will return.
func (a *Assembler) Err() error { return a.err }

// Finish patches every label reference and returns the code. It fails if an
// instruction was bad, if a referenced label was never bound, or if a short
// jump cannot reach its label. Bytes are never moved (see label.go), so
// offsets taken with Len stay valid. The code is the Assembler's own
// buffer, not a copy; Finish may be called again after more instructions.
func (a *Assembler) Finish() ([]byte, error) {
	if a.err != nil {
		return nil, a.err
	}
	var errs []error
	unbound := map[Label]bool{}
	for _, f := range a.fixups {
		target := a.labels[f.label-1]
		if target < 0 {
			if !unbound[f.label] {
				unbound[f.label] = true
				errs = append(errs, fmt.Errorf("amd64: label L%d, referenced at offset %d, is never bound", f.label, f.at))
			}
			continue
		}
		rel := int64(target) + int64(f.add) - int64(f.end)
		if f.size == 1 {
			if rel != int64(int8(rel)) {
				errs = append(errs, fmt.Errorf("amd64: short jump at offset %d cannot reach label L%d (%+d bytes)", f.end-2, f.label, rel))
				continue
			}
			a.buf[f.at] = byte(rel)
			continue
		}
		if rel != int64(int32(rel)) {
			errs = append(errs, fmt.Errorf("amd64: label L%d is %+d bytes from offset %d, beyond a 32-bit displacement", f.label, rel, f.at))
			continue
		}
		binary.LittleEndian.PutUint32(a.buf[f.at:], uint32(rel))
	}
	if len(errs) > 0 {
		return nil, errors.Join(errs...)
	}
	return a.buf, nil
}

// fail records the first bad instruction.
func (a *Assembler) fail(name, format string, args ...any) {
	if a.err == nil {
		a.err = fmt.Errorf("amd64: %s at offset %d: %s", name, len(a.buf), fmt.Sprintf(format, args...))
	}
}

// ok checks that w is one of the widths in allowed and that regs are
// registers; else it records why instruction name cannot be encoded.
func (a *Assembler) ok(name string, w, allowed Width, regs ...Reg) bool {
	if !w.valid() || w&allowed == 0 {
		a.fail(name, "width %d bytes not encodable (allowed: %s)", w, widthSet(allowed))
		return false
	}
	for _, r := range regs {
		if !r.valid() {
			a.fail(name, "no register %d", r)
			return false
		}
	}
	return true
}

// okMem checks a memory operand as ok does registers.
func (a *Assembler) okMem(name string, m Mem) bool {
	if msg := m.check(a); msg != "" {
		a.fail(name, "%s", msg)
		return false
	}
	return true
}

// okImm checks that imm is a w-bit value, signed or unsigned.
func (a *Assembler) okImm(name string, w Width, imm int64) bool {
	if !fitsWidth(w, imm) {
		a.fail(name, "immediate %d does not fit in %d bits", imm, w.Bits())
		return false
	}
	return true
}

func widthSet(ws Width) string {
	s := ""
	for _, w := range []Width{W8, W16, W32, W64} {
		if ws&w != 0 {
			if s != "" {
				s += ", "
			}
			s += fmt.Sprint(w.Bits())
		}
	}
	return s + " bits"
}

// Width sets used by several instructions.
const (
	anyWidth = W8 | W16 | W32 | W64
	wide     = W16 | W32 | W64 // no 8-bit form
)
