package boot

import "fmt"

// region returns mem[addr:addr+n], or an error naming what did not fit: the
// only way this package writes guest memory, so no write can leave it.
func region(mem []byte, what string, addr, n uint64) ([]byte, error) {
	end := addr + n
	if end < addr || end > uint64(len(mem)) {
		return nil, fmt.Errorf("%s [%#x, %#x) lies outside guest memory of %#x bytes", what, addr, addr+n, len(mem))
	}
	return mem[addr:end], nil
}

// put copies b to guest physical addr.
func put(mem []byte, what string, addr uint64, b []byte) error {
	r, err := region(mem, what, addr, uint64(len(b)))
	if err != nil {
		return err
	}
	copy(r, b)
	return nil
}

// overlap reports whether [a, a+an) and [b, b+bn) intersect.
func overlap(a, an, b, bn uint64) bool { return a < b+bn && b < a+an }

// span is a named range of guest memory a loader writes.
type span struct {
	what       string
	addr, size uint64
}

// checkDisjoint fails when two spans overlap: a command line written over
// the kernel would boot something nobody asked for.
func checkDisjoint(spans []span) error {
	for i, a := range spans {
		for _, b := range spans[i+1:] {
			if a.size != 0 && b.size != 0 && overlap(a.addr, a.size, b.addr, b.size) {
				return fmt.Errorf("%s [%#x, +%#x) overlaps %s [%#x, +%#x)", a.what, a.addr, a.size, b.what, b.addr, b.size)
			}
		}
	}
	return nil
}
