package vmm

import (
	"testing"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// TestGDTEntry: descriptors match the SDM's layout (Vol. 3A "Segment Descriptors") and the
// values firecracker and Linux's boot code use.
func TestGDTEntry(t *testing.T) {
	for _, c := range []struct {
		flags       uint16
		base, limit uint32
		want        uint64
	}{
		{0xa09b, 0, 0xfffff, 0x00af9b000000ffff}, // 64-bit code
		{0xc093, 0, 0xfffff, 0x00cf93000000ffff}, // flat data
		{0x808b, 0x12345678, 0x67, 0x12808b3456780067},
	} {
		if got := gdtEntry(c.flags, c.base, c.limit); got != c.want {
			t.Errorf("gdtEntry(%#x, %#x, %#x) = %#016x, want %#016x", c.flags, c.base, c.limit, got, c.want)
		}
	}
}

// TestSegmentOf decodes descriptors into KVM's hidden segment state.
func TestSegmentOf(t *testing.T) {
	code := segmentOf(SelKernelCode, 0x00af9b000000ffff)
	want := kvm.Segment{Base: 0, Limit: 0xffffffff, Selector: 8, Type: 0xb, Present: 1, S: 1, L: 1, G: 1}
	if code != want {
		t.Errorf("code segment %+v, want %+v", code, want)
	}
	user := segmentOf(SelUserCode, gdtEntry(0xa0fb, 0, 0xfffff))
	if user.DPL != 3 || user.L != 1 || user.Selector != 0x23 {
		t.Errorf("ring-3 code segment %+v", user)
	}
	tss := segmentOf(SelTSS, gdtEntry(0x008b, BootTSS, bootTSSLimit))
	if tss.Base != BootTSS || tss.Limit != bootTSSLimit || tss.S != 0 || tss.G != 0 {
		t.Errorf("TSS segment %+v", tss)
	}
}

// TestBootPageTables: the identity map translates addresses to themselves
// with 2 MiB pages, walked as the MMU would (SDM "4-Level Paging").
func TestBootPageTables(t *testing.T) {
	m, err := NewMemory(1 << 20)
	if err != nil {
		t.Fatal(err)
	}
	defer m.Close()
	if err := writeBootTables(m); err != nil {
		t.Fatal(err)
	}
	for _, va := range []uint64{0, HimemStart + 0x1234, MMIOGapStart + 0x10, 0xffff_ffff} {
		pml4e, _ := m.Uint64(PML4 + 8*(va>>39&511))
		pdpte, _ := m.Uint64(pml4e&^0xfff + 8*(va>>30&511))
		pde, err := m.Uint64(pdpte&^0xfff + 8*(va>>21&511))
		if err != nil {
			t.Fatal(err)
		}
		if pde&ptePageSize == 0 || pde&pteUser == 0 {
			t.Errorf("PDE for %#x = %#x: not a user 2 MiB page", va, pde)
		}
		if pa := pde&^0x1fffff&(1<<52-1) | va&0x1fffff; pa != va {
			t.Errorf("%#x maps to %#x", va, pa)
		}
	}
}
