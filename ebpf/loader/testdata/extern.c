// extern: a program reading an extern variable, which the loader refuses
// (libbpf resolves externs from .kconfig or ksyms; we do not).
#include "../../testdata/bpf_helpers.h"

extern __u32 some_setting;

SEC("xdp")
int xdp_extern(struct xdp_md *ctx)
{
	return some_setting;
}

char _license[] SEC("license") = "GPL";
