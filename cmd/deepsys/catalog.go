package main

// catalog is the nineteen systems of ../shared/SYSTEMS.md in the series'
// order. A system lands by setting the last field of its row to its
// systemCLI; that one line is all it changes outside its own files.
var catalog = []system{
	{1, "pmem", "Persistent Memory Programming: DAX Mappings, PMDK Libraries, Crash Consistency Without Write-Ahead Logging, and the Optane Legacy", nil},
	{2, "nvme", "NVMe and the Storage Stack: The NVMe Command Set, Submission/Completion Queues, SPDK, and the Death of the SCSI/SATA Bottleneck", nil},
	{3, "dataplane", "User-Space Networking: Snabb Switch, FD.io VPP (Vector Packet Processing), AF_XDP, and the Philosophy of Kernel Bypass", nil},
	{4, "ebpf", "eBPF Internals: The In-Kernel Verifier, Safety Proofs, JIT Compilation to Native Code, Map Types, and XDP/TC Hooks", ebpfCLI},
	{5, "syscalls", "System Calls: The Gateway Between User Space and Kernel", syscallsCLI},
	{6, "tee", "Trusted Execution: Intel SGX Enclaves, AMD SEV-SNP, Attestation Protocols, and the Confidential Computing Promise", nil},
	{7, "cheri", "Capability-Based Security: CHERI Architecture, Hardware Capabilities, Spatial and Referential Safety, and Compartmentalization", nil},
	{8, "regions", "Region-Based Memory Management: Tofte & Talpin's Region Inference, the ML Kit, Safety Proofs, and the Relationship to Rust's Lifetimes", nil},
	{9, "tcpip", "Network Sockets and the TCP/IP Stack: How Data Travels Across Networks", nil},
	{10, "gc", "Garbage Collection Advanced: Incremental, Concurrent, Snapshot-at-the-Beginning, and Pauseless Collectors from Azul C4 to ZGC Colored Pointers", nil},
	{11, "jit", "JIT Compilation: Tracing vs Method JITs, V8's Ignition+TurboFan Pipeline, HotSpot's C1/C2 Tiered Compilation, and Deoptimization", nil},
	{12, "wasm", "Wasm Runtime Internals: V8's Liftoff and TurboFan, Wasmtime's Cranelift, Linear Memory Sandboxing, and the Stack Machine Model", nil},
	{13, "container", "Container Internals: Linux Namespaces, cgroups v2, OverlayFS, and the OCI Runtime Spec Under the Hood", containerCLI},
	{14, "compiler", "Compiler Optimizations: From Source Code to Fast Machine Code", nil},
	{15, "vmm", "Hypervisor Internals: VT-x, AMD-V/SVM, Nested Paging, and the Mechanics of Trap-and-Emulate", vmmCLI},
	{16, "unikernel", "Unikernels: Specializing the OS for a Single Application, from MirageOS to IncludeOS and the Performance-Security Trade-offs", nil},
	{17, "exokernel", "Exokernels & Library OS: MIT's Radical Vision, Secure Multiplexing, and the Unikernel Lineage", nil},
	{18, "hashring", "Consistent Hashing: Distributing Data Across Dynamic Clusters", hashringCLI},
	{19, "microkernel", "Microkernel vs Monolithic: The L4 Experience, IPC Optimization, seL4 Verification, and Zircon's Ascent", nil},
}
