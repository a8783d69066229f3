package host

import (
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/asm"
)

// Test programs, verifier-clean so that the kernel runs them too
// (kernel_test.go). A map is named by an lddw of a test-only constant
// that pseudo turns into the loader's form: 0xf00d_SS_OOOOOO_IIII is
// pseudo source SS, map index IIII, offset OOOOOO into the value.

const (
	mapRef0   = "0xf00d010000000000" // map 0 (BPF_PSEUDO_MAP_FD form)
	mapRef1   = "0xf00d010000000001"
	mapValue0 = "0xf00d020000000000" // map 0's value, offset 0
)

// pseudo rewrites the test constants.
func pseudo(insns []ebpf.Instruction) []ebpf.Instruction {
	for i, ins := range insns {
		v := uint64(ins.Imm64)
		if !ins.IsLDDW() || v>>48 != 0xf00d {
			continue
		}
		idx, off := v&0xffff, v>>16&0xffffff
		insns[i].Src = uint8(v >> 40)
		insns[i].Imm64 = int64(off<<32 | idx)
		insns[i].Imm = int32(idx)
	}
	return insns
}

func assemble(t testing.TB, src string) []ebpf.Instruction {
	t.Helper()
	insns, err := asm.Assemble(src)
	if err != nil {
		t.Fatalf("assembling: %v\n%s", err, src)
	}
	return pseudo(insns)
}

// xdpBounds loads data into r2 and data_end into r3 and goes to out
// unless n bytes of packet are there; r6 keeps ctx.
func xdpBounds(n string) string {
	return `
	mov %r6, %r1
	ldxw %r2, [%r6+0]
	ldxw %r3, [%r6+4]
	mov %r4, %r2
	add %r4, ` + n + `
	jgt %r4, %r3, out
`
}

// countSrc counts packets per first byte of the EtherType in map 0 (an
// array of 256 u64) through bpf_map_lookup_elem; XDP_DROP below 14 bytes.
var countSrc = xdpBounds("14") + `
	ldxb %r5, [%r2+12]
	stxw [%r10-4], %r5
	mov %r2, %r10
	add %r2, -4
	lddw %r1, ` + mapRef0 + `
	call 1
	jeq %r0, 0, out
	ldxdw %r1, [%r0+0]
	add %r1, 1
	stxdw [%r0+0], %r1
	mov %r0, 2
	exit
out:
	mov %r0, 1
	exit
`

// adjustSrc: bpf_xdp_adjust_head by the packet's first s32, then
// bpf_xdp_adjust_tail by its second; both results into map 0's value
// (global data: BPF_PSEUDO_MAP_VALUE); then 0xee into the first byte of
// the packet as it is now. XDP_PASS.
var adjustSrc = xdpBounds("8") + `
	ldxw %r7, [%r2+0]
	ldxw %r8, [%r2+4]
	lddw %r9, ` + mapValue0 + `
	mov %r1, %r6
	mov %r2, %r7
	call 44
	stxdw [%r9+0], %r0
	mov %r1, %r6
	mov %r2, %r8
	call 65
	stxdw [%r9+8], %r0
	ldxw %r2, [%r6+0]
	ldxw %r3, [%r6+4]
	mov %r4, %r2
	add %r4, 1
	jgt %r4, %r3, out
	stb [%r2+0], 0xee
out:
	mov %r0, 2
	exit
`

// csumSrc: bpf_csum_diff(data+8, (b0&7)*4, data+36, (b1&7)*4, seed =
// the s32 at data+2) into map 0's value, and as r0.
var csumSrc = xdpBounds("64") + `
	mov %r9, %r2
	ldxb %r7, [%r9+0]
	and %r7, 7
	lsh %r7, 2
	ldxb %r8, [%r9+1]
	and %r8, 7
	lsh %r8, 2
	ldxw %r5, [%r9+2]
	mov %r1, %r9
	add %r1, 8
	mov %r2, %r7
	mov %r3, %r9
	add %r3, 36
	mov %r4, %r8
	call 28
	lddw %r1, ` + mapValue0 + `
	stxdw [%r1+0], %r0
	exit
out:
	mov %r0, 2
	exit
`

// csumSizesSrc: bpf_csum_diff(data, b0, data+256, b1*4, 0), sizes the
// kernel may refuse: r0.
var csumSizesSrc = xdpBounds("1276") + `
	mov %r9, %r2
	ldxb %r2, [%r9+0]
	ldxb %r4, [%r9+1]
	lsh %r4, 2
	mov %r1, %r9
	mov %r3, %r9
	add %r3, 256
	mov %r5, 0
	call 28
	exit
out:
	mov %r0, 2
	exit
`

