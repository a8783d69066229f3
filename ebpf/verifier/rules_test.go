package verifier

import (
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// The maps the rule programs name: "lddw %r1, MAP0" (see assemble).
var ruleMaps = []maps.Spec{
	{Name: "hash", Type: maps.Hash, KeySize: 4, ValueSize: 8, MaxEntries: 16},
	{Name: "array", Type: maps.Array, KeySize: 4, ValueSize: 16, MaxEntries: 4},
	{Name: "events", Type: maps.RingBuf, MaxEntries: 4096},
	{Name: "jumps", Type: maps.ProgArray, KeySize: 4, ValueSize: 4, MaxEntries: 4},
	{Name: "rodata", Type: maps.Array, KeySize: 4, ValueSize: 32, MaxEntries: 1, Flags: loader.FlagRDOnlyProg},
	{Name: "data", Type: maps.Array, KeySize: 4, ValueSize: 16, MaxEntries: 1},
}

// assemble assembles src, where "MAPn" is a reference to ruleMaps[n] and
// "VALn+off" a reference to byte off of its first value.
func assemble(t testing.TB, src string) []ebpf.Instruction {
	t.Helper()
	refs := map[int64][2]int64{}
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		for _, kind := range []struct {
			word string
			src  int64
		}{{"MAP", ebpf.PseudoMapFD}, {"VAL", ebpf.PseudoMapValue}} {
			at := strings.Index(l, kind.word)
			if at < 0 {
				continue
			}
			var m, off int64
			rest := l[at+3:]
			m = int64(rest[0] - '0')
			if plus := strings.Index(rest, "+"); plus > 0 {
				for _, c := range rest[plus+1:] {
					off = off*10 + int64(c-'0')
				}
			}
			marker := int64(0x7a00_0000+i) << 8
			refs[marker] = [2]int64{kind.src, m | off<<32}
			lines[i] = l[:at] + "0x" + strings.TrimLeft(strings.ToLower(hex(marker)), "0")
		}
	}
	insns, err := asm.Assemble(strings.Join(lines, "\n"))
	if err != nil {
		t.Fatalf("assembling:\n%s\n%v", src, err)
	}
	for i := range insns {
		if r, ok := refs[insns[i].Imm64]; ok && insns[i].IsLDDW() {
			insns[i].Src = uint8(r[0])
			insns[i].Imm64 = r[1]
			insns[i].Imm = int32(uint32(r[1]))
		}
	}
	return insns
}

func hex(v int64) string {
	const digits = "0123456789abcdef"
	var b []byte
	for i := 60; i >= 0; i -= 4 {
		b = append(b, digits[(v>>i)&0xf])
	}
	return string(b)
}

// ruleCase is a program, its type, and the verdict: want "" accepts,
// else the reason (a prefix of it) and the instruction index.
type ruleCase struct {
	name   string
	typ    loader.ProgType
	src    string
	want   string
	insn   int
	unpriv bool
}

const lookup = `
	stw [%r10-4], 0
	mov %r2, %r10
	add %r2, -4
	lddw %r1, MAP0
	call 1
`

const pktCheck = `
	ldxw %r2, [%r1+0]
	ldxw %r3, [%r1+4]
	mov %r4, %r2
	add %r4, 14
	jgt %r4, %r3, out
`

