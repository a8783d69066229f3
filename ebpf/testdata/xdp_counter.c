// xdp_counter: the "XDP parse + map update" workload. Parses
// Ethernet/IPv4/UDP with the bounds checks the verifier demands, counts
// packets per IP protocol (a per-CPU array) and per source address (a hash,
// created with BPF_NOEXIST then incremented atomically), and drops UDP to
// the port configured in .rodata.
#include "bpf_helpers.h"

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 256);
} proto_count SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__type(key, __u32);
	__type(value, __u64);
	__uint(max_entries, 1024);
} src_count SEC(".maps");

// The rule, set by the loader before the program is loaded: drop UDP
// packets to this destination port (host order); 0 drops nothing.
const volatile __u16 drop_udp_port = 53;

SEC("xdp")
int xdp_count(struct xdp_md *ctx)
{
	void *data = (void *)(long)ctx->data;
	void *data_end = (void *)(long)ctx->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return XDP_PASS;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return XDP_PASS;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return XDP_PASS;

	__u32 proto = ip->protocol;
	__u64 *n = bpf_map_lookup_elem(&proto_count, &proto);
	if (n)
		*n += 1;

	__u32 src = ip->saddr;
	__u64 zero = 0;
	bpf_map_update_elem(&src_count, &src, &zero, BPF_NOEXIST);
	__u64 *c = bpf_map_lookup_elem(&src_count, &src);
	if (c)
		__sync_fetch_and_add(c, 1);

	if (ip->protocol != IPPROTO_UDP || ip->ihl != 5)
		return XDP_PASS;
	struct udphdr *udp = (void *)(ip + 1);
	if ((void *)(udp + 1) > data_end)
		return XDP_PASS;
	if (drop_udp_port && udp->dest == bpf_htons(drop_udp_port))
		return XDP_DROP;
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
