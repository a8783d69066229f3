package decode

import (
	"fmt"
	"time"
)

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

const (
	utimeNow  = 1<<30 - 1
	utimeOmit = 1<<30 - 2
)

// utimes prints utimensat(2)'s two timestamps: UTIME_NOW, UTIME_OMIT, or
// a timespec with the date it means in a comment, in local time as
// strace prints it.
func utimes(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return pointer(addr)
	}
	var out [2]string
	for i := range out {
		sec, nsec := int64(le.Uint64(b[i*16:])), int64(le.Uint64(b[i*16+8:]))
		switch nsec {
		case utimeNow:
			out[i] = "UTIME_NOW"
		case utimeOmit:
			out[i] = "UTIME_OMIT"
		default:
			out[i] = fmt.Sprintf("{tv_sec=%d, tv_nsec=%d}", sec, nsec)
			if nsec >= 0 && nsec < 1e9 {
				out[i] += " /* " + time.Unix(sec, nsec).Format("2006-01-02T15:04:05.000000000-0700") + " */"
			}
		}
	}
	return "[" + out[0] + ", " + out[1] + "]"
}

// remTimespec prints nanosleep's remaining time: only when a signal
// interrupted the sleep, else the address.
func remTimespec(a arg) string {
	switch a.c.Errno() {
	case 4, 512, 513, 514, 516: // EINTR and the kernel's restart codes
		return timespec(a.mem, a.v)
	}
	return pointer(a.v)
}
