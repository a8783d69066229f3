// Package cost measures what crossing the syscall door costs on this
// machine, by every route article 5 describes, and prints it as a table
// (`deepsys syscalls cost`). Each figure is ns per call, measured in a
// child process: this binary re-executed with a marker variable, whose init
// function runs a loop on its locked main thread and prints ns per
// iteration (child.go).
//
// The rows, and what the kernel does for each (arch/x86/entry/,
// kernel/entry/common.c, kernel/seccomp.c):
//
//  1. getppid, raw: the syscall instruction, the entry stub, a table jump
//     to sys_getppid (one field read), sysret. The floor of any syscall; on
//     CPUs with speculative-execution mitigations most of it is the
//     mitigations (retpolines, return thunks, IBPB), not the work.
//  2. time.Now via the vDSO: clock_gettime runs in user space on a page the
//     kernel shares with every process (vdso(7)); no kernel entry at all.
//     The next row makes the same two clock reads with the syscall.
//  3. getppid under a seccomp filter: any filter sets SYSCALL_WORK_SECCOMP,
//     so every syscall takes the slow entry path to __secure_computing.
//     Since Linux 5.11 the kernel first checks a per-filter bitmap of
//     syscalls whose answer is ALLOW whatever the arguments (the action
//     cache, filled by emulating the filter at install time) and then skips
//     the filter. Rows "action cache hit" measure that path; rows
//     "uncacheable" prefix the filter with a load of the instruction
//     pointer (filter.go Uncacheable), so the filter — translated to eBPF
//     and JIT-compiled when net.core.bpf_jit_enable is set — runs every
//     time, as a policy with argument checks does for the syscalls it
//     checks. The 100-rule chain makes getppid pass all 100 compares: the
//     worst case of a linear chain, which syscalls/seccomp's binary search
//     cuts to about 7 (Config.Filters takes its programs).
//  4. getppid under ptrace: PTRACE_SYSCALL stops the thread at entry and
//     exit; each stop is a context switch to the tracer and back (ptrace.go).
//     SECCOMP_RET_TRACE stops only the filtered syscall, once.
//  5. getppid under a user-notify supervisor answering CONTINUE: the thread
//     sleeps, the supervisor wakes, polls, receives, sends, the thread wakes
//     and runs the syscall (syscalls/notify). Optionally with
//     SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6).
//
// Rows after the third report the cost added to raw getppid, paired by
// run. Every row is the median of at least 5 runs, rows interleaved within
// a run (A B C ... A B C ...); within a run the child reports its fastest
// of 50 batches, since on a shared machine other load only adds time. The
// issue's goals — a 100-rule policy adds <= 25 ns, a user-notify round trip
// <= 10 us — are printed beside the figures they bound.
package cost
