// Package seccomp compiles seccomp policies in the OCI runtime-spec / Docker
// JSON format into classic BPF, interprets the compiled programs, and
// installs them with seccomp(2).
//
// seccomp is how a modern kernel lets a process shrink its own door into the
// kernel: before each system call the kernel runs the process's filter, a
// classic BPF program over struct seccomp_data {nr, arch,
// instruction_pointer, args[6]}, and the 32-bit result decides: ALLOW, fail
// with ERRNO, KILL the thread or process, TRAP (SIGSYS), TRACE (stop for a
// ptracer), LOG, or USER_NOTIF (ask a supervisor). seccomp(2),
// Documentation/userspace-api/seccomp_filter.rst, kernel/seccomp.c.
//
// The compiler works in stages, one file each:
//
//  1. parse.go: decode the profile strictly (unknown fields are errors that
//     name the entry); check.go: actions, operators, arches, indexes.
//  2. resolve.go: Docker's includes/excludes (capabilities, arch,
//     minKernel), names to x86-64 numbers (systab), runc's OR-splitting of
//     repeated argument indexes.
//  3. arch.go: the program starts by checking seccomp_data.arch is
//     AUDIT_ARCH_X86_64 and nr is below the x32 bit, else KILL_PROCESS.
//  4. dispatch.go: a binary search over the sorted syscall numbers that
//     have rules, not libseccomp's linear chain (Options.Linear keeps the
//     chain for comparison); args.go: each leaf's 64-bit argument
//     comparisons done as two 32-bit ones; actions.go: SECCOMP_RET_* values.
//  5. bpf.go: layout, jump offsets and trampolines for jumps over 255
//     instructions; the struct sock_filter encoding (Marshal, Unmarshal).
//
// Then: disasm.go prints a program; interp.go runs any seccomp cBPF program
// in user space with the kernel's semantics (the tests hold compiler,
// interpreter, kernel and a direct evaluation of the policy to the same
// answers); validate.go applies the kernel's checks; install.go attaches a
// filter on every thread (TSYNC); exec.go runs a command under one by
// re-executing the current binary, which installs it on one thread and
// execs at once.
//
// What we do not do: filters for other architectures (a policy may list
// them; their syscalls get the bad-arch action), and libseccomp's rule
// merging: within one syscall, rules with argument conditions are tried in
// policy order, first match wins, then the first unconditional rule, then
// the default action.
package seccomp
