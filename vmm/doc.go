// Package vmm is a KVM virtual machine monitor: the guest's memory and
// memory map, the vCPU threads and their exit loop, and the buses that
// route the guest's port and MMIO accesses to device models.
//
// In the terms of Article 15 (Hypervisor Internals): hardware
// virtualisation (VT-x, AMD-V) runs guest code directly on the CPU and
// leaves to a hypervisor only what must be virtualised; the boundary is a
// VM exit. KVM (package vmm/kvm) is the part of the hypervisor in the
// kernel: it owns the VMCS/VMCB and the nested (EPT/NPT) or shadow page
// tables. This package is the part in user space, as QEMU, firecracker and
// gokvm are:
//
//  1. Memory (memory.go, layout.go): RAM is anonymous memory of this
//     process registered as KVM memory slots; the guest-physical map puts
//     the boot structures, the kernel and the MMIO gap at named addresses
//     (docs/vmm.md draws it). Guest addresses reach the VMM only through
//     bounds-checked accessors.
//  2. vCPU state (longmode.go, cpuid.go): the VMM writes page tables and a
//     GDT and loads CR0/CR3/CR4/EFER and the segment registers with
//     KVM_SET_SREGS, so a guest starts in 64-bit mode without firmware;
//     CPUID is what KVM supports, shaped per vCPU.
//  3. The exit loop (exit_loop.go): one goroutine per vCPU, locked to its
//     OS thread, calls KVM_RUN and emulates what exits: port I/O and MMIO
//     are routed by address through a Bus (bus.go) to a Device, HLT stops
//     the vCPU, and shutdown, failed entry and internal errors stop it with
//     its registers in a VCPUError. Each exit is counted by reason with its
//     handling time (exit_stats.go).
//  4. Interrupts (irqline.go): with the in-kernel irqchip, a device's
//     interrupt output becomes an irqfd write, injected by KVM with no exit.
//  5. Pause, snapshot, restore (pause.go, snapshot.go): vCPUs leave the
//     guest at an instruction boundary and park on their threads; RAM and
//     vCPU state are copied, and loaded into a fresh VM that continues.
//  6. Virtio devices (virtio_mmio.go, virtio_ioeventfd.go,
//     virtio_memory.go): a vmm/virtio device sits behind its virtio-mmio
//     transport (spec 4.2) in a numbered slot of the MMIO gap (layout.go),
//     reads rings and buffers straight from Memory, interrupts through an
//     irqfd on its slot's GSI, and may take QueueNotify from an ioeventfd
//     instead of an exit. What the transport refuses is the guest's fault:
//     the vCPU resumes and the error is kept.
//
// On our machines KVM is a nested PVM backend: ring-3 guest code runs
// natively, ring-0 code runs in KVM's instruction emulator (about 1 µs per
// instruction), so test guests do their work in ring 3 where they can.
package vmm
