package decode

import "fmt"

// types maps each type name of signatures.txt to its formatter. A type
// with an `o` prefix is the out-argument form of the one without (read at
// exit); `@N`/`@ret` in the signature names the length that bounds it.
var types = map[string]argType{
	// numbers
	"int":   value(decimal),
	"long":  value(decimal64),
	"uint":  value(func(v uint64) string { return unsigned(v & 0xffffffff) }),
	"size":  value(unsigned),
	"off":   value(decimal64),
	"hex":   value(hex),
	"ptr":   value(pointer),
	"fd":    value(decimal),
	"pid":   value(decimal),
	"dirfd": value(dirfd),
	"mode":  value(func(v uint64) string { return octal(v & 0xffff) }),
	"omit":  value(func(uint64) string { return omit }),

	// strings and buffers (strings.go)
	"path":    in(pointee(path)),
	"str":     in(func(a arg) string { return cString(a.mem, a.v, maxStrLen) }),
	"inbuf":   in(func(a arg) string { return buffer(a.mem, a.v, a.length(), quote) }),
	"outbuf":  out(func(a arg) string { return buffer(a.mem, a.v, a.length(), quote) }),
	"randbuf": out(func(a arg) string { return buffer(a.mem, a.v, a.length(), quoteHex) }),
	"opath":   out(pointee(path)),
	"argv":    in(pointee(argv)),
	"envp":    in(pointee(envp)),

	// flags (flags.go)
	"openflags":       value(openMode),
	"openmode":        in(openModeArg),
	"fdflags":         value(fdFlags),
	"atflags":         value(func(v uint64) string { return atFlags.format(v & 0xffffffff) }),
	"accessflags":     value(func(v uint64) string { return accessAtFlags.format(v & 0xffffffff) }),
	"statxflags":      value(statxFlags),
	"statxmask":       value(func(v uint64) string { return statxMask.format(v & 0xffffffff) }),
	"accessmode":      value(accessMode),
	"prot":            value(prot),
	"mmapflags":       value(mmapFlags),
	"madvise":         value(func(v uint64) string { return madvise.format(v & 0xffffffff) }),
	"grndflags":       value(func(v uint64) string { return grndFlags.format(v & 0xffffffff) }),
	"waitoptions":     value(func(v uint64) string { return waitOptions.format(v & 0xffffffff) }),
	"whence":          value(func(v uint64) string { return seekWhence.format(v & 0xffffffff) }),
	"archprctl":       value(func(v uint64) string { return archPrctl.format(v & 0xffffffff) }),
	"archarg":         archArg,
	"clockid":         value(func(v uint64) string { return clocks.format(v & 0xffffffff) }),
	"timerflags":      value(func(v uint64) string { return timerFlags.format(v & 0xffffffff) }),
	"rlimitres":       value(func(v uint64) string { return rlimits.format(v & 0xffffffff) }),
	"msyncflags":      value(func(v uint64) string { return msyncFlags.format(v & 0xffffffff) }),
	"mremapflags":     value(func(v uint64) string { return mremapFlags.format(v & 0xffffffff) }),
	"closerangeflags": value(func(v uint64) string { return closeRangeFlags.format(v & 0xffffffff) }),
	"renameflags":     value(func(v uint64) string { return renameFlags.format(v & 0xffffffff) }),
	"memfdflags":      value(func(v uint64) string { return memfdFlags.format(v & 0xffffffff) }),
	"efdflags":        value(func(v uint64) string { return eventfdFlags.format(v & 0xffffffff) }),
	"priowhich":       value(func(v uint64) string { return prioWhich.format(v & 0xffffffff) }),
	"fadvice":         value(func(v uint64) string { return fadvice.format(v & 0xffffffff) }),
	"epollflags":      value(func(v uint64) string { return epollCloexec.format(v & 0xffffffff) }),
	"epollop":         value(func(v uint64) string { return epollOps.format(v & 0xffffffff) }),
	"signal":          value(signal),
	"sigprocmask":     value(func(v uint64) string { return sigprocmaskHow.format(v & 0xffffffff) }),
	"sockflags":       value(func(v uint64) string { return sockTypeFlags.format(v & 0xffffffff) }),
	"family":          value(func(v uint64) string { return families.format(v & 0xffffffff) }),
	"socktype":        value(sockType),
	"sockproto":       in(func(a arg) string { return sockProto(a.length(), a.v) }),
	"msgflags":        value(func(v uint64) string { return msgFlags.format(v & 0xffffffff) }),
	"shutdownhow":     value(func(v uint64) string { return shutdownHow.format(v & 0xffffffff) }),
	"socklevel":       value(sockLevel),
	"sockoptname":     in(func(a arg) string { return sockOptName(a.length(), a.v) }),
	"futexop":         value(futexOp),
	"futextimeout":    in(futexTimeout),
	"futexuaddr2":     in(futexUaddr2),
	"futexval3":       in(futexVal3),
	"fcntlcmd":        value(func(v uint64) string { return fcntlCmds.format(v & 0xffffffff) }),
	"fcntlarg":        in(fcntlArg),
	"ioctlreq":        value(ioctlRequest),
	"ioctlarg":        {format: ioctlEntryArg, exit: ioctlExitArg},

	// structures
	"stat":         out(pointee(stat)),
	"statx":        out(pointee(statx)),
	"utsname":      out(pointee(utsname)),
	"statfs":       out(pointee(statfsText)),
	"gidlist":      in(func(a arg) string { return gidList(a.mem, a.v, a.length()) }),
	"ogidlist":     out(func(a arg) string { return gidList(a.mem, a.v, a.length()) }),
	"dirents":      out(func(a arg) string { return dirents(a.mem, a.v, a.length()) }),
	"timespec":     in(pointee(timespec)),
	"utimes":       in(pointee(utimes)),
	"otimespec":    out(pointee(timespec)),
	"otimeval":     out(pointee(timeval)),
	"remtimespec":  {phase: atExit, evenOnError: true, format: remTimespec},
	"rlimit":       in(pointee(rlimit)),
	"orlimit":      out(pointee(rlimit)),
	"sigset":       in(func(a arg) string { return sigsetAt(a.mem, a.v, a.length()) }),
	"osigset":      out(func(a arg) string { return sigsetAt(a.mem, a.v, a.length()) }),
	"sigaction":    in(pointee(sigaction)),
	"osigaction":   out(pointee(sigaction)),
	"stack":        in(pointee(stackT)),
	"ostack":       out(pointee(stackT)),
	"sockaddr":     in(func(a arg) string { return sockaddr(a.mem, a.v, a.length()) }),
	"osockaddr":    out(outSockaddr),
	"socklen":      {phase: atExit, evenOnError: true, save: savedU32, format: socklen},
	"sockoptval":   in(func(a arg) string { return sockOptVal(a.mem, a.v, a.length()) }),
	"osockoptval":  out(outSockOptVal),
	"fdpair":       out(fdPair),
	"iovec":        in(func(a arg) string { return iovecs(a.mem, a.v, a.length(), -1) }),
	"oiovec":       out(func(a arg) string { return iovecs(a.mem, a.v, a.c.Args[2], a.c.Ret) }),
	"msghdr":       in(func(a arg) string { return msghdr(a.mem, a.v, -1) }),
	"omsghdr":      out(func(a arg) string { return msghdr(a.mem, a.v, a.c.Ret) }),
	"pollfds":      in(func(a arg) string { return pollfds(a.mem, a.v, a.length()) }),
	"epollevent":   in(func(a arg) string { return epollEventArray(a.mem, a.v, 1, false) }),
	"oepollevents": out(func(a arg) string { return epollEventArray(a.mem, a.v, a.length(), true) }),
	"waitstatus":   out(waitStatusArg),
	"ocpuset":      out(func(a arg) string { return cpuSet(a.mem, a.v, a.length()) }),
	"offinout":     {phase: atExit, evenOnError: true, save: savedU64, format: offInOut},
	"mremapaddr": in(func(a arg) string {
		if a.c.Args[3]&6 == 0 { // only MREMAP_FIXED and MREMAP_DONTUNMAP use it
			return omit
		}
		return pointer(a.v)
	}),
	"sigframe": in(func(a arg) string { return sigreturnFrame(a.mem) }),
	"prctlop":  value(func(v uint64) string { return prctlOptions.format(v & 0xffffffff) }),
	"prctlarg": {format: prctlArg, exit: prctlOut},
	"intptr":   in(func(a arg) string { return intPointee(a.mem, a.v) }),

	// clone (process.go): strace reorders x86-64's argument list.
	"cloneflags": in(func(a arg) string { return cloneHead(a.c) }),
	"cloneptid":  {phase: atExit, evenOnError: true, format: cloneParentTid},
	"clonetls":   in(func(a arg) string { return cloneTail(a.c) }),
	"cloneargs": {format: func(a arg) string { return cloneArgs(a.mem, a.v, a.c.Args[1]) },
		suffix: func(a arg) string { return cloneArgsResult(a.mem, a.v) }},
}

