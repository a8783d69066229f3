package maps

// Per-CPU values. An entry of a per-CPU map holds one copy of its value per
// possible CPU, each padded to 8 bytes, side by side in the slab:
//
//	entry i: | cpu 0 value | pad | cpu 1 value | pad | ... | cpu n-1 value | pad |
//
// which is also the layout bpf(2) reads and writes for the whole entry, so
// the syscall face copies an entry in one go, padding included (the
// kernel's copy_map_value_long copies round_up(value_size, 8) bytes per
// CPU), while the program face, running on one CPU, gets a pointer to that
// CPU's copy only. The kernel keeps the copies in per-CPU memory
// (alloc_percpu); one slab here keeps the "never moves" promise.
// Options.CPUs is the kernel's num_possible_cpus().

// copyOut copies an entry's values as bpf(2) returns them.
func (b *base) copyOut(slot []byte) []byte {
	return append([]byte(nil), slot[:b.sysValueSize()]...)
}

// copyIn writes a bpf(2) value into an entry: every CPU's copy.
func (b *base) copyIn(slot, value []byte) { copy(slot, value) }

// copyInCPU is a program's update on cpu; zeroOthers clears the other CPUs'
// copies, as the kernel does for a per-CPU hash entry a program creates.
func (b *base) copyInCPU(slot, value []byte, cpu int, zeroOthers bool) {
	if !b.percpu() {
		copy(slot, value)
		return
	}
	size := b.elemSize()
	if zeroOthers {
		clear(slot[:b.stride()])
	}
	copy(slot[cpu*size:], value)
}
