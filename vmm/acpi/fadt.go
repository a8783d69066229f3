package acpi

import "encoding/binary"

// FADT layout (§5.2.9, Table 5.9), revision 6, minor 5: 276 bytes.
const (
	fadtSize          = 276
	fadtRevision      = 6
	fadtMinorRevision = 5
	fadtOffDSDT       = 40  // 32-bit DSDT address
	fadtOffIAPCBoot   = 109 // IAPC_BOOT_ARCH
	fadtOffFlags      = 112
	fadtOffMinor      = 131 // FADT Minor Version
	fadtOffXDSDT      = 140 // X_DSDT
	fadtOffHypervisor = 268 // Hypervisor Vendor Identity
)

// FADT flags (§5.2.9.1) and IAPC_BOOT_ARCH flags (§5.2.9.3).
const (
	FlagHWReducedACPI   = 1 << 20
	IAPCVGANotPresent   = 1 << 2
	IAPCPCIeASPMControl = 1 << 4
)

// FADT returns a hardware-reduced Fixed ACPI Description Table pointing at
// the DSDT at dsdt.
func FADT(dsdt uint64) []byte {
	b := make([]byte, fadtSize-HeaderSize)
	le := binary.LittleEndian
	if dsdt <= 0xffffffff {
		le.PutUint32(b[fadtOffDSDT-HeaderSize:], uint32(dsdt))
	}
	le.PutUint16(b[fadtOffIAPCBoot-HeaderSize:], IAPCVGANotPresent|IAPCPCIeASPMControl)
	le.PutUint32(b[fadtOffFlags-HeaderSize:], FlagHWReducedACPI)
	b[fadtOffMinor-HeaderSize] = fadtMinorRevision
	le.PutUint64(b[fadtOffXDSDT-HeaderSize:], dsdt)
	copy(b[fadtOffHypervisor-HeaderSize:], "DEEPSYS\x00")
	return sdt("FACP", fadtRevision, b)
}
