// tailcall: a dispatcher that tail-calls into a BPF_MAP_TYPE_PROG_ARRAY
// slot chosen by the packet length; falls through to XDP_PASS when the slot
// is empty.
#include "bpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
	__uint(max_entries, 4);
} jump_table SEC(".maps");

SEC("xdp")
int xdp_dispatch(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	bpf_tail_call(ctx, &jump_table, len & 3);
	return XDP_PASS;
}

SEC("xdp")
int xdp_drop_all(struct xdp_md *ctx)
{
	return XDP_DROP;
}

char _license[] SEC("license") = "GPL";
