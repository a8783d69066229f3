// legacy_maps: map definitions in the legacy "maps" section (struct
// bpf_map_def), the form loaders read before BTF-defined maps existed.
#include "bpf_helpers.h"

struct bpf_map_def SEC("maps") packets = {
	.type = BPF_MAP_TYPE_ARRAY,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 4,
};

struct bpf_map_def SEC("maps") flows = {
	.type = BPF_MAP_TYPE_HASH,
	.key_size = sizeof(__u32),
	.value_size = sizeof(__u64),
	.max_entries = 128,
	.map_flags = BPF_F_NO_PREALLOC,
};

SEC("xdp")
int xdp_legacy(struct xdp_md *ctx)
{
	__u32 key = 0;
	__u64 *n = bpf_map_lookup_elem(&packets, &key);
	if (n)
		__sync_fetch_and_add(n, 1);
	__u32 len = ctx->data_end - ctx->data;
	__u64 one = 1;
	if (bpf_map_update_elem(&flows, &len, &one, BPF_NOEXIST) != 0) {
		__u64 *f = bpf_map_lookup_elem(&flows, &len);
		if (f)
			__sync_fetch_and_add(f, 1);
	}
	return XDP_PASS;
}

char _license[] SEC("license") = "GPL";
