// Package kvm is a thin wrapper over the KVM ioctls of Linux: the system
// file /dev/kvm, a VM file, and one file per vCPU, with Go structs that
// mirror <linux/kvm.h> (each names the struct it mirrors).
//
// What KVM is, in the terms of Article 15: the hardware keeps a control
// structure per virtual CPU (Intel's VMCS, AMD's VMCB) holding guest and host
// state and the conditions that force a VM exit; KVM owns that structure and
// the second-level page tables (EPT/NPT, or shadow page tables where the host
// has neither, as on our nested PVM machines). User space sees it through
// three levels of file descriptor:
//
//  1. System: open /dev/kvm, check KVM_GET_API_VERSION is 12 (the stable
//     API), ask KVM_CHECK_EXTENSION for optional capabilities, learn the size
//     of the shared kvm_run page (KVM_GET_VCPU_MMAP_SIZE) and the CPUID leaves
//     KVM can virtualise (KVM_GET_SUPPORTED_CPUID). KVM_CREATE_VM makes a VM.
//  2. VM: KVM_SET_USER_MEMORY_REGION maps a range of this process's memory
//     as guest-physical memory (a "slot"); KVM builds the nested or shadow
//     page tables from it. KVM_CREATE_VCPU makes a vCPU; KVM_CREATE_IRQCHIP,
//     KVM_CREATE_PIT2, KVM_IOEVENTFD and KVM_IRQFD move interrupt controllers
//     and doorbells into the kernel.
//  3. vCPU: KVM_GET/SET_REGS, KVM_GET/SET_SREGS and KVM_SET_CPUID2 read and
//     write the guest-state area; KVM_RUN enters the guest (VMLAUNCH/VMRUN
//     underneath) and returns at a VM exit the kernel does not handle itself.
//     The reason and its data (an I/O port access, an MMIO access, a failed
//     entry) are in the kvm_run page mmap'd from the vCPU file; user space
//     emulates the access, writes any result back into that page, and calls
//     KVM_RUN again. That loop is trap-and-emulate; package vmm runs it.
//
// The kernel's API document is Documentation/virt/kvm/api.rst (sections are
// cited on each call). Every error names the ioctl that failed. unsafe is
// confined to the *_unsafe.go files, which pass struct pointers to ioctl(2)
// and take the address of guest memory; the kvm_run page is read and
// written as a byte slice at the offsets of struct kvm_run (run.go).
package kvm