var ruleCases = []ruleCase{
	// registers
	{name: "return 0", src: "mov %r0, 0\nexit"},
	{name: "r0 not initialised at exit", src: "exit", want: "R0 !read_ok", insn: 0},
	{name: "read of an uninitialised register", src: "mov %r0, %r2\nexit", want: "R2 !read_ok", insn: 0},
	{name: "scalar dereference", src: "mov %r1, 0\nldxw %r0, [%r1+0]\nexit", want: "R1 invalid mem access 'scalar'", insn: 1},
	{name: "r10 plus constant is a stack pointer", src: "mov %r1, %r10\nadd %r1, -8\nstdw [%r1+0], 7\nldxdw %r0, [%r1+0]\nexit"},

	// ALU
	{name: "div by zero immediate", src: "mov %r0, 1\ndiv %r0, 0\nexit", want: "div by zero", insn: 1},
	{name: "mod by zero immediate", src: "mov %r0, 1\nmod32 %r0, 0\nexit", want: "div by zero", insn: 1},
	{name: "div by zero register is defined", src: "mov %r0, 1\nmov %r1, 0\ndiv %r0, %r1\nmod %r0, %r1\nexit"},
	{name: "shift by the width", src: "mov %r0, 1\nlsh %r0, 64\nexit", want: "invalid shift 64", insn: 1},
	{name: "shift32 by 32", src: "mov %r0, 1\nrsh32 %r0, 32\nexit", want: "invalid shift 32", insn: 1},
	// a register shift by the width or more is defined, but its result
	// unknown to the verifier: here a helper size that may be 0
	{name: "shift by a register of 64 gives an unknown", src: "mov %r6, %r1\nmov %r3, 52\nmov %r2, 64\nrsh %r3, %r2\nand %r3, 15\nmov %r1, %r6\nmov %r2, 0\nmov %r4, %r3\nmov %r3, %r10\nadd %r3, -16\ncall 190\nmov %r0, 0\nexit",
		want: "R4 invalid zero-sized read: u64=[0,15]", insn: 10},
	{name: "bitwise on a pointer", src: "and %r1, 1\nmov %r0, 0\nexit", want: "R1 bitwise operator &= on pointer prohibited", insn: 0},
	{name: "mul on a pointer", src: "mul %r1, 2\nmov %r0, 0\nexit", want: "R1 pointer arithmetic with *= operator prohibited", insn: 0},
	{name: "32-bit pointer arithmetic", src: "add32 %r1, 1\nmov %r0, 0\nexit", want: "R1 32-bit pointer arithmetic prohibited", insn: 0},
	{name: "scalar minus pointer", src: "mov %r0, 0\nsub %r0, %r1\nexit", want: "R0 tried to subtract pointer from scalar", insn: 1},
	{name: "pointer minus pointer is a number for root", src: "mov %r0, %r10\nsub %r0, %r1\nexit"},

	// control flow
	{name: "unreachable instruction", src: "mov %r0, 0\nexit\nmov %r0, 1\nexit", want: "unreachable insn 2", insn: 2},
	{name: "bounded loop", src: "mov %r0, 0\nloop:\nadd %r0, 1\njlt %r0, 10, loop\nexit"},
	{name: "loop that never changes its state", src: "mov %r0, 0\nloop:\njeq %r0, 0, loop\nexit", want: "infinite loop detected at insn 1", insn: 1},
	{name: "dead branch by value", src: "mov %r0, 1\njeq %r0, 1, +1\nldxw %r0, [%r0+0]\nexit"},
	{name: "branch refines bounds", src: "call 7\nmov %r1, %r10\nadd %r1, -16\njgt %r0, 7, +3\nadd %r1, %r0\nldxb %r0, [%r1+0]\nexit\nmov %r0, 0\nexit"},
	{name: "branch bounds one side only", src: "call 7\nmov %r1, %r10\nadd %r1, -16\njgt %r0, 7, +3\nadd %r1, %r0\nldxb %r0, [%r1+16]\nexit\nmov %r0, 0\nexit", want: "invalid variable-offset read from stack", insn: 5},

	// stack
	{name: "stack write and read", src: "stdw [%r10-8], 1\nldxdw %r0, [%r10-8]\nexit"},
	{name: "stack write below the frame", src: "stw [%r10-516], 1\nmov %r0, 0\nexit", want: "invalid write to stack R10 off=-516 size=4", insn: 0},
	{name: "stack read above fp", src: "ldxdw %r0, [%r10+0]\nexit", want: "invalid read from stack R10 off=0 size=8", insn: 0},
	{name: "misaligned stack access", src: "stdw [%r10-8], 0\nldxw %r0, [%r10-6]\nexit", want: "misaligned stack access", insn: 1},
	{name: "uninitialised stack read as root", src: "ldxdw %r0, [%r10-8]\nexit"},
	{name: "uninitialised stack read unprivileged", src: "ldxdw %r0, [%r10-8]\nexit", want: "invalid read from stack off -8+0 size 8", insn: 0, unpriv: true},
	{name: "spill and fill a pointer", src: "stxdw [%r10-8], %r1\nldxdw %r2, [%r10-8]\nldxw %r0, [%r2+12]\nexit"},
	{name: "partial fill of a pointer", src: "stxdw [%r10-8], %r1\nldxw %r0, [%r10-8]\nexit", want: "invalid size of register fill", insn: 1},
	{name: "partial spill of a pointer", src: "stxw [%r10-8], %r1\nmov %r0, 0\nexit", want: "invalid size of register spill", insn: 0},
	{name: "narrow immediate store keeps its constant", src: "stb [%r10-8], 2\nldxb %r1, [%r10-8]\njeq %r1, 2, +1\nmov %r0, %r3\nmov %r0, 0\nexit"},
	{name: "narrow register store keeps its number", src: "mov %r1, 7\nstxw [%r10-8], %r1\nldxw %r2, [%r10-8]\njeq %r2, 7, +1\nmov %r0, %r3\nmov %r0, 0\nexit"},
	{name: "load wider than a scrubbed narrow spill is unknown", src: "stw [%r10-8], 0\nstw [%r10-4], 0\nldxdw %r1, [%r10-8]\njeq %r1, 0, +1\nmov %r0, %r3\nmov %r0, 0\nexit", want: "R3 !read_ok", insn: 4},
	{name: "bytes of a narrowly spilled zero read as zero", src: "stw [%r10-8], 0\nldxh %r1, [%r10-6]\njeq %r1, 0, +1\nmov %r0, %r3\nmov %r0, 0\nexit"},
	{name: "byte of a narrow spill above the load is unknown", src: "stb [%r10-8], 1\nldxh %r1, [%r10-8]\njeq %r1, 1, +1\nmov %r0, %r3\nmov %r0, 0\nexit", want: "R3 !read_ok", insn: 3},
	{name: "spilled number keeps its bounds", src: "mov %r1, 3\nstxdw [%r10-16], %r1\nldxdw %r2, [%r10-16]\nmov %r3, %r10\nadd %r3, %r2\nldxb %r0, [%r3-8]\nexit"},

	// context
	{name: "xdp reads ingress_ifindex", src: "ldxw %r0, [%r1+12]\nexit"},
	{name: "xdp narrow context read", src: "ldxb %r0, [%r1+12]\nexit", want: "invalid bpf_context access off=12 size=1", insn: 0},
	{name: "xdp egress_ifindex", src: "ldxw %r0, [%r1+20]\nexit", want: "invalid bpf_context access off=20 size=4", insn: 0},
	{name: "xdp context past its end", src: "ldxw %r0, [%r1+24]\nexit", want: "invalid bpf_context access off=24 size=4", insn: 0},
	{name: "xdp context write", src: "mov %r2, 0\nstxw [%r1+12], %r2\nmov %r0, 0\nexit", want: "invalid bpf_context access off=12 size=4", insn: 1},
	{name: "st into context", src: "stw [%r1+12], 0\nmov %r0, 0\nexit", want: "invalid bpf_context access off=12 size=4", insn: 0},
	{name: "st into a tc context", typ: loader.SchedCLS, src: "stw [%r1+8], 0\nmov %r0, 0\nexit"},
	{name: "direct value of a multi-entry array", src: "lddw %r1, VAL1+0\nmov %r0, 0\nexit", want: "invalid access to map value pointer", insn: 0},
	{name: "subtraction from the stack pointer", src: "mov %r1, %r10\nsub %r1, 8\nmov %r0, 0\nexit", want: "R1 subtraction from stack pointer prohibited", insn: 1},
	{name: "modified context pointer", src: "add %r1, 4\nldxw %r0, [%r1+0]\nexit", want: "dereference of modified ctx ptr R1 off=4 disallowed", insn: 1},
	{name: "socket filter reads len narrowly", typ: loader.SocketFilter, src: "ldxb %r0, [%r1+0]\nldxh %r0, [%r1+2]\nexit"},
	{name: "socket filter writes cb", typ: loader.SocketFilter, src: "mov %r2, 1\nstxw [%r1+48], %r2\nmov %r0, 0\nexit"},
	{name: "socket filter writes mark", typ: loader.SocketFilter, src: "mov %r2, 1\nstxw [%r1+8], %r2\nmov %r0, 0\nexit", want: "invalid bpf_context access off=8 size=4", insn: 1},
	{name: "socket filter reads data", typ: loader.SocketFilter, src: "ldxw %r0, [%r1+76]\nexit", want: "invalid bpf_context access off=76 size=4", insn: 0},
	{name: "tc writes mark", typ: loader.SchedCLS, src: "mov %r2, 1\nstxw [%r1+8], %r2\nmov %r0, 0\nexit"},
	{name: "tc reads tstamp", typ: loader.SchedCLS, src: "ldxdw %r0, [%r1+152]\nexit"},

	// packet
	{name: "packet read without a check", src: "ldxw %r2, [%r1+0]\nldxb %r0, [%r2+0]\nexit", want: "invalid access to packet, off=0 size=1, R2(id=0,off=0,r=0)", insn: 1},
	{name: "packet read after a check", src: pktCheck + "ldxb %r0, [%r2+13]\nexit\nout:\nmov %r0, 0\nexit"},
	{name: "packet read one past the check", src: pktCheck + "ldxb %r0, [%r2+14]\nexit\nout:\nmov %r0, 0\nexit", want: "invalid access to packet, off=14 size=1, R2(id=0,off=14,r=14)", insn: 5},
	{name: "packet check on the wrong edge", src: "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, +2\nmov %r0, 0\nexit\nldxb %r0, [%r2+0]\nexit", want: "invalid access to packet", insn: 7},
	{name: "packet check with end on the left", src: "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r4, %r2\nadd %r4, 8\njlt %r3, %r4, +2\nldxdw %r0, [%r2+0]\nexit\nmov %r0, 0\nexit"},
	{name: "packet write after a check", src: pktCheck + "stb [%r2+0], 1\nmov %r0, 2\nexit\nout:\nmov %r0, 0\nexit"},
	{name: "packet variable offset", src: pktCheck + "ldxb %r5, [%r2+0]\nand %r5, 63\nmov %r6, %r2\nadd %r6, %r5\nmov %r7, %r6\nadd %r7, 2\njgt %r7, %r3, out\nldxh %r0, [%r6+0]\nexit\nout:\nmov %r0, 0\nexit"},
	{name: "packet variable offset without its check", src: pktCheck + "ldxb %r5, [%r2+0]\nand %r5, 63\nadd %r2, %r5\nldxb %r0, [%r2+0]\nexit\nout:\nmov %r0, 0\nexit", want: "invalid access to packet", insn: 8},
	{name: "pkt_end arithmetic", src: "ldxw %r3, [%r1+4]\nadd %r3, 1\nmov %r0, 0\nexit", want: "R3 pointer arithmetic on pkt_end prohibited", insn: 1},
	{name: "pkt_end dereference", src: "ldxw %r3, [%r1+4]\nldxb %r0, [%r3+0]\nexit", want: "R3 invalid mem access 'pkt_end'", insn: 1},
	{name: "packet pointers die at adjust_head", src: pktCheck + "mov %r6, %r2\nmov %r2, 0\ncall 44\nldxb %r0, [%r6+0]\nexit\nout:\nmov %r0, 0\nexit", want: "R6 invalid mem access 'scalar'", insn: 8},
	{name: "packet length by subtraction", src: "ldxw %r2, [%r1+0]\nldxw %r3, [%r1+4]\nmov %r0, %r3\nsub %r0, %r2\nexit"},
	{name: "tc packet read after a check", typ: loader.SchedCLS, src: "ldxw %r2, [%r1+76]\nldxw %r3, [%r1+80]\nmov %r4, %r2\nadd %r4, 14\njgt %r4, %r3, +2\nldxb %r0, [%r2+12]\nexit\nmov %r0, 0\nexit"},
	{name: "packet metadata checked against data", src: "ldxw %r2, [%r1+8]\nldxw %r3, [%r1+0]\nmov %r4, %r2\nadd %r4, 4\njgt %r4, %r3, +2\nldxw %r0, [%r2+0]\nexit\nmov %r0, 0\nexit"},

	// maps
	{name: "map lookup and null check", src: lookup + "jeq %r0, 0, +1\nldxdw %r0, [%r0+0]\nexit"},
	{name: "map value without its null check", src: lookup + "ldxdw %r0, [%r0+0]\nexit", want: "R0 invalid mem access 'map_value_or_null'", insn: 5},
	{name: "null check through a copy", src: lookup + "mov %r6, %r0\njne %r0, 0, +2\nmov %r0, 0\nexit\nldxdw %r0, [%r6+0]\nexit"},
	{name: "a stack pointer compared with 0 takes both edges", src: "mov %r2, %r10\njeq %r2, 0, +2\nmov %r0, 0\nexit\nmov %r0, %r3\nexit", want: "R3 !read_ok", insn: 4},
	{name: "a packet pointer compared with 0 takes both edges", src: "ldxw %r2, [%r1+0]\njne %r2, 0, +1\nmov %r0, %r3\nmov %r0, 0\nexit", want: "R3 !read_ok", insn: 2},
	{name: "a checked map value compared with 0 is decided", src: lookup + "jeq %r0, 0, +3\njne %r0, 0, +1\nmov %r0, %r3\nmov %r0, 0\nexit"},
	{name: "null check decides on the null edge", src: lookup + "jne %r0, 0, +2\nldxdw %r0, [%r0+0]\nexit\nmov %r0, 0\nexit", want: "R0 invalid mem access 'scalar'", insn: 6},
	{name: "map value past its size", src: lookup + "jeq %r0, 0, +1\nldxdw %r0, [%r0+8]\nexit", want: "invalid access to map value, value_size=8 off=8 size=8", insn: 6},
	{name: "map value negative offset", src: lookup + "jeq %r0, 0, +1\nldxb %r0, [%r0-1]\nexit", want: "invalid access to map value, value_size=8 off=-1 size=1", insn: 6},
	{name: "map value bounded index", src: lookup + "jeq %r0, 0, +4\nldxw %r1, [%r0+0]\nand %r1, 7\nadd %r0, %r1\nldxb %r0, [%r0+0]\nexit"},
	{name: "map value unbounded index", src: lookup + "jeq %r0, 0, +4\nldxw %r1, [%r0+0]\nadd %r0, %r1\nldxb %r0, [%r0+0]\nexit\nexit", want: "R0 unbounded memory access", insn: 8},
	{name: "bound through a copy of the index", src: lookup + "jeq %r0, 0, +5\nldxw %r1, [%r0+0]\nmov %r2, %r1\njgt %r2, 7, +2\nadd %r0, %r1\nldxb %r0, [%r0+0]\nexit"},
	{name: "map pointer argument missing", src: "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nmov %r1, 0\ncall 1\nmov %r0, 0\nexit", want: "R1 type=scalar expected=map_ptr", insn: 4},
	{name: "map key outside the stack", src: "mov %r2, %r10\nlddw %r1, MAP0\ncall 1\nmov %r0, 0\nexit", want: "invalid read from stack R2 off=0 size=4", insn: 2},
	{name: "map key uninitialised as root", src: "mov %r2, %r10\nadd %r2, -4\nlddw %r1, MAP0\ncall 1\nmov %r0, 0\nexit"},
	{name: "map update from the stack", src: "stw [%r10-4], 0\nstdw [%r10-16], 5\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 0\nlddw %r1, MAP0\ncall 2\nexit"},
	{name: "map value too small on the stack", src: "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nmov %r3, %r10\nadd %r3, -4\nmov %r4, 0\nlddw %r1, MAP1\ncall 2\nexit", want: "invalid read from stack R3 off=-4 size=16", insn: 7},
	{name: "lookup in a ring buffer", src: "stw [%r10-4], 0\nmov %r2, %r10\nadd %r2, -4\nlddw %r1, MAP2\ncall 1\nmov %r0, 0\nexit", want: "cannot pass map_type 27 into func bpf_map_lookup_elem#1", insn: 4},
	{name: "map pointer arithmetic", src: "lddw %r1, MAP0\nadd %r1, 8\nmov %r0, 0\nexit", want: "R1 pointer arithmetic on map_ptr prohibited", insn: 1},
	{name: "direct value access", src: "lddw %r1, VAL5+8\nldxdw %r0, [%r1+0]\nexit"},
	{name: "direct value past the end", src: "lddw %r1, VAL5+8\nldxdw %r0, [%r1+8]\nexit", want: "invalid access to map value, value_size=16 off=16 size=8", insn: 1},
	{name: "write into a read-only map", src: "lddw %r1, VAL4+0\nstw [%r1+0], 1\nmov %r0, 0\nexit", want: "write into map forbidden", insn: 1},
	{name: "store a pointer into a map value as root", src: lookup + "jeq %r0, 0, +1\nstxdw [%r0+0], %r10\nmov %r0, 0\nexit"},

	// helpers and references
	{name: "caller-saved registers after a helper", src: "call 5\nmov %r0, %r1\nexit", want: "R1 !read_ok", insn: 1},
	{name: "unknown helper", src: "call 9999\nexit", want: "invalid func unknown#9999", insn: 0},
	{name: "xdp helper in a socket filter", typ: loader.SocketFilter, src: "mov %r2, 0\ncall 44\nexit", want: "program of this type cannot use helper bpf_xdp_adjust_head#44", insn: 1},
	{name: "context argument not the context", src: "mov %r1, 0\nmov %r2, 0\ncall 44\nexit", want: "R1 type=scalar expected=ctx", insn: 2},
	{name: "tail call", src: "lddw %r2, MAP3\nmov %r3, 0\ncall 12\nmov %r0, 0\nexit"},
	{name: "ring buffer reserve and submit", src: "lddw %r1, MAP2\nmov %r2, 16\nmov %r3, 0\ncall 131\njeq %r0, 0, +4\nstdw [%r0+8], 1\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit"},
	{name: "ring buffer reservation leaked", src: "lddw %r1, MAP2\nmov %r2, 16\nmov %r3, 0\ncall 131\njeq %r0, 0, +1\nmov %r0, 0\nexit", want: "BPF_EXIT instruction in main prog would lead to reference leak", insn: 6},
	{name: "ring buffer write past the reservation", src: "lddw %r1, MAP2\nmov %r2, 16\nmov %r3, 0\ncall 131\njeq %r0, 0, +5\nstdw [%r0+16], 1\nmov %r1, %r0\nmov %r2, 0\ncall 132\nmov %r0, 0\nexit", want: "invalid access to memory, mem_size=16 off=16 size=8", insn: 5},
	{name: "ring buffer size not constant", src: "call 7\nmov %r2, %r0\nlddw %r1, MAP2\nmov %r3, 0\ncall 131\nmov %r0, 0\nexit", want: "R2 is not a known constant'", insn: 4},
	{name: "ringbuf output from the stack", src: "stdw [%r10-8], 1\nlddw %r1, MAP2\nmov %r2, %r10\nadd %r2, -8\nmov %r3, 8\nmov %r4, 0\ncall 130\nexit"},
	{name: "helper size zero", src: "mov %r2, 0\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 0\ncall 189\nexit", want: "R4 invalid zero-sized read", insn: 4},
	{name: "xdp_load_bytes into the stack", src: "mov %r2, 0\nmov %r3, %r10\nadd %r3, -16\nmov %r4, 16\ncall 189\nldxdw %r0, [%r10-16]\nexit"},
	{name: "xdp_load_bytes size unbounded", src: "mov %r6, %r1\ncall 7\nmov %r4, %r0\nmov %r1, %r6\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\ncall 189\nexit", want: "R4 min value is negative", insn: 7},
	{name: "xdp_load_bytes size bounded", src: "mov %r6, %r1\ncall 7\nmov %r4, %r0\nand %r4, 15\nadd %r4, 1\nmov %r1, %r6\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\ncall 189\nexit"},
	{name: "xdp_load_bytes size past the buffer", src: "mov %r6, %r1\ncall 7\nmov %r4, %r0\nand %r4, 31\nadd %r4, 1\nmov %r1, %r6\nmov %r2, 0\nmov %r3, %r10\nadd %r3, -16\ncall 189\nexit", want: "invalid write to stack R3 off=-16 size=32", insn: 9},
	{name: "ringbuf output of a number with size 0", src: "lddw %r1, MAP2\nmov %r2, 5\nmov %r3, 0\nmov %r4, 0\ncall 130\nexit", want: "R2 type=scalar expected=fp, pkt, pkt_meta, map_key, map_value, mem, ringbuf_mem, buf, trusted_ptr_", insn: 4},
	{name: "csum_diff with NULL", src: "mov %r1, 0\nmov %r2, 0\nstdw [%r10-8], 0\nmov %r3, %r10\nadd %r3, -8\nmov %r4, 8\nmov %r5, 0\ncall 28\nexit"},

	// legacy packet loads
	{name: "ld_abs in a socket filter", typ: loader.SocketFilter, src: "mov %r6, %r1\nldabsb 12\nexit"},
	{name: "ld_abs in xdp", src: "mov %r6, %r1\nldabsb 12\nexit", want: "BPF_LD_[ABS|IND] instructions not allowed for this program type", insn: 1},

	// return values and atomics
	{name: "xdp returns any number", src: "mov %r0, 100\nexit"},
	{name: "socket filter returns a pointer as root", typ: loader.SocketFilter, src: "mov %r0, %r10\nexit"},
	{name: "atomic add on the stack", src: "stdw [%r10-8], 0\nmov %r1, 1\nlock add [%r10-8], %r1\nlock fetch add [%r10-8], %r1\nmov %r0, %r1\nexit"},
	{name: "atomic on a map value", src: lookup + "jeq %r0, 0, +3\nmov %r1, 1\nlock xchg [%r0+0], %r1\nmov %r0, %r1\nexit"},
	{name: "atomic on the context", src: "mov %r2, 1\nlock add32 [%r1+12], %r2\nmov %r0, 0\nexit", want: "BPF_ATOMIC stores into R1 ctx is not allowed", insn: 1},
	{name: "atomic cmpxchg reads r0", src: "stdw [%r10-8], 0\nmov %r1, 1\nlock cmpxchg [%r10-8], %r1\nexit", want: "R0 !read_ok", insn: 2},
	{name: "sign-extending move and byte swap", src: "mov %r0, 200\nmovsx864 %r0, %r0\nbe16 %r0\nbswap64 %r0\nexit"},
	{name: "variable-offset stack write then read", src: "call 7\nand %r0, 15\nmov %r1, %r10\nadd %r1, -32\nadd %r1, %r0\nstb [%r1+0], 1\nldxb %r0, [%r1+0]\nexit"},
	{name: "variable-offset stack pointer spilled", src: "call 7\nand %r0, 8\nmov %r1, %r10\nadd %r1, -32\nadd %r1, %r0\nstxdw [%r1+0], %r10\nldxdw %r0, [%r10-32]\nexit"},
	{name: "variable-offset stack pointer spilled unprivileged", unpriv: true, src: "call 7\nand %r0, 8\nmov %r1, %r10\nadd %r1, -32\nadd %r1, %r0\nstdw [%r10-32], 0\nstdw [%r10-24], 0\nstxdw [%r1+0], %r10\nmov %r0, 0\nexit", want: "spilled ptr in range of var-offset stack write", insn: 7},
	{name: "ld_ind without the skb in r6", typ: loader.SchedCLS, src: "mov %r7, 0\nldindw %r7, 2\nexit", want: "at the time of BPF_LD_ABS|IND R6 != pointer to skb", insn: 1},
	{name: "tail call holding a reference", src: "mov %r6, %r1\nlddw %r1, MAP2\nmov %r2, 8\nmov %r3, 0\ncall 131\nmov %r7, %r0\nmov %r1, %r6\nlddw %r2, MAP3\nmov %r3, 0\ncall 12\njeq %r7, 0, +3\nmov %r1, %r7\nmov %r2, 0\ncall 133\nmov %r0, 0\nexit", want: "tail_call would lead to reference leak", insn: 9},
	{name: "pointer compared with a number", src: "ldxw %r2, [%r1+0]\nmov %r0, 0\njgt %r2, 1000, +1\nmov %r0, 1\nexit"},
	{name: "jmp32 on a map value or null", src: lookup + "jeq32 %r0, 0, +1\nldxdw %r0, [%r0+0]\nmov %r0, 0\nexit", want: "R0 invalid mem access 'map_value_or_null'", insn: 6},

	// bpf-to-bpf calls
	{name: "call passes r1", src: "mov %r1, 5\ncall local f\nexit\nf:\nmov %r0, %r1\nexit"},
	{name: "callee reads the caller's r6", src: "mov %r6, 5\ncall local f\nexit\nf:\nmov %r0, %r6\nexit", want: "R6 !read_ok", insn: 3},
	{name: "caller reads r1 after a call", src: "mov %r1, 5\ncall local f\nmov %r0, %r1\nexit\nf:\nmov %r0, 0\nexit", want: "R1 !read_ok", insn: 2},
	{name: "r6 survives a call", src: "mov %r6, 5\ncall local f\nmov %r0, %r6\nexit\nf:\nmov %r6, 1\nmov %r0, 0\nexit"},
	{name: "callee writes the caller's stack", src: "mov %r1, %r10\nadd %r1, -8\ncall local f\nldxdw %r0, [%r10-8]\nexit\nf:\nstdw [%r1+0], 3\nmov %r0, 0\nexit"},
	{name: "callee spills its stack pointer into the caller's stack", src: "mov %r1, %r10\nadd %r1, -8\ncall local f\nmov %r0, 0\nexit\nf:\nstxdw [%r1+0], %r10\nmov %r0, 0\nexit", want: "cannot spill pointers to stack into stack frame of the caller", insn: 5},
	{name: "stack pointer returned to the caller", src: "call local f\nexit\nf:\nmov %r0, %r10\nexit", want: "cannot return stack pointer to the caller", insn: 3},
	{name: "call chain too deep", src: "call local f1\nexit\nf1:\ncall local f2\nexit\nf2:\ncall local f3\nexit\nf3:\ncall local f4\nexit\nf4:\ncall local f5\nexit\nf5:\ncall local f6\nexit\nf6:\ncall local f7\nexit\nf7:\ncall local f8\nexit\nf8:\nmov %r0, 0\nexit", want: "the call stack of 9 frames is too deep", insn: 14},
	{name: "combined stack too large", src: "stdw [%r10-256], 0\ncall local f\nexit\nf:\nstdw [%r10-272], 0\nmov %r0, 0\nexit", want: "combined stack size of 2 calls is 528. Too large", insn: 3},
}

