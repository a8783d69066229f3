// Package startbench measures how fast and how small a container starts:
// our runtime (the standalone deepsys-runc binary) against runc and crun,
// the same busybox bundle for all three. It is `deepsys container bench`.
//
// The method (internal/bench does the interleaving and the medians):
//
//  1. New makes one bundle per runtime in a temporary directory, all on one
//     rootfs (Debian's static busybox with `true` and `sh` linked to it).
//     The configs are identical (runtime.Example running `true`, read-only
//     root, no terminal, ociVersion 1.0.2, which crun 1.8.1 still accepts)
//     except linux.cgroupsPath, deepsys-bench-<pid>/<runtime>, so each
//     runtime's cgroup can be read. Each runtime gets its own --root.
//  2. crun refuses the hybrid cgroup layout of our machines (v1 controllers
//     plus a cgroup2 mount with only hugetlb): it reads
//     /sys/fs/cgroup/unified/cgroup.controllers and wants to drive v2.
//     Once, New locks a goroutine to its OS thread, unshares a mount
//     namespace there (unshare(2) CLONE_NEWNS), makes / a recursive slave
//     (mount_namespaces(7)) and binds an empty file over that
//     cgroup.controllers; every crun command is started from that thread,
//     whose fork the child inherits the namespace from (hidecgroup.go). The
//     thread is never unlocked, so it dies with the bench and no other
//     goroutine runs in that namespace. Nothing of it is paid per round.
//  3. The bench process is a child subreaper (prctl(2)
//     PR_SET_CHILD_SUBREAPER): a container's init, orphaned when `create`
//     exits, becomes its child, so "wait" is wait4(2) on the pid from
//     --pid-file, exact and with no polling of `state` (reaper.go).
//  4. Workloads, each round running every runtime once, in turn:
//     - `run true`: wall time of `RUNTIME run`, until it exits.
//     - create+start+wait+delete: `create --pid-file`, `start`, wait4 on
//     the pid, `delete`.
//     - peak RSS: ru_maxrss of `RUNTIME run` (wait4's rusage of a child
//     covers the children it reaped, so the runtime's init counts too;
//     an exec records the old image's peak, getrusage(2)).
//     - memory charged before the process starts: after `create` returns,
//     the container cgroup's memory usage (v1 memory.usage_in_bytes,
//     v2 memory.current) through container/cgroups; then kill, wait4
//     and delete.
//  5. Close deletes what is left, removes the cgroup parent
//     deepsys-bench-<pid>, ends the namespace thread and clears the
//     subreaper flag.
//
// A missing peer (runc at /usr/sbin/runc, crun on PATH, busybox) is a clear
// error naming the Debian package, not a skipped row.
package startbench
