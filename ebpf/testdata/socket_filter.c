// socket_filter: a classic socket filter on struct __sk_buff: keep IPv4
// UDP packets whole, truncate everything else to 0 bytes (drop). Uses the
// legacy packet loads (BPF_ABS) through __builtin_bpf_load_byte/half.
#include "bpf_helpers.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");
unsigned long long load_half(void *skb, unsigned long long off) asm("llvm.bpf.load.half");

SEC("socket")
int socket_udp(struct __sk_buff *skb)
{
	if (skb->len < sizeof(struct ethhdr) + sizeof(struct iphdr))
		return 0;
	if (load_half(skb, 12) != ETH_P_IP)
		return 0;
	if (load_byte(skb, sizeof(struct ethhdr) + 9) != IPPROTO_UDP)
		return 0;
	return skb->len;
}

char _license[] SEC("license") = "GPL";
