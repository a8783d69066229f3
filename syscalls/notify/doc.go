// Package notify is a seccomp user-notification supervisor: a process whose
// chosen syscalls stop in the kernel and wait while another process — this
// one — decides them: let them run, fail them with an errno, or carry them
// out on the process's behalf and return the result. Container runtimes use
// it to emulate mount or mknod for unprivileged containers (LXD, sysbox);
// here it is the third way, after ptrace and plain seccomp actions, of
// governing the syscall door described in article 5.
//
// The mechanism (seccomp(2) SECCOMP_FILTER_FLAG_NEW_LISTENER, Linux 5.0;
// seccomp_unotify(2); kernel/seccomp.c), in steps:
//
//  1. Start re-executes this binary (/proc/self/exe) with a marker variable.
//     The child's init function (child.go) locks its OS thread, sets
//     PR_SET_NO_NEW_PRIVS and installs a classic BPF filter (filter.go) that
//     returns SECCOMP_RET_USER_NOTIF for the chosen syscall numbers and
//     SECCOMP_RET_ALLOW otherwise, with SECCOMP_FILTER_FLAG_NEW_LISTENER
//     (+TSYNC, +TSYNC_ESRCH so the two flags can be combined). The kernel
//     returns a listener fd (listener.go).
//  2. The supervisor finds that fd under /proc/PID/fd and copies it into
//     itself with pidfd_open(2) + pidfd_getfd(2); only then does it write
//     the go-ahead byte on a pipe, and the child execs the real command
//     (the listener is close-on-exec; the filter survives exec and binds the
//     command and all its descendants).
//  3. When a thread of the command makes a notified syscall, the kernel
//     queues a struct seccomp_notif and puts the thread to sleep
//     (interruptibly: a signal ends the wait, and the syscall is restarted
//     or fails with EINTR). The supervisor polls the listener, then
//     SECCOMP_IOCTL_NOTIF_RECV fills a zeroed buffer of the size
//     SECCOMP_GET_NOTIF_SIZES reports (recv.go, serve.go).
//  4. A Handler reads the notification — the syscall number, arguments,
//     and, through the emulation helpers, the strings its pointer arguments
//     name, always followed by SECCOMP_IOCTL_NOTIF_ID_VALID (emulate.go:
//     the time-of-check/time-of-use rule) — and returns a Response.
//  5. SECCOMP_IOCTL_NOTIF_SEND answers (respond.go): Continue (flag
//     SECCOMP_USER_NOTIF_FLAG_CONTINUE, the kernel runs the syscall), Deny
//     (a negated errno), Return (a value, the syscall is emulated), or
//     ReturnFD: SECCOMP_IOCTL_NOTIF_ADDFD with SECCOMP_ADDFD_FLAG_SEND
//     installs a supervisor-opened fd in the process and returns its number
//     as the syscall's result, atomically (addfd.go).
//  6. If the thread dies or a signal interrupts the syscall before the
//     answer, the answer fails with ENOENT (ErrGone) and the supervisor goes
//     on. If the supervisor closes the listener (Stop), every pending and
//     later notified syscall fails with ENOSYS.
//
// Run(cmd, syscalls, handler) does all of it for Go users; Start returns a
// Supervisor for more control (Stop, Stats, Options.Filter for a program
// compiled by syscalls/seccomp, Options.Workers handlers in parallel).
//
// Importing the package registers the child half (an init function that
// acts only when the marker variable is set), so any binary that imports it
// can be re-executed as the child: deepsys itself and test binaries.
package notify
