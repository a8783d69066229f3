package vmm

import "math/bits"

// DirtyPages lists the guest-physical addresses of the 4 KiB pages the
// guest wrote since New or the previous call (KVM_GET_DIRTY_LOG on each RAM
// slot), in address order. The VM needs Config.DirtyLog. Writes KVM makes
// on the guest's behalf count too (the accessed and dirty bits of the
// guest's page tables, for one). This is what an incremental snapshot or a
// live migration copies in its later rounds.
func (v *VM) DirtyPages() ([]uint64, error) {
	var pages []uint64
	for i, r := range v.Mem.Regions() {
		bitmap, err := v.vm.GetDirtyLog(uint32(i), uint64(len(r.Data)))
		if err != nil {
			return nil, err
		}
		for w, word := range bitmap {
			for word != 0 {
				b := bits.TrailingZeros64(word)
				pages = append(pages, r.GPA+uint64(w*64+b)*4096)
				word &= word - 1
			}
		}
	}
	return pages, nil
}
