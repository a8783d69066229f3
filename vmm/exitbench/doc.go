// Package exitbench measures what one trap costs: the round trip of a
// guest access that leaves the guest (a VM exit), reaches the VMM's exit
// loop in user space and re-enters the guest, for our Go exit loop (package
// vmm) against the smallest C KVM loop, on the same guest from the same
// state. It is `deepsys vmm bench`. The method:
//
//  1. One guest per workload (tinyguest.ExitLoop): a loop making N accesses
//     of one kind, then a write to vmm.DebugExitPort. The kinds are, at
//     ring 0, an OUT to a port (KVM_EXIT_IO, api.rst 5 "kvm_run"), a 4-byte store
//     into an MMIO window with no memory slot (KVM_EXIT_MMIO), and the same
//     OUT with an ioeventfd bound to the port (KVM_IOEVENTFD, api.rst 4.59),
//     which KVM answers in the kernel by signalling an eventfd, so neither
//     loop sees it: the floor both loops sit on; and the OUT again from a
//     ring-3 guest (tinyguest.ExitLoopRing3), which our PVM host runs natively.
//  2. The guest is loaded into a vmm.VM and put in long mode
//     (vmm.VM.SetupLongMode); that VM's state, struct kvm_regs, struct
//     kvm_sregs and its RAM (state.go), is what the C peer loads, so both
//     run the same bytes with the same page tables and segments.
//  3. The C peer (testdata/exitloop.c, embedded) is compiled with gcc into
//     a temporary directory when the workloads are made (peer.go). It does
//     KVM_CREATE_VM, one memory slot, one vCPU with KVM's supported CPUID,
//     KVM_SET_SREGS/KVM_SET_REGS from the state file, then KVM_RUN in a loop
//     that ignores PIO and MMIO exits as a null device would, and prints
//     the nanoseconds per access of that loop.
//  4. Our contestant builds the same VM with package vmm, a null device on
//     the port and the window, and times vm.Run: the vCPU goroutine locked
//     to its thread, the exit loop's dispatch to the buses, its exit
//     statistics (ours.go).
//  5. internal/bench interleaves the two, median of at least five rounds;
//     the goal is a ratio of at most 1.1.
//
// On our nested PVM hosts ring-0 guest code runs in KVM's instruction
// emulator and a ring-3 exit costs a switch into the hypervisor, so the
// figures are those of that host (8-10 µs a ring-0 exit, 22-30 µs a ring-3
// one), not of a VMX or SVM machine.
package exitbench
