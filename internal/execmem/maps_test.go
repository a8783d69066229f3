package execmem

import (
	"bufio"
	"fmt"
	"os"
	"strconv"
	"strings"
)

// pagePerms returns the permission field of the /proc/self/maps line that
// contains addr.
func pagePerms(addr uintptr) (string, error) {
	f, err := os.Open("/proc/self/maps")
	if err != nil {
		return "", err
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		fields := strings.Fields(sc.Text())
		lo, hi, _ := strings.Cut(fields[0], "-")
		l, _ := strconv.ParseUint(lo, 16, 64)
		h, _ := strconv.ParseUint(hi, 16, 64)
		if uint64(addr) >= l && uint64(addr) < h {
			return fields[1], nil
		}
	}
	return "", fmt.Errorf("address %#x not in /proc/self/maps", addr)
}
