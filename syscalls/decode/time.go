package decode

import "fmt"

// timespec prints struct timespec: {tv_sec=1, tv_nsec=500}.
func timespec(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 16)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{tv_sec=%d, tv_nsec=%d}", int64(le.Uint64(b)), int64(le.Uint64(b[8:])))
}

// timeval prints struct timeval: {tv_sec=1, tv_usec=500}.
func timeval(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 16)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{tv_sec=%d, tv_usec=%d}", int64(le.Uint64(b)), int64(le.Uint64(b[8:])))
}

// rlimit prints struct rlimit64 as strace does: sizes that are a whole
// number of KiB as N*1024, and RLIM64_INFINITY.
func rlimit(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 16)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("{rlim_cur=%s, rlim_max=%s}", rlimValue(le.Uint64(b)), rlimValue(le.Uint64(b[8:])))
}

func rlimValue(v uint64) string {
	switch {
	case v == ^uint64(0):
		return "RLIM64_INFINITY"
	case v > 0 && v%1024 == 0:
		return fmt.Sprintf("%d*1024", v/1024)
	}
	return fmt.Sprint(v)
}