// openModeArg prints open's mode only when O_CREAT or O_TMPFILE asks for
// one (the flags are the argument before).
func openModeArg(a arg) string {
	fl := a.c.Args[a.i-1]
	if fl&oCreat == 0 && fl&oTmpfile != oTmpfile {
		return omit
	}
	return octal(a.v & 0xffff)
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

// waitStatusArg prints wait4's status when a child was reaped.
func waitStatusArg(a arg) string {
	if a.c.Ret <= 0 {
		return pointer(a.v)
	}
	return waitStatus(a.mem, a.v)
}

func savedU32(a arg) uint64 {
	v, ok := readU32(a.mem, a.v)
	if !ok {
		return 1 << 32
	}
	return uint64(v)
}

func savedU64(a arg) uint64 {
	v, ok := readU64(a.mem, a.v)
	if !ok {
		a.c.savedBad |= 1 << a.i
	}
	return v
}

// offInOut prints an in-out file offset (sendfile): [2] => [9].
func offInOut(a arg) string {
	if a.c.savedBad&(1<<a.i) != 0 || a.v == 0 {
		return pointer(a.v)
	}
	before := fmt.Sprintf("[%d]", int64(a.c.saved[a.i]))
	after, ok := readU64(a.mem, a.v)
	if !ok || a.c.Errno() != 0 || after == a.c.saved[a.i] {
		return before
	}
	return fmt.Sprintf("%s => [%d]", before, int64(after))
}

// socklen prints an in-out length: [16], or [128 => 16] when the kernel
// changed it.
func socklen(a arg) string {
	before := a.c.saved[a.i]
	if before > 0xffffffff {
		return pointer(a.v)
	}
	after, ok := readU32(a.mem, a.v)
	if !ok || a.c.Errno() != 0 || uint64(after) == before {
		return fmt.Sprintf("[%d]", uint32(before))
	}
	return fmt.Sprintf("[%d => %d]", uint32(before), after)
}

// outSockaddr prints a returned address, as long as the returned length
// (the argument @N points to) says, and no longer than the buffer.
func outSockaddr(a arg) string {
	lenp := a.length()
	n, ok := readU32(a.mem, lenp)
	if !ok {
		return pointer(a.v)
	}
	if j, _, ok := a.linkIndex(); ok && a.c.saved[j] <= 0xffffffff && uint64(n) > a.c.saved[j] {
		n = uint32(a.c.saved[j])
	}
	return sockaddr(a.mem, a.v, uint64(n))
}

func outSockOptVal(a arg) string {
	n, ok := readU32(a.mem, a.length())
	if !ok {
		return pointer(a.v)
	}
	return sockOptVal(a.mem, a.v, uint64(n))
}

// fdPair prints pipe2's and socketpair's two descriptors: [3, 4].
func fdPair(a arg) string {
	b, ok := readFull(a.mem, a.v, 8)
	if !ok {
		return pointer(a.v)
	}
	return fmt.Sprintf("[%d, %d]", int32(le.Uint32(b)), int32(le.Uint32(b[4:])))
}

// archArg is arch_prctl's second argument: an address to set, printed in
// hex, or where ARCH_GET_FS/GS stores the base, [0x7f...] at exit.
var archArg = argType{
	format: func(a arg) string {
		switch a.c.Args[0] & 0xffffffff {
		case 0x1003, 0x1004:
			return deferred
		}
		return hex(a.v)
	},
	exit: func(a arg) string {
		if a.c.Errno() != 0 {
			return pointer(a.v)
		}
		v, ok := readU64(a.mem, a.v)
		if !ok {
			return pointer(a.v)
		}
		return "[" + hex(v) + "]"
	},
}

func ioctlEntryArg(a arg) string {
	if a.c.Args[1]&0xffffffff == 0x5401 || a.c.Args[1]&0xffffffff == 0x5413 || a.c.Args[1]&0xffffffff == 0x541B ||
		a.c.Args[1]&0xffffffff == 0x540F || a.c.Args[1]&0xffffffff == 0x5429 || a.c.Args[1]&0xffffffff == 0x80045430 {
		return deferred
	}
	return ioctlArg(a)
}

func ioctlExitArg(a arg) string {
	if a.c.Errno() != 0 {
		return pointer(a.v)
	}
	return ioctlOutArg(a)
}

// cpuSet prints sched_getaffinity's mask of n bytes: [0 1].
func cpuSet(mem Memory, addr, n uint64) string {
	b, ok := readFull(mem, addr, int(min(n, 1024)))
	if !ok {
		return pointer(addr)
	}
	s := "["
	for i, c := range b {
		for bit := 0; bit < 8; bit++ {
			if c&(1<<bit) != 0 {
				if len(s) > 1 {
					s += " "
				}
				s += fmt.Sprint(i*8 + bit)
			}
		}
	}
	return s + "]"
}
