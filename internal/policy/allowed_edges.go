package policy

// AllowedEdges lists every import of one system by another, with the
// reason, exactly as docs/ARCHITECTURE.md does (a test keeps the two in
// step). A system uses another only through its public API.
var AllowedEdges = map[Edge]string{
	{From: "container", To: "syscalls"}: "the runtime compiles and installs the config's linux.seccomp with syscalls/seccomp " +
		"(FromOCI, Compile, Filter.Install): one seccomp compiler for the project, tested against the kernel and libseccomp",
	{From: "container", To: "ebpf"}: "the cgroup v2 driver encodes its BPF_PROG_TYPE_CGROUP_DEVICE program with the ebpf package's " +
		"Instruction and Encode (the project's one eBPF encoding) instead of linking a general eBPF library into the runtime",
}