func (c ruleCase) options() Options {
	typ := c.typ
	if typ == 0 {
		typ = loader.XDP
	}
	return Options{ProgType: typ, Maps: ruleMaps, LogLevel: 2, MaxInsns: 100_000, Unprivileged: c.unpriv}
}

// TestRules checks each rule program's verdict: accepted, or rejected at
// the expected instruction for the expected reason.
func TestRules(t *testing.T) {
	for _, c := range ruleCases {
		t.Run(c.name, func(t *testing.T) {
			insns := assemble(t, c.src)
			res, err := Verify(insns, c.options())
			if c.want == "" {
				if err != nil {
					t.Fatalf("rejected: %v\n%s", err, err.(*RejectError).Log)
				}
				if res.Processed == 0 {
					t.Fatal("accepted with no instruction processed")
				}
				return
			}
			re, ok := err.(*RejectError)
			if !ok {
				t.Fatalf("accepted (%v), want %q at insn %d", err, c.want, c.insn)
			}
			if !strings.HasPrefix(re.Reason, c.want) || re.Insn != c.insn {
				t.Fatalf("rejected with %q at insn %d, want %q at insn %d\n%s", re.Reason, re.Insn, c.want, c.insn, re.Log)
			}
			if !strings.Contains(re.Log, re.Reason) {
				t.Errorf("the log does not carry the reason:\n%s", re.Log)
			}
		})
	}
}
