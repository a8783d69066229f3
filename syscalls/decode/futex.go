package decode

import "strconv"

var futexCmds = enum{"FUTEX", []flag{
	{0, "FUTEX_WAIT"}, {1, "FUTEX_WAKE"}, {2, "FUTEX_FD"}, {3, "FUTEX_REQUEUE"}, {4, "FUTEX_CMP_REQUEUE"},
	{5, "FUTEX_WAKE_OP"}, {6, "FUTEX_LOCK_PI"}, {7, "FUTEX_UNLOCK_PI"}, {8, "FUTEX_TRYLOCK_PI"},
	{9, "FUTEX_WAIT_BITSET"}, {10, "FUTEX_WAKE_BITSET"}, {11, "FUTEX_WAIT_REQUEUE_PI"},
	{12, "FUTEX_CMP_REQUEUE_PI"}, {13, "FUTEX_LOCK_PI2"},
}}

const (
	futexPrivate  = 128
	futexRealtime = 256
)

// futexOp prints futex(2)'s op: FUTEX_WAIT_BITSET_PRIVATE|FUTEX_CLOCK_REALTIME.
func futexOp(v uint64) string {
	v &= 0xffffffff
	n := futexCmds.name(v &^ (futexPrivate | futexRealtime))
	if n == "" {
		return futexCmds.format(v)
	}
	if v&futexPrivate != 0 {
		n += "_PRIVATE"
	}
	if v&futexRealtime != 0 {
		n += "|FUTEX_CLOCK_REALTIME"
	}
	return n
}

// futexShape says which of futex's last three arguments an op uses:
// timeout (or val2), uaddr2, val3. Unknown ops print all six.
func futexShape(op uint64) (timeout, val2, uaddr2, val3 bool) {
	switch op & 0x7f {
	case 0, 6, 13: // WAIT, LOCK_PI, LOCK_PI2
		return true, false, false, false
	case 1, 7, 8: // WAKE, UNLOCK_PI, TRYLOCK_PI
		return false, false, false, false
	case 9: // WAIT_BITSET
		return true, false, false, true
	case 10: // WAKE_BITSET
		return false, false, false, true
	case 3: // REQUEUE
		return false, true, true, false
	case 4, 5, 12: // CMP_REQUEUE, WAKE_OP, CMP_REQUEUE_PI
		return false, true, true, true
	case 11: // WAIT_REQUEUE_PI
		return true, false, true, false
	}
	return true, false, true, true
}

func futexTimeout(a arg) string {
	timeout, val2, _, _ := futexShape(a.c.Args[1])
	switch {
	case val2:
		return strconv.FormatInt(int64(int32(a.v)), 10)
	case timeout:
		return timespec(a.mem, a.v)
	}
	return omit
}

func futexUaddr2(a arg) string {
	if _, _, uaddr2, _ := futexShape(a.c.Args[1]); uaddr2 {
		return pointer(a.v)
	}
	return omit
}

func futexVal3(a arg) string {
	if _, _, _, val3 := futexShape(a.c.Args[1]); !val3 {
		return omit
	}
	switch a.c.Args[1] & 0x7f {
	case 9, 10:
		if uint32(a.v) == 0xffffffff {
			return "FUTEX_BITSET_MATCH_ANY"
		}
		return hex(a.v & 0xffffffff)
	}
	return strconv.FormatInt(int64(int32(a.v)), 10)
}