// hashSrc: one map operation per packet on map 0 (a hash of u32 to u64):
// byte 1 picks update (0, flags = byte 2, value = byte 3), delete (1) or
// lookup (2: the value, or -1) of key byte 0; the result goes to map 1's
// value (global data). XDP_PASS.
var hashSrc = xdpBounds("14") + `
	ldxb %r5, [%r2+0]
	stxw [%r10-4], %r5
	ldxb %r5, [%r2+3]
	stxdw [%r10-16], %r5
	ldxb %r7, [%r2+1]
	ldxb %r4, [%r2+2]
	lddw %r1, ` + mapRef0 + `
	mov %r2, %r10
	add %r2, -4
	jeq %r7, 0, update
	jeq %r7, 1, delete
	call 1
	mov %r1, -1
	jeq %r0, 0, store1
	ldxdw %r1, [%r0+0]
store1:
	mov %r0, %r1
	ja store
update:
	mov %r3, %r10
	add %r3, -16
	call 2
	ja store
delete:
	call 3
store:
	lddw %r1, 0xf00d020000000001
	stxdw [%r1+0], %r0
out:
	mov %r0, 2
	exit
`

// redirectSrc: bpf_redirect(byte 0, byte 1).
var redirectSrc = xdpBounds("14") + `
	ldxb %r1, [%r2+0]
	ldxb %r2, [%r2+1]
	call 23
	exit
out:
	mov %r0, 0
	exit
`

// traceSrc: bpf_trace_printk(map 0's value, byte 0 & 63, the s32 at
// data+2, the u64 at data+6, data+14 as a pointer); r0 is the length.
var traceSrc = xdpBounds("14") + `
	mov %r9, %r2
	ldxb %r2, [%r9+0]
	and %r2, 63
	add %r2, 1
	ldxw %r3, [%r9+2]
	ldxdw %r4, [%r9+6]
	mov %r5, 0
	lddw %r1, ` + mapValue0 + `
	call 6
	exit
out:
	mov %r0, 0
	exit
`

// tailSrc counts its runs in map 1's value (global data) and tail-calls
// slot 0 of map 0 (a program array); XDP_PASS when the call fails.
var tailSrc = `
	lddw %r9, 0xf00d020000000001
	ldxdw %r2, [%r9+0]
	add %r2, 1
	stxdw [%r9+0], %r2
	lddw %r2, ` + mapRef0 + `
	mov %r3, 0
	call 12
	mov %r0, 2
	exit
`

// sfSrc, a socket filter: __sk_buff's len, pkt_type, protocol and ifindex,
// then legacy loads (which read from the network header), into map 0's
// value; keeps 24 bytes. A load past the packet ends it with r0 = 0.
var sfSrc = `
	mov %r6, %r1
	lddw %r9, ` + mapValue0 + `
	ldxw %r2, [%r6+0]
	stxdw [%r9+0], %r2
	ldxw %r2, [%r6+4]
	stxdw [%r9+8], %r2
	ldxw %r2, [%r6+16]
	stxdw [%r9+16], %r2
	ldxw %r2, [%r6+40]
	stxdw [%r9+24], %r2
	ldabsw 0
	stxdw [%r9+32], %r0
	mov %r7, 9
	ldindb %r7, 0
	stxdw [%r9+40], %r0
	ldabsh 45
	stxdw [%r9+48], %r0
	mov %r0, 24
	exit
`

// tcSrc, a TC program: flips bits of the IPv4 destination address in
// place, patches the IP checksum with bpf_l3_csum_replace and the UDP one
// with bpf_l4_csum_replace (BPF_F_PSEUDO_HDR | BPF_F_MARK_MANGLED_0),
// records both results and __sk_buff fields in map 0's value; r0 = len.
var tcSrc = `
	mov %r6, %r1
	lddw %r9, ` + mapValue0 + `
	ldxw %r2, [%r6+16]
	stxdw [%r9+16], %r2
	ldxw %r2, [%r6+4]
	stxdw [%r9+24], %r2
	ldxw %r2, [%r6+40]
	stxdw [%r9+32], %r2
	ldxw %r2, [%r6+76]
	ldxw %r3, [%r6+80]
	mov %r4, %r3
	sub %r4, %r2
	stxdw [%r9+40], %r4
	mov %r4, %r2
	add %r4, 42
	jgt %r4, %r3, out
	ldxw %r7, [%r2+30]
	mov %r8, %r7
	xor %r8, 0x5a5a
	stxw [%r2+30], %r8
	mov %r1, %r6
	mov %r2, 24
	mov %r3, %r7
	mov %r4, %r8
	mov %r5, 4
	call 10
	stxdw [%r9+0], %r0
	mov %r1, %r6
	mov %r2, 40
	mov %r3, %r7
	mov %r4, %r8
	mov %r5, 0x34
	call 11
	stxdw [%r9+8], %r0
out:
	ldxw %r0, [%r6+0]
	exit
`

// redirectTCSrc: bpf_redirect(byte 0, byte 1) from TC.
var redirectTCSrc = `
	mov %r6, %r1
	ldxw %r2, [%r6+76]
	ldxw %r3, [%r6+80]
	mov %r4, %r2
	add %r4, 2
	jgt %r4, %r3, out
	ldxb %r1, [%r2+0]
	ldxb %r2, [%r2+1]
	call 23
	exit
out:
	mov %r0, 0
	exit
`

