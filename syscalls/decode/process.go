package decode

import (
	"fmt"
	"strings"
)

// waitStatus prints wait4's status as strace does:
// [{WIFEXITED(s) && WEXITSTATUS(s) == 0}].
func waitStatus(mem Memory, addr uint64) string {
	v, ok := readU32(mem, addr)
	if !ok {
		return pointer(addr)
	}
	return "[" + statusText(v) + "]"
}

func statusText(s uint32) string {
	var t string
	switch low := s & 0x7f; {
	case s&0xffff == 0xffff:
		t = "{WIFCONTINUED(s)}"
	case s&0xff == 0x7f:
		t = fmt.Sprintf("{WIFSTOPPED(s) && WSTOPSIG(s) == %s}", signal(uint64(s>>8&0xff)))
		if ev := s >> 16; ev != 0 {
			t += " | " + ptraceEvents.format(uint64(ev)) + " << 16"
		}
		return t
	case low == 0:
		t = fmt.Sprintf("{WIFEXITED(s) && WEXITSTATUS(s) == %d}", s>>8&0xff)
	default:
		t = fmt.Sprintf("{WIFSIGNALED(s) && WTERMSIG(s) == %s", signal(uint64(low)))
		if s&0x80 != 0 {
			t += " && WCOREDUMP(s)"
		}
		t += "}"
	}
	if rest := s &^ 0xffff; rest != 0 {
		t += fmt.Sprintf(" | %#x", rest)
	}
	return t
}

var ptraceEvents = enum{"PTRACE_EVENT", []flag{
	{1, "PTRACE_EVENT_FORK"}, {2, "PTRACE_EVENT_VFORK"}, {3, "PTRACE_EVENT_CLONE"}, {4, "PTRACE_EVENT_EXEC"},
	{5, "PTRACE_EVENT_VFORK_DONE"}, {6, "PTRACE_EVENT_EXIT"}, {7, "PTRACE_EVENT_SECCOMP"}, {128, "PTRACE_EVENT_STOP"},
}}

const (
	cloneSettls        = 0x80000
	cloneParentSettid  = 0x100000
	cloneChildCleartid = 0x200000
	cloneChildSettid   = 0x1000000
	clonePidfd         = 0x1000
)

// cloneFlagsText prints clone's flags word: CLONE_*|SIGCHLD, the exit
// signal in the low byte.
func cloneFlagsText(v uint64) string {
	sig := v & 0xff
	names, rest := cloneFlags.split(v &^ 0xff)
	if sig != 0 {
		if rest != 0 {
			names = append(names, hex(rest))
			rest = 0
		}
		names = append(names, signal(sig))
	}
	if len(names) == 0 {
		if rest == 0 {
			return "0"
		}
		return fmt.Sprintf("%#x /* CLONE_??? */", rest)
	}
	return joinFlags(names, rest, "CLONE")
}

// cloneHead prints clone(2)'s first argument the way strace reorders the
// x86-64 argument list: child_stack=, flags= (argument 1 is the stack).
func cloneHead(c *Call) string {
	return fmt.Sprintf("child_stack=%s, flags=%s", pointer(c.Args[1]), cloneFlagsText(c.Args[0]))
}

// cloneTail prints tls= and child_tidptr= when the flags use them (strace
// prints them in this order, after parent_tid).
func cloneTail(c *Call) string {
	var out []string
	if c.Args[0]&cloneSettls != 0 {
		out = append(out, "tls="+pointer(c.Args[4]))
	}
	if c.Args[0]&(cloneChildSettid|cloneChildCleartid) != 0 {
		out = append(out, "child_tidptr="+pointer(c.Args[3]))
	}
	if len(out) == 0 {
		return omit
	}
	return strings.Join(out, ", ")
}

// cloneParentTid prints parent_tid=[pid] at exit when CLONE_PARENT_SETTID.
func cloneParentTid(a arg) string {
	if a.c.Args[0]&cloneParentSettid == 0 {
		return omit
	}
	if a.c.Errno() != 0 || !a.c.Exited {
		return "parent_tid=" + pointer(a.v)
	}
	return "parent_tid=" + intPointee(a.mem, a.v)
}

// intPointee prints the int at addr as [N].
func intPointee(mem Memory, addr uint64) string {
	v, ok := readU32(mem, addr)
	if !ok {
		return pointer(addr)
	}
	return fmt.Sprintf("[%d]", int32(v))
}

// cloneArgs prints clone3's struct clone_args (linux/sched.h) at entry.
func cloneArgs(mem Memory, addr, size uint64) string {
	if size < 64 || size > 4096 {
		return pointer(addr)
	}
	b, ok := readFull(mem, addr, 64)
	if !ok {
		return pointer(addr)
	}
	u := func(i int) uint64 { return le.Uint64(b[i*8:]) }
	fl := u(0)
	s := "{flags=" + cloneFlags.format(fl)
	if fl&clonePidfd != 0 {
		s += ", pidfd=" + pointer(u(1))
	}
	if fl&(cloneChildSettid|cloneChildCleartid) != 0 {
		s += ", child_tid=" + pointer(u(2))
	}
	if fl&cloneParentSettid != 0 {
		s += ", parent_tid=" + pointer(u(3))
	}
	sig := "0"
	if u(4) != 0 {
		sig = signal(u(4))
	}
	s += fmt.Sprintf(", exit_signal=%s, stack=%s, stack_size=%s", sig, pointer(u(5)), hex(u(6)))
	if fl&cloneSettls != 0 {
		s += ", tls=" + pointer(u(7))
	}
	return s + "}"
}

// cloneArgsResult is what clone3 wrote: " => {parent_tid=[pid]}".
func cloneArgsResult(mem Memory, addr uint64) string {
	b, ok := readFull(mem, addr, 32)
	if !ok {
		return ""
	}
	fl := le.Uint64(b)
	var out []string
	if fl&clonePidfd != 0 {
		out = append(out, "pidfd="+intPointee(mem, le.Uint64(b[8:])))
	}
	if fl&cloneParentSettid != 0 {
		out = append(out, "parent_tid="+intPointee(mem, le.Uint64(b[24:])))
	}
	if len(out) == 0 {
		return ""
	}
	return " => {" + strings.Join(out, ", ") + "}"
}

// waitStatusArg prints wait4's status when a child was reaped.
func waitStatusArg(a arg) string {
	if a.c.Ret <= 0 {
		return pointer(a.v)
	}
	return waitStatus(a.mem, a.v)
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
