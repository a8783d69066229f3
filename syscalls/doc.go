// Package syscalls is article 5 of the series, System Calls: the gateway
// between user space and the kernel, built as the tools engineers use to
// see and govern that gateway. This package holds no code of its own; it
// names the parts, each in its own package:
//
//   - systab: the x86-64 syscall table (numbers, names, errno names,
//     decoder signatures), generated from the machine's kernel headers.
//     A syscall is `syscall` with the number in rax and up to six
//     arguments in rdi, rsi, rdx, r10, r8, r9; the result comes back in
//     rax, a negated errno when in [-4095, -1].
//   - trace: a ptrace tracer as strace is (PTRACE_SEIZE, syscall-entry and
//     -exit stops read with PTRACE_GET_SYSCALL_INFO, fork/clone/exec
//     followed), with `-e trace=` done by a seccomp filter returning
//     SECCOMP_RET_TRACE so untraced syscalls never stop; decode turns
//     each stop's registers and the tracee's memory into strace's line.
//   - seccomp: OCI / Docker seccomp policies compiled to classic BPF with
//     a binary search over syscall numbers, a user-space interpreter of
//     the result, installation with seccomp(2) (TSYNC, NEW_LISTENER);
//     learn writes the minimal allow-list policy from a traced run.
//   - notify: a SECCOMP_RET_USER_NOTIF supervisor that decides, denies or
//     emulates syscalls on the process's behalf (pidfd_getfd, ADDFD),
//     checking NOTIF_ID_VALID against time-of-check/time-of-use races.
//   - cost and tracebench: what each crossing costs on this machine (raw
//     syscall, vDSO, filters of 1 and 100 rules, ptrace and notify round
//     trips) and the tracer measured against strace.
//
// The CLI is `deepsys syscalls trace|learn|seccomp|notify|cost|bench`;
// docs/syscalls.md maps every mechanism to its code and its test.
package syscalls
