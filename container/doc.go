// Package container is article 13 of the series, Container Internals: an
// OCI runtime in Go, without C. A container is an ordinary process the
// kernel shows a private view of the machine; this package holds no code
// of its own and names the parts:
//
//   - runtime: the OCI lifecycle (create, start, state, kill, delete, run,
//     pause, resume) from a bundle's config.json. The container's init is
//     this binary re-executed with clone flags for the config's
//     namespaces; it builds the rootfs (mounts resolved inside it,
//     pivot_root), sets hostname, rlimits, capabilities, the user, seccomp
//     (through syscalls/seccomp) and no_new_privs, then waits on an exec
//     fifo until start releases it to execve the process.
//
//   - cgroups: the v1 (per-controller hierarchies, our machines) and v2
//     (unified) drivers that put the init into its cgroup and write
//     linux.resources, read stats, freeze and thaw.
//
//   - image: OCI image layouts unpacked into overlay snapshots (whiteouts,
//     opaque directories, hostile tars refused) and mounted as a rootfs.
//
//   - runc: runc's command line (global flags before or after the verb,
//     --log in text or JSON) over runtime, shared by `deepsys container`
//     and the standalone cmd/deepsys-runc that tools point at.
//
// The CLI is `deepsys container ...` (or deepsys-runc ...); docs/container.md maps each
// namespace, cgroup controller and spec section to its code and test.
package container
