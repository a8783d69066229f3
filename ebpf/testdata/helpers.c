// helpers: one XDP program per group of helpers the engines must provide:
// time and randomness, trace_printk, adjust_head/tail, csum_diff, redirect,
// an LPM trie, a ring buffer and an LRU hash.
#include "bpf_helpers.h"

struct lpm_key {
	__u32 prefixlen;
	__u32 addr;
};

struct {
	__uint(type, BPF_MAP_TYPE_LPM_TRIE);
	__type(key, struct lpm_key);
	__type(value, __u32);
	__uint(max_entries, 64);
	__uint(map_flags, BPF_F_NO_PREALLOC);
} routes SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 32);
} recent SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} events SEC(".maps");

struct event {
	__u64 ts;
	__u32 len;
	__u32 rnd;
};

SEC("xdp")
int xdp_time_rand(struct xdp_md *ctx)
{
	__u64 t = bpf_ktime_get_ns();
	__u32 r = bpf_get_prandom_u32();
	const char fmt[] = "t=%llu r=%u\n";
	bpf_trace_printk(fmt, sizeof(fmt), t, r);
	// String literals land in .rodata.str1.1 and are reached through
	// the section symbol plus an addend in the lddw.
	if (r & 1)
		bpf_trace_printk("odd %u\n", 8, r);
	else
		bpf_trace_printk("even %u\n", 9, r);
	return XDP_PASS;
}

SEC("xdp")
int xdp_adjust(struct xdp_md *ctx)
{
	if (bpf_xdp_adjust_head(ctx, 14))
		return XDP_ABORTED;
	if (bpf_xdp_adjust_tail(ctx, -4))
		return XDP_ABORTED;
	return XDP_PASS;
}

SEC("xdp")
int xdp_csum(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	if (data + 8 > data_end)
		return XDP_PASS;
	__be32 to[2] = {0x01020304, 0x05060708};
	__s64 sum = bpf_csum_diff(data, 8, to, sizeof(to), 0);
	if (sum < 0)
		return XDP_ABORTED;
	return XDP_PASS;
}

SEC("xdp")
int xdp_redirect(struct xdp_md *ctx)
{
	return bpf_redirect(ctx->ingress_ifindex, 0);
}

SEC("xdp")
int xdp_route(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;
	struct lpm_key key = {.prefixlen = 32, .addr = ip->daddr};
	__u32 *action = bpf_map_lookup_elem(&routes, &key);
	if (!action)
		return XDP_PASS;
	__u32 src = ip->saddr;
	__u64 now = bpf_ktime_get_ns();
	bpf_map_update_elem(&recent, &src, &now, BPF_ANY);
	return *action;
}

SEC("xdp")
int xdp_events(struct xdp_md *ctx)
{
	struct event e = {
		.ts = bpf_ktime_get_ns(),
		.len = ctx->data_end - ctx->data,
		.rnd = bpf_get_prandom_u32(),
	};
	bpf_ringbuf_output(&events, &e, sizeof(e), 0);
	struct event *r = bpf_ringbuf_reserve(&events, sizeof(*r), 0);
	if (!r)
		return XDP_PASS;
	r->ts = e.ts;
	r->len = e.len;
	r->rnd = 0;
	bpf_ringbuf_submit(r, 0);
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
