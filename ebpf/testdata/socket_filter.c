// socket_filter: a socket filter on struct __sk_buff that keeps IPv4 UDP
// packets whole and truncates everything else to 0 bytes (drops it).
// Attached to an IP socket, and under BPF_PROG_TEST_RUN, the packet a
// socket filter sees starts at the IP header (the Ethernet header is
// already pulled), so the protocol comes from skb->protocol and the legacy
// packet load (BPF_ABS, through llvm.bpf.load.byte) reads the IP header.
#include "bpf_helpers.h"

unsigned long long load_byte(void *skb, unsigned long long off) asm("llvm.bpf.load.byte");

SEC("socket")
int socket_udp(struct __sk_buff *skb)
{
	if (skb->protocol != bpf_htons(ETH_P_IP))
		return 0;
	if (skb->len < sizeof(struct iphdr))
		return 0;
	if (load_byte(skb, 9) != IPPROTO_UDP) // iphdr.protocol
		return 0;
	return skb->len;
}

char _license[] SEC("license") = "GPL";
