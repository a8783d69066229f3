// Package acpi generates the ACPI tables a VMM hands a Linux guest in place
// of firmware, and reads them back.
//
// A guest kernel learns its hardware from firmware tables. Debian's cloud
// kernel has no MP-table support and takes no virtio-mmio devices from the
// command line, so the VMM must describe its CPUs, interrupt controllers and
// devices in ACPI (ACPI Specification 6.5):
//
//  1. RSDP (§5.2.5.3), revision 2: "RSD PTR ", a checksum over its first 20
//     bytes and an extended checksum over all 36, and the address of the XSDT.
//     Linux finds it through boot_params.acpi_rsdp_addr or PVH's rsdp_paddr,
//     or by scanning 0xE0000-0xFFFFF on 16-byte boundaries.
//  2. Every other table starts with the 36-byte system description header
//     (§5.2.6): signature, length, revision, and a checksum byte that makes
//     the table's bytes sum to zero mod 256.
//  3. XSDT (§5.2.8): 64-bit addresses of the FADT and the MADT.
//  4. FADT (§5.2.9), revision 6.5: the HW_REDUCED_ACPI flag (§5.2.9.1, bit 20)
//     says there is no PM timer, no SCI, no fixed-feature hardware — as
//     firecracker does — so the guest needs none of it emulated; IAPC_BOOT_ARCH
//     (§5.2.9.3) says no VGA and that the OS may not touch PCIe ASPM. X_DSDT
//     points at the DSDT.
//  5. MADT (§5.2.12): the local APIC address, a Processor Local APIC structure
//     (§5.2.12.2) per vCPU, the I/O APIC (§5.2.12.3), and an Interrupt Source
//     Override (§5.2.12.5) mapping ISA IRQ 0 (the PIT) to GSI 2, as on a PC.
//  6. DSDT (§5.2.11.1): AML (§20) defining \_SB.COM1 (PNP0501 at port 0x3F8,
//     IRQ 4) and one \_SB.Vnnn device per virtio-mmio transport, _HID
//     "LNRO0005" (Linux's drivers/virtio/virtio_mmio.c ACPI match), with a
//     _CRS of Memory32Fixed and an Extended Interrupt descriptor (§6.4.3.4,
//     §6.4.3.6). The AML encoder in aml.go is just big enough for this: name
//     segments, integers, strings, buffers, packages, Scope and Device with
//     their PkgLength (§20.2.4), and resource templates (§6.4).
//
// Reader parses tables back from guest memory, checking every signature,
// length and checksum on the way, and decodes the MADT. The tests use it on
// what Tables generates, and Debian's iasl (acpica-tools) disassembles the
// DSDT as the independent peer.
package acpi
