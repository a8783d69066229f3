// calls: bpf-to-bpf calls. Two programs share subprograms in .text:
// a chain (sum -> add_len -> clamp) and a function with several callers
// (clamp), with globals in .data, .bss and .rodata.
#include "bpf_helpers.h"

__u64 calls_total = 7;   // .data
__u32 calls_last;        // .bss
const volatile __u32 calls_limit = 1500; // .rodata

static __noinline __u32 clamp(__u32 v)
{
	if (v > calls_limit)
		return calls_limit;
	return v;
}

static __noinline __u32 add_len(__u32 acc, __u32 len)
{
	return clamp(acc + clamp(len));
}

static __noinline __u32 sum(struct xdp_md *ctx)
{
	__u32 len = ctx->data_end - ctx->data;
	__u32 acc = add_len(0, len);
	acc = add_len(acc, len / 2);
	calls_last = acc;
	calls_total += acc;
	return acc;
}

SEC("xdp")
int xdp_calls(struct xdp_md *ctx)
{
	return sum(ctx) > 100 ? XDP_PASS : XDP_DROP;
}

SEC("xdp")
int xdp_clamp_only(struct xdp_md *ctx)
{
	calls_last = clamp(ctx->data_end - ctx->data);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
