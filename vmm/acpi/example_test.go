package acpi_test

import (
	"fmt"

	"github.com/deepsys/deepsys/vmm/acpi"
)

// A VMM builds the tables for its vCPUs and virtio-mmio devices, copies them
// into guest memory at the base it chose, and hands the guest the RSDP's
// address (boot_params.acpi_rsdp_addr or hvm_start_info.rsdp_paddr).
func ExampleBuild() {
	const base = 0x10000
	tb, err := acpi.Build(base, acpi.Config{CPUs: 2, Virtio: []acpi.VirtioMMIO{{Base: 0xd0000000, Size: 0x1000, GSI: 5}}})
	if err != nil {
		panic(err)
	}
	mem := make([]byte, 1<<20) // guest memory
	copy(mem[base:], tb.Bytes)

	p, err := acpi.Read(mem, tb.RSDPAddr) // what the guest's OS will find
	if err != nil {
		panic(err)
	}
	for _, a := range p.XSDT {
		fmt.Printf("%#x %s\n", a, mem[a:a+4])
	}
	fmt.Printf("DSDT %d bytes, APIC IDs %v, hardware-reduced %v\n",
		len(p.DSDT), p.MADT.LocalAPICs, p.FADT.Flags&acpi.FlagHWReducedACPI != 0)
	// Output:
	// 0x10070 FACP
	// 0x10190 APIC
	// DSDT 149 bytes, APIC IDs [0 1], hardware-reduced true
}
