package decode

import "strconv"

var fcntlCmds = enum{"F", []flag{
	{0, "F_DUPFD"}, {1, "F_GETFD"}, {2, "F_SETFD"}, {3, "F_GETFL"}, {4, "F_SETFL"}, {5, "F_GETLK"},
	{6, "F_SETLK"}, {7, "F_SETLKW"}, {8, "F_SETOWN"}, {9, "F_GETOWN"}, {10, "F_SETSIG"}, {11, "F_GETSIG"},
	{15, "F_SETOWN_EX"}, {16, "F_GETOWN_EX"}, {36, "F_OFD_GETLK"}, {37, "F_OFD_SETLK"}, {38, "F_OFD_SETLKW"},
	{1024, "F_SETLEASE"}, {1025, "F_GETLEASE"}, {1026, "F_NOTIFY"}, {1030, "F_DUPFD_CLOEXEC"},
	{1031, "F_SETPIPE_SZ"}, {1032, "F_GETPIPE_SZ"}, {1033, "F_ADD_SEALS"}, {1034, "F_GET_SEALS"},
}}

var fdFlagSet = flags{"FD", []flag{{1, "FD_CLOEXEC"}}}

// fcntlArg prints fcntl(2)'s third argument by command: omitted for the
// getters, a flag set for F_SETFD/F_SETFL, a number for the rest.
func fcntlArg(a arg) string {
	v := a.v
	switch a.c.Args[1] & 0xffffffff {
	case 1, 3, 9, 11, 16, 1025, 1032, 1034: // the F_GET* commands take none
		return omit
	case 2:
		return fdFlagSet.format(v & 0xffffffff)
	case 4:
		return openMode(v)
	case 0, 1030, 8, 10, 1024, 1031:
		return strconv.FormatInt(int64(int32(v)), 10)
	case 5, 6, 7, 36, 37, 38, 15:
		return pointer(v)
	}
	return hex(v)
}

// fcntlNote is strace's note after a getter's result: 0x8000 (flags
// O_RDONLY|O_LARGEFILE); it also prints that result in hex.
func fcntlNote(c *Call, _ Memory) string {
	switch c.Args[1] & 0xffffffff {
	case 1:
		if c.Ret != 0 {
			return "flags " + fdFlagSet.format(uint64(c.Ret))
		}
	case 3:
		return "flags " + openMode(uint64(c.Ret))
	}
	return ""
}
