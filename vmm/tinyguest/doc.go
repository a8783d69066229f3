// Package tinyguest assembles the small x86-64 guests the vmm CLI runs
// here: programs that need no firmware and no kernel, loaded at
// vmm.HimemStart and entered in long mode by vmm.VM.SetupLongMode. They are
// what the tour, `deepsys vmm hello` and `deepsys vmm bench` run, and they
// show trap-and-emulate at work:
//
//  1. The VMM writes page tables, a GDT and a TSS into guest RAM and loads
//     CR0/CR3/CR4/EFER and the segment registers with KVM_SET_SREGS, so the
//     first instruction the vCPU executes is already 64-bit (vmm/longmode.go).
//  2. Hello polls the 8250's LSR and writes THR: every IN and OUT is a
//     KVM_EXIT_IO the Go exit loop hands to the UART model (vmm/devices/serial).
//  3. Ring3 first builds an IRETQ frame (SS, RSP, RFLAGS, CS with RPL 3,
//     RIP; Intel SDM Vol. 2 IRET) and drops to CPL 3, where on our nested
//     PVM host code runs natively; the TSS's I/O permission bitmap lets it
//     still reach the ports, and it finishes through vmm.DebugExitPort
//     since HLT faults at CPL 3.
//  4. ExitLoop makes n accesses of one kind (OUT to a port, a store into an
//     MMIO window) in a counted loop, then writes DebugExitPort: n exits
//     and one more, the workload of the exit round-trip benchmark.
//
// Instructions internal/amd64 does not encode are inline bytes (Intel SDM
// Vol. 2: OUT DX, AL is EE; IN AL, DX is EC; HLT is F4; IRETQ is REX.W CF).
package tinyguest
