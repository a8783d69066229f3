package hashring

import (
	"errors"
	"testing"
)

// TestJumpHashReference: buckets printed by the paper's C++ code (typed in),
// compiled with g++ 12 -O2 on this machine.
func TestJumpHashReference(t *testing.T) {
	ns := []int{1, 2, 7, 19, 100, 1000, 65536, 1000000, 2147483647}
	for _, tc := range []struct {
		key  uint64
		want []int
	}{
		{0, []int{0, 0, 0, 0, 0, 0, 0, 0, 0}},
		{0x1, []int{0, 0, 6, 17, 55, 549, 21134, 985611, 262355607}},
		{0xdeadbeef, []int{0, 1, 5, 16, 87, 285, 64244, 479362, 1452406526}},
		{0xddc0ffeebadf00d, []int{0, 1, 2, 15, 72, 113, 47800, 86737, 848029737}},
		{0xffffffffffffffff, []int{0, 1, 2, 10, 92, 313, 18311, 589430, 699554662}},
		{0x123456789abcdef, []int{0, 0, 0, 13, 57, 194, 33301, 352229, 1651575352}},
	} {
		for i, n := range ns {
			if got := jumpHash(tc.key, n); got != tc.want[i] {
				t.Errorf("jumpHash(%#x, %d) = %d, want %d", tc.key, n, got, tc.want[i])
			}
		}
	}
}

func TestJumpRemovesOnlyTheLast(t *testing.T) {
	h, err := New("jump", []Node{{Name: "a"}, {Name: "b"}, {Name: "c"}}, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if err := h.Remove("a"); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Remove(first) = %v, want ErrUnsupported", err)
	}
	if err := h.Remove("c"); err != nil {
		t.Errorf("Remove(last) = %v", err)
	}
	if err := h.Add(Node{Name: "d", Weight: 2}); !errors.Is(err, ErrUnsupported) {
		t.Errorf("Add(weight 2) = %v, want ErrUnsupported", err)
	}
}
