package vmm

import "github.com/deepsys/deepsys/vmm/virtio"

// Memory is the guest memory virtio devices read rings and buffers from:
// Memory.Slice already has virtio.GuestMemory's contract (the n bytes at a
// guest-physical address, aliasing the mmap'ed KVM memory slot, or an
// error for a range outside RAM or across a region's end), so a device
// gets vm.Mem itself — one bounds check, no copy of guest memory.
var _ virtio.GuestMemory = (*Memory)(nil)
