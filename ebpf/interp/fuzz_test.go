package interp

import (
	"errors"
	"slices"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// fuzzHelpers give random programs something to call: an identity and a
// helper that reads program memory through Env.
var fuzzHelpers = map[int32]Helper{
	1: func(_ *Env, r1, _, _, _, _ uint64) (uint64, error) { return r1, nil },
	2: func(env *Env, r1, r2, _, _, _ uint64) (uint64, error) {
		b, err := env.Load(r1, int(r2&0xff))
		return uint64(len(b)), err
	},
}

// FuzzRun: any bytes that decode and validate compile and run without a
// panic or a hang, and a failed run is a *RunError naming an instruction
// of the program.
func FuzzRun(f *testing.F) {
	for _, p := range [][]ebpf.Instruction{arithLoop, stackLoop, ldxbAll(), stxbChain(), mustAssemble(f, fuzzLocalCall),
		mustAssemble(f, fuzzCmpXchg), chain(MaxFrames + 1), prog(ldAbs(szH, 1), call(2), exit())} {
		f.Add(ebpf.Encode(nil, fixExits(p)), []byte{1, 2, 3, 4, 5, 6, 7, 8})
	}
	f.Fuzz(func(t *testing.T, code, ctx []byte) {
		insns, err := ebpf.Decode(code)
		if err != nil {
			return
		}
		p, err := Compile(insns, Options{Helpers: fuzzHelpers, Budget: 10_000})
		if err != nil {
			if errors.As(err, new(*ebpf.InvalidError)) {
				return
			}
			t.Fatalf("Compile: %v is not an *ebpf.InvalidError", err)
		}
		_, err = p.Run(slices.Clone(ctx))
		var re *RunError
		if err != nil && (!errors.As(err, &re) || re.Index < 0 || re.Index >= len(insns)) {
			t.Fatalf("Run: %v is not a *RunError inside the program", err)
		}
	})
}

// definedOpcodes are the opcodes Compile maps, for FuzzRunShaped.
var definedOpcodes = func() (ops []uint8) {
	for op, o := range opcodeOps {
		if o != opInvalid || op == 0xd4 || op == 0xdc || op == 0xd7 { // END: refine decides
			ops = append(ops, uint8(op))
		}
	}
	return ops
}()

// shaped turns 8 random bytes into instruction i of n, zeroing the fields
// its operation leaves unused and aiming branches inside the program, so
// that most shaped programs pass Validate; what fails is then the run.
func shaped(b []byte, i, n int) ebpf.Instruction {
	ins := ebpf.Instruction{
		Opcode: definedOpcodes[int(b[0])%len(definedOpcodes)],
		Dst:    b[1] % 10,
		Src:    b[1] >> 4 % 11,
		Imm:    int32(int8(b[3])) << (b[4] & 31),
	}
	target := int16(int(b[2])%n - i - 1) // an instruction index in [0, n)
	switch ins.Class() {
	case ebpf.ClassALU, ebpf.ClassALU64:
		shapeALU(&ins, b)
	case ebpf.ClassJMP, ebpf.ClassJMP32:
		shapeJump(&ins, b, target)
	default:
		shapeMemory(&ins, b)
	}
	return ins
}

func shapeALU(ins *ebpf.Instruction, b []byte) {
	switch {
	case ins.ALUOp() == ebpf.ALUEnd:
		ins.Src, ins.Imm = 0, []int32{16, 32, 64}[b[5]%3]
	case ins.ALUOp() == ebpf.ALUNeg:
		ins.Src, ins.Imm = 0, 0
	case ins.Source() == ebpf.SourceK:
		ins.Src = 0
	default:
		ins.Imm = 0
	}
	switch {
	case ins.ALUOp() == ebpf.ALUDiv || ins.ALUOp() == ebpf.ALUMod:
		ins.Offset = int16(b[5] & 1)
	case ins.ALUOp() == ebpf.ALUMov && ins.Source() == ebpf.SourceX:
		ins.Offset = []int16{0, 8, 16, 32}[b[5]%4]
	}
}

func shapeJump(ins *ebpf.Instruction, b []byte, target int16) {
	switch ins.JumpOp() {
	case ebpf.JumpA:
		*ins = ebpf.Instruction{Opcode: ins.Opcode, Offset: target}
		if ins.Class() == ebpf.ClassJMP32 {
			ins.Offset, ins.Imm = 0, int32(target)
		}
	case ebpf.JumpCall:
		*ins = ebpf.Instruction{Opcode: ins.Opcode, Imm: int32(b[5]%2 + 1)}
		if b[6]&1 == 0 {
			ins.Src, ins.Imm = ebpf.PseudoCallLocal, int32(target)
		}
	case ebpf.JumpExit:
		*ins = ebpf.Instruction{Opcode: ins.Opcode}
	default:
		ins.Offset = target
		if ins.Source() == ebpf.SourceK {
			ins.Src = 0
		} else {
			ins.Imm = 0
		}
	}
}

func shapeMemory(ins *ebpf.Instruction, b []byte) {
	ins.Offset = int16(int8(b[2]))
	if b[6]&1 == 0 { // mostly the stack, so that some accesses succeed
		ins.Src, ins.Dst, ins.Offset = 10, 10, -int16(b[2])-1
	}
	switch {
	case ins.IsLDDW():
		ins.Src, ins.Offset, ins.Imm64 = 0, 0, int64(ins.Imm)<<(b[5]&31)
		ins.Imm = int32(ins.Imm64)
		ins.Dst %= 10
	case ins.Class() == ebpf.ClassLD: // legacy packet loads
		ins.Dst, ins.Offset = 0, 0
		if ins.Mode() == ebpf.ModeABS {
			ins.Src = 0
		}
	case ins.Class() == ebpf.ClassLDX:
		ins.Imm, ins.Dst = 0, b[1]%10
	case ins.Class() == ebpf.ClassST:
		ins.Src = 0
	case ins.Mode() == ebpf.ModeATOMIC:
		ins.Imm = []int32{0x00, 0x01, 0x40, 0x41, 0x50, 0x51, 0xa0, 0xa1, 0xe1, 0xf1}[b[5]%10]
		ins.Src, ins.Offset = b[1]>>4%10, ins.Offset&^7
	default:
		ins.Imm = 0
	}
}

// FuzzRunShaped is FuzzRun over programs built from shaped instructions,
// which pass Validate far more often than random bytes do.
func FuzzRunShaped(f *testing.F) {
	f.Add([]byte("\x07\x01\x00\x05\x00\x00\x00\x00\x15\x01\xfe\x00\x00\x00\x00\x00"), []byte{1, 2, 3})
	f.Fuzz(func(t *testing.T, raw, ctx []byte) {
		n := min(len(raw)/8, 256)
		insns := make([]ebpf.Instruction, 0, n+1)
		for i := range n {
			insns = append(insns, shaped(raw[8*i:8*i+8], i, n+1))
		}
		insns = append(insns, exit())
		p, err := Compile(insns, Options{Helpers: fuzzHelpers, Budget: 10_000})
		if err != nil {
			return
		}
		_, err = p.Run(slices.Clone(ctx))
		var re *RunError
		if err != nil && (!errors.As(err, &re) || re.Index < 0 || re.Index >= len(insns)) {
			t.Fatalf("Run: %v is not a *RunError inside the program", err)
		}
	})
}

// Seeds in assembly: a local call, and compare-and-exchange on the stack.
const (
	fuzzLocalCall = "mov %r1, 3\ncall local f\nexit\nf:\nmov %r0, %r1\nadd %r0, 1\nexit\n"
	fuzzCmpXchg   = "lddw %r0, 0x1234\nstxdw [%r10-8], %r0\nmov %r1, 7\nlock cmpxchg [%r10-8], %r1\nldxdw %r0, [%r10-8]\nexit\n"
)

func mustAssemble(tb testing.TB, src string) []ebpf.Instruction {
	tb.Helper()
	insns, err := asm.Assemble(src)
	if err != nil {
		tb.Fatalf("assembling a seed: %v", err)
	}
	return insns
}
