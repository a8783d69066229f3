package decode

var prctlOptions = enum{"PR", []flag{
	{1, "PR_SET_PDEATHSIG"}, {2, "PR_GET_PDEATHSIG"}, {3, "PR_GET_DUMPABLE"}, {4, "PR_SET_DUMPABLE"},
	{7, "PR_GET_KEEPCAPS"}, {8, "PR_SET_KEEPCAPS"}, {15, "PR_SET_NAME"}, {16, "PR_GET_NAME"},
	{21, "PR_GET_SECCOMP"}, {22, "PR_SET_SECCOMP"}, {23, "PR_CAPBSET_READ"}, {24, "PR_CAPBSET_DROP"},
	{29, "PR_SET_TIMERSLACK"}, {30, "PR_GET_TIMERSLACK"}, {35, "PR_SET_MM"}, {36, "PR_SET_CHILD_SUBREAPER"},
	{37, "PR_GET_CHILD_SUBREAPER"}, {38, "PR_SET_NO_NEW_PRIVS"}, {39, "PR_GET_NO_NEW_PRIVS"},
	{41, "PR_SET_THP_DISABLE"}, {42, "PR_GET_THP_DISABLE"}, {0x53564d41, "PR_SET_VMA"},
}}

var dumpable = enum{"SUID_DUMP", []flag{{0, "SUID_DUMP_DISABLE"}, {1, "SUID_DUMP_USER"}, {2, "SUID_DUMP_ROOT"}}}

// capabilities are capability(7)'s numbers.
var capabilities = enum{"CAP", []flag{
	{0, "CAP_CHOWN"}, {1, "CAP_DAC_OVERRIDE"}, {2, "CAP_DAC_READ_SEARCH"}, {3, "CAP_FOWNER"}, {4, "CAP_FSETID"},
	{5, "CAP_KILL"}, {6, "CAP_SETGID"}, {7, "CAP_SETUID"}, {8, "CAP_SETPCAP"}, {9, "CAP_LINUX_IMMUTABLE"},
	{10, "CAP_NET_BIND_SERVICE"}, {11, "CAP_NET_BROADCAST"}, {12, "CAP_NET_ADMIN"}, {13, "CAP_NET_RAW"},
	{14, "CAP_IPC_LOCK"}, {15, "CAP_IPC_OWNER"}, {16, "CAP_SYS_MODULE"}, {17, "CAP_SYS_RAWIO"},
	{18, "CAP_SYS_CHROOT"}, {19, "CAP_SYS_PTRACE"}, {20, "CAP_SYS_PACCT"}, {21, "CAP_SYS_ADMIN"},
	{22, "CAP_SYS_BOOT"}, {23, "CAP_SYS_NICE"}, {24, "CAP_SYS_RESOURCE"}, {25, "CAP_SYS_TIME"},
	{26, "CAP_SYS_TTY_CONFIG"}, {27, "CAP_MKNOD"}, {28, "CAP_LEASE"}, {29, "CAP_AUDIT_WRITE"},
	{30, "CAP_AUDIT_CONTROL"}, {31, "CAP_SETFCAP"}, {32, "CAP_MAC_OVERRIDE"}, {33, "CAP_MAC_ADMIN"},
	{34, "CAP_SYSLOG"}, {35, "CAP_WAKE_ALARM"}, {36, "CAP_BLOCK_SUSPEND"}, {37, "CAP_AUDIT_READ"},
	{38, "CAP_PERFMON"}, {39, "CAP_BPF"}, {40, "CAP_CHECKPOINT_RESTORE"},
}}

// prctlArg prints prctl(2)'s argument a.i (1-4) the way strace does for
// the option in argument 0: as many arguments as the option reads, each
// in its type; an option it does not know gets all four in hex.
func prctlArg(a arg) string {
	op, i, v := a.c.Args[0]&0xffffffff, a.i, a.v
	switch op {
	case 3, 7, 21, 30, 37, 42: // getters without arguments
		return omit
	case 15: // PR_SET_NAME
		return onlyFirst(i, func() string { return cString(a.mem, v, 15) })
	case 16, 2: // PR_GET_NAME, PR_GET_PDEATHSIG write back
		return onlyFirst(i, func() string { return deferred })
	case 1:
		return onlyFirst(i, func() string { return signal(v) })
	case 4:
		return onlyFirst(i, func() string { return dumpable.format(v & 0xffffffff) })
	case 23, 24:
		return onlyFirst(i, func() string { return capabilities.format(v & 0xffffffff) })
	case 8, 36, 29, 41:
		return onlyFirst(i, func() string { return unsigned(v) })
	case 38, 39:
		return unsigned(v)
	case 0x53564d41: // PR_SET_VMA
		return setVMAArg(a.mem, i, v)
	}
	return hex(v)
}

// setVMAArg prints PR_SET_VMA's arguments: PR_SET_VMA_ANON_NAME, the
// address, the length, the name.
func setVMAArg(mem Memory, i int, v uint64) string {
	switch i {
	case 1:
		if v == 0 {
			return "PR_SET_VMA_ANON_NAME"
		}
		return hex(v)
	case 2:
		return hex(v)
	case 3:
		return unsigned(v)
	}
	return cString(mem, v, maxStrLen)
}

func onlyFirst(i int, f func() string) string {
	if i != 1 {
		return omit
	}
	return f()
}

// prctlOut is what PR_GET_NAME and PR_GET_PDEATHSIG wrote, at exit.
func prctlOut(a arg) string {
	if a.c.Errno() != 0 {
		return pointer(a.v)
	}
	if a.c.Args[0]&0xffffffff == 16 {
		return cString(a.mem, a.v, 15)
	}
	v, ok := readU32(a.mem, a.v)
	if !ok {
		return pointer(a.v)
	}
	return "[" + signal(uint64(v)) + "]"
}

// prctlNote is strace's note after PR_GET_DUMPABLE's result.
func prctlNote(c *Call, _ Memory) string {
	if c.Args[0]&0xffffffff == 3 {
		return dumpable.format(uint64(c.Ret))
	}
	return ""
}
