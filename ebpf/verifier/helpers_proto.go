package verifier

// Helper prototypes (the kernel's struct bpf_func_proto of each helper
// ebpf/host implements, and the program types whose get_func_proto offers
// it): what each argument register must hold and what r0 holds after.

import (
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// argType is enum bpf_arg_type, the kinds used here.
type argType uint8

const (
	argNone            argType = iota // DONTCARE: the argument list ended
	argAnything                       // any initialised value
	argConstMapPtr                    // a map (ld_imm64 of a map)
	argMapKey                         // pointer to key_size readable bytes
	argMapValue                       // pointer to value_size readable bytes
	argCtx                            // the context, unmodified
	argMem                            // pointer to readable memory, size in the next argument
	argMemOrNull                      // argMem, or NULL (with size 0)
	argUninitMem                      // pointer to writable memory, size in the next argument
	argConstSize                      // the size of the previous argument: known bounds, > 0
	argConstSizeOrZero                // the same, 0 allowed
	argAllocSizeOrZero                // a constant size to allocate
	argRingbufMem                     // a ring buffer reservation, released by the call
)

// retType is enum bpf_return_type.
type retType uint8

const (
	retInteger retType = iota
	retVoid
	retMapValueOrNull
	retMemOrNull // ring buffer reservation (acquires a reference)
)

type helperProto struct {
	name       string
	args       [5]argType
	ret        retType
	pktChanges bool              // bpf_helper_changes_pkt_data: packet pointers die
	types      []loader.ProgType // nil: every type here
	mapTypes   []maps.Type       // the map argument's allowed types (nil: any but ringbuf and prog array)
}

var (
	xdpOnly = []loader.ProgType{loader.XDP}
	tcOnly  = []loader.ProgType{loader.SchedCLS, loader.SchedACT}
	skbAll  = []loader.ProgType{loader.SchedCLS, loader.SchedACT, loader.SocketFilter}
	xdpTC   = []loader.ProgType{loader.XDP, loader.SchedCLS, loader.SchedACT}
	ringbuf = []maps.Type{maps.RingBuf}
)

var helperProtos = map[int32]helperProto{
	1:   {name: "bpf_map_lookup_elem", args: [5]argType{argConstMapPtr, argMapKey}, ret: retMapValueOrNull},
	2:   {name: "bpf_map_update_elem", args: [5]argType{argConstMapPtr, argMapKey, argMapValue, argAnything}},
	3:   {name: "bpf_map_delete_elem", args: [5]argType{argConstMapPtr, argMapKey}},
	5:   {name: "bpf_ktime_get_ns"},
	6:   {name: "bpf_trace_printk", args: [5]argType{argMem, argConstSize}},
	7:   {name: "bpf_get_prandom_u32"},
	8:   {name: "bpf_get_smp_processor_id"},
	9:   {name: "bpf_skb_store_bytes", args: [5]argType{argCtx, argAnything, argMem, argConstSize, argAnything}, pktChanges: true, types: tcOnly},
	10:  {name: "bpf_l3_csum_replace", args: [5]argType{argCtx, argAnything, argAnything, argAnything, argAnything}, pktChanges: true, types: tcOnly},
	11:  {name: "bpf_l4_csum_replace", args: [5]argType{argCtx, argAnything, argAnything, argAnything, argAnything}, pktChanges: true, types: tcOnly},
	12:  {name: "bpf_tail_call", args: [5]argType{argCtx, argConstMapPtr, argAnything}, ret: retVoid, mapTypes: []maps.Type{maps.ProgArray}},
	23:  {name: "bpf_redirect", args: [5]argType{argAnything, argAnything}, types: xdpTC},
	26:  {name: "bpf_skb_load_bytes", args: [5]argType{argCtx, argAnything, argUninitMem, argConstSize}, types: skbAll},
	28:  {name: "bpf_csum_diff", args: [5]argType{argMemOrNull, argConstSizeOrZero, argMemOrNull, argConstSizeOrZero, argAnything}, types: xdpTC},
	44:  {name: "bpf_xdp_adjust_head", args: [5]argType{argCtx, argAnything}, pktChanges: true, types: xdpOnly},
	54:  {name: "bpf_xdp_adjust_meta", args: [5]argType{argCtx, argAnything}, pktChanges: true, types: xdpOnly},
	65:  {name: "bpf_xdp_adjust_tail", args: [5]argType{argCtx, argAnything}, pktChanges: true, types: xdpOnly},
	125: {name: "bpf_ktime_get_boot_ns"},
	130: {name: "bpf_ringbuf_output", args: [5]argType{argConstMapPtr, argMem, argConstSizeOrZero, argAnything}, mapTypes: ringbuf},
	131: {name: "bpf_ringbuf_reserve", args: [5]argType{argConstMapPtr, argAllocSizeOrZero, argAnything}, ret: retMemOrNull, mapTypes: ringbuf},
	132: {name: "bpf_ringbuf_submit", args: [5]argType{argRingbufMem, argAnything}, ret: retVoid},
	133: {name: "bpf_ringbuf_discard", args: [5]argType{argRingbufMem, argAnything}, ret: retVoid},
	134: {name: "bpf_ringbuf_query", args: [5]argType{argConstMapPtr, argAnything}, mapTypes: ringbuf},
	188: {name: "bpf_xdp_get_buff_len", args: [5]argType{argCtx}, types: xdpOnly},
	189: {name: "bpf_xdp_load_bytes", args: [5]argType{argCtx, argAnything, argUninitMem, argConstSize}, types: xdpOnly},
	190: {name: "bpf_xdp_store_bytes", args: [5]argType{argCtx, argAnything, argMem, argConstSize}, types: xdpOnly},
	195: {name: "bpf_map_lookup_percpu_elem", args: [5]argType{argConstMapPtr, argMapKey, argAnything}, ret: retMapValueOrNull},
}

// allowed reports whether programs of type t may call p.
func (p helperProto) allowed(t loader.ProgType) bool {
	if p.types == nil {
		return true
	}
	for _, x := range p.types {
		if x == t {
			return true
		}
	}
	return false
}

// mapAllowed is check_map_func_compatibility in both directions: ring
// buffers and program arrays go only to their own helpers.
func (p helperProto) mapAllowed(t maps.Type) bool {
	if p.mapTypes != nil {
		for _, x := range p.mapTypes {
			if x == t {
				return true
			}
		}
		return false
	}
	return t != maps.RingBuf && t != maps.ProgArray
}
