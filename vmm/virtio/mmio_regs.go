package virtio

// The virtio-mmio register page (spec 4.2.2, "MMIO Device Register
// Layout"). Every register is 32 bits wide and must be accessed with
// aligned 32-bit loads and stores; the device configuration space starts
// at ConfigOffset and may be accessed at any width.
const (
	RegMagicValue        = 0x000 // R: 0x74726976, "virt"
	RegVersion           = 0x004 // R: 2 (1 is the legacy interface)
	RegDeviceID          = 0x008 // R
	RegVendorID          = 0x00c // R
	RegDeviceFeatures    = 0x010 // R: 32 bits of the window DeviceFeaturesSel picks
	RegDeviceFeaturesSel = 0x014 // W
	RegDriverFeatures    = 0x020 // W
	RegDriverFeaturesSel = 0x024 // W
	RegQueueSel          = 0x030 // W
	RegQueueNumMax       = 0x034 // R: 0 if the queue does not exist
	RegQueueNum          = 0x038 // W
	RegQueueReady        = 0x044 // RW
	RegQueueNotify       = 0x050 // W: the queue index
	RegInterruptStatus   = 0x060 // R
	RegInterruptACK      = 0x064 // W
	RegStatus            = 0x070 // RW
	RegQueueDescLow      = 0x080 // W
	RegQueueDescHigh     = 0x084 // W
	RegQueueDriverLow    = 0x090 // W: the available ring
	RegQueueDriverHigh   = 0x094 // W
	RegQueueDeviceLow    = 0x0a0 // W: the used ring
	RegQueueDeviceHigh   = 0x0a4 // W
	RegSHMSel            = 0x0ac // W
	RegSHMLenLow         = 0x0b0 // R: all ones: no such region
	RegSHMLenHigh        = 0x0b4 // R
	RegSHMBaseLow        = 0x0b8 // R
	RegSHMBaseHigh       = 0x0bc // R
	RegQueueReset        = 0x0c0 // RW
	RegConfigGeneration  = 0x0fc // R
	ConfigOffset         = 0x100 // device configuration space

	MagicValue = 0x74726976
	Version    = 2
	// VendorID is what our devices report; QEMU uses 0x554d4551 ("QEMU"),
	// Firecracker 0; Linux does not look at it.
	VendorID = 0

	// MMIOSize is the size of the region a device occupies; Linux's
	// virtio_mmio.device= parameter and DSDT entries use 0x200.
	MMIOSize = 0x200
)
