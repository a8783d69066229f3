// Package boot puts a Linux kernel into guest memory the way a boot loader
// would, so that a vCPU started at the returned entry point runs Linux.
//
// Two entry paths are built, both from the specifications the kernel itself
// documents:
//
// # The 64-bit boot protocol (Documentation/arch/x86/boot.rst)
//
// A bzImage is a real-mode setup part followed by the protected-mode kernel
// (whose payload is the compressed vmlinux and its decompressor). A VMM skips
// the real-mode part entirely:
//
//  1. Parse the setup header at offset 0x1f1 of the file (boot.rst "The Real-Mode
//     Kernel Header"): magic "HdrS" at 0x202, boot_flag 0xAA55, protocol
//     version >= 2.12 (the first with xloadflags), XLF_KERNEL_64 set (a 64-bit
//     entry at load address + 0x200), LOADED_HIGH set (the kernel runs at 1 MiB
//     or above). setup_sects == 0 means 4 (boot.rst "Details of Header Fields").
//  2. Copy the protected-mode kernel, which starts at (setup_sects+1)*512 in
//     the file, to an address aligned to 1<<min_alignment (relocatable kernels)
//     or to pref_address (others), with init_size bytes free from there: the
//     kernel decompresses itself in place (boot.rst "The Kernel Command Line",
//     "Loading The Rest of The Kernel").
//  3. Copy the command line (NUL-terminated, at most cmdline_size bytes) and the
//     initrd (below initrd_addr_max unless XLF_CAN_BE_LOADED_ABOVE_4G) into
//     guest memory.
//  4. Build the zero page, struct boot_params (Documentation/arch/x86/zero-page.rst):
//     the file's setup header copied to 0x1f1 with type_of_loader = 0xff
//     ("undefined"), cmd_line_ptr, ramdisk_image/size and their ext_ high
//     halves filled in, and the memory map as e820 entries at 0x2d0.
//  5. The vCPU starts in 64-bit mode with identity-mapped page tables, RSI
//     pointing at the zero page, at load address + 0x200 (boot.rst "64-bit
//     Boot Protocol"). Setting up the vCPU is the vmm package's job.
//
// # PVH (xen/include/public/arch-x86/hvm/start_info.h, Linux arch/x86/platform/pvh)
//
// An uncompressed vmlinux ELF carries a XEN_ELFNOTE_PHYS32_ENTRY note (type 18)
// naming a 32-bit protected-mode entry point:
//
//  1. Find the note in the ELF's PT_NOTE segments (read with debug/elf and the
//     ELF note format: namesz, descsz, type, name and descriptor 4-aligned).
//  2. Copy each PT_LOAD segment to its physical address, zeroing memsz - filesz.
//  3. Write struct hvm_start_info (magic 0x336ec578, version 1), its memory map
//     (hvm_memmap_table_entry) and module list (hvm_modlist_entry, the initrd)
//     and the command line. The vCPU starts in 32-bit protected mode, paging
//     off, at the note's address with EBX holding the start_info address.
//
// # The initramfs
//
// Initramfs (initramfs.go) writes the "newc" cpio archive the kernel unpacks
// as its first root file system (Documentation/driver-api/early-userspace/
// buffer-format.rst): the initrd a test boots to reach a marker from /init.
//
// Every input — the kernel file, the addresses, guest memory's size — is
// checked; a bad one yields an error naming the field and its value, never a
// write outside the guest memory slice. Guest memory is a []byte indexed by
// guest physical address (the vmm package maps it; tests use a plain slice).
package boot