// skbBytesSrc, TC: bpf_skb_load_bytes of 8 bytes at packet byte 0, then
// bpf_skb_store_bytes of 4 bytes at byte 1 with flags byte 2; results and
// the bytes loaded into map 0's value.
var skbBytesSrc = `
	mov %r6, %r1
	lddw %r9, ` + mapValue0 + `
	ldxw %r2, [%r6+76]
	ldxw %r3, [%r6+80]
	mov %r4, %r2
	add %r4, 3
	jgt %r4, %r3, out
	ldxb %r7, [%r2+0]
	ldxb %r8, [%r2+1]
	ldxb %r5, [%r2+2]
	stxdw [%r10-24], %r5
	mov %r1, %r6
	mov %r2, %r7
	mov %r3, %r10
	add %r3, -8
	mov %r4, 8
	call 26
	stxdw [%r9+0], %r0
	ldxdw %r1, [%r10-8]
	stxdw [%r9+8], %r1
	stdw [%r10-16], 0x5a5b5c5d
	mov %r1, %r6
	mov %r2, %r8
	mov %r3, %r10
	add %r3, -16
	mov %r4, 4
	ldxdw %r5, [%r10-24]
	call 9
	stxdw [%r9+16], %r0
out:
	mov %r0, 0
	exit
`

// sfLoadBytesSrc, a socket filter: bpf_skb_load_bytes of the last 8
// bytes it sees, then of 8 bytes one further (outside); results and bytes
// into map 0's value; keeps nothing.
var sfLoadBytesSrc = `
	mov %r6, %r1
	lddw %r9, ` + mapValue0 + `
	ldxw %r7, [%r6+0]
	sub %r7, 8
	mov %r1, %r6
	mov %r2, %r7
	mov %r3, %r10
	add %r3, -8
	mov %r4, 8
	call 26
	stxdw [%r9+0], %r0
	ldxdw %r1, [%r10-8]
	stxdw [%r9+8], %r1
	add %r7, 1
	mov %r1, %r6
	mov %r2, %r7
	mov %r3, %r10
	add %r3, -8
	mov %r4, 8
	call 26
	stxdw [%r9+16], %r0
	ldxdw %r1, [%r10-8]
	stxdw [%r9+24], %r1
	mov %r0, 0
	exit
`

// metaSrc: bpf_xdp_adjust_meta by the packet's first s32, a marker into
// the metadata if it has 4 bytes, bpf_xdp_adjust_head by the second s32
// (the metadata moves with data), then the marker read back and data -
// data_meta, all into map 0's value.
var metaSrc = xdpBounds("8") + `
	ldxw %r7, [%r2+0]
	ldxw %r8, [%r2+4]
	lddw %r9, ` + mapValue0 + `
	mov %r1, %r6
	mov %r2, %r7
	call 54
	stxdw [%r9+0], %r0
	ldxw %r2, [%r6+8]
	ldxw %r3, [%r6+0]
	mov %r4, %r2
	add %r4, 4
	jgt %r4, %r3, head
	stw [%r2+0], 0x11223344
head:
	mov %r1, %r6
	mov %r2, %r8
	call 44
	stxdw [%r9+8], %r0
	ldxw %r2, [%r6+8]
	ldxw %r3, [%r6+0]
	mov %r5, %r3
	sub %r5, %r2
	stxdw [%r9+24], %r5
	mov %r4, %r2
	add %r4, 4
	jgt %r4, %r3, out
	ldxw %r0, [%r2+0]
	stxdw [%r9+16], %r0
out:
	mov %r0, 2
	exit
`

// xdpBytesSrc: bpf_xdp_get_buff_len, then bpf_xdp_load_bytes of 8 bytes
// at offset byte 0 (into map 0's value at +8 when it succeeds) and
// bpf_xdp_store_bytes of 4 at offset byte 1; results into map 0's value.
var xdpBytesSrc = xdpBounds("2") + `
	ldxb %r7, [%r2+0]
	ldxb %r8, [%r2+1]
	lddw %r9, ` + mapValue0 + `
	mov %r1, %r6
	call 188
	stxdw [%r9+24], %r0
	mov %r1, %r6
	mov %r2, %r7
	mov %r3, %r10
	add %r3, -8
	mov %r4, 8
	call 189
	stxdw [%r9+0], %r0
	jne %r0, 0, store
	ldxdw %r1, [%r10-8]
	stxdw [%r9+8], %r1
store:
	stdw [%r10-16], 0x7a7b7c7d
	mov %r1, %r6
	mov %r2, %r8
	mov %r3, %r10
	add %r3, -16
	mov %r4, 4
	call 190
	stxdw [%r9+16], %r0
out:
	mov %r0, 2
	exit
`
