// tc: a TC classifier that reads the packet through skb->data/data_end,
// marks IPv4 packets by their TOS and drops those with TTL 1.
#include "bpf_helpers.h"

SEC("tc")
int tc_mark(struct __sk_buff *skb)
{
	void *data = (void *)(long)skb->data;
	void *data_end = (void *)(long)skb->data_end;
	struct ethhdr *eth = data;
	if ((void *)(eth + 1) > data_end)
		return TC_ACT_OK;
	if (eth->h_proto != bpf_htons(ETH_P_IP))
		return TC_ACT_OK;
	struct iphdr *ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > data_end)
		return TC_ACT_OK;
	if (ip->ttl <= 1)
		return TC_ACT_SHOT;
	skb->mark = ip->tos;
	return TC_ACT_OK;
}

char _license[] SEC("license") = "GPL";
