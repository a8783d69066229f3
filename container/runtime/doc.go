// Package runtime is the core of an OCI runtime: it reads a bundle's
// config.json (runtime-spec v1), keeps each container's state under a root
// directory, and runs the lifecycle create -> start -> state -> kill ->
// delete that runc implements (runtime-spec, runtime.md "Lifecycle").
//
// How a container is made, with no C and no code between fork and exec:
//
//  1. Create validates the config (unknown namespace types, a missing
//     rootfs and malformed JSON are errors naming the field) and makes the
//     state directory <root>/<id> with a fifo, exec.fifo (mkfifo(3)).
//  2. It re-executes /proc/self/exe with the marker envInit in the
//     environment and SysProcAttr.Cloneflags set to the config's namespaces
//     (clone(2): CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC,
//     CLONE_NEWNET, CLONE_NEWCGROUP). The child is pid 1 of its new pid
//     namespace. The config travels on a pipe (fd 3); the child reports
//     "ready" or its error on a second pipe (fd 4).
//  3. The child, this package's init function, locks its thread and sets up
//     the container (init.go): / becomes MS_PRIVATE, the rootfs is bound on
//     itself, the config's mounts are made at destinations resolved inside
//     the rootfs without following symlinks out of it (resolve.go),
//     pivot_root(".", ".") swaps the root and the old one is detached
//     (pivot_root(2) NOTES; MS_MOVE + chroot when the root is initramfs),
//     masked and readonly paths are applied, the root is remounted
//     read-only if asked, then the hostname and rlimits.
//  4. It opens exec.fifo for writing through a directory fd kept from
//     before pivot_root; open(2) on a fifo blocks until a reader comes
//     (fifo(7)). Create has by then read "ready" and returns: the
//     container is "created", its init blocked in open.
//  5. Start opens the fifo for reading and reads the init's byte, which
//     releases it; Start removes the fifo. The init switches user, changes
//     to process.cwd and execs process.args, under the seccomp filter of
//     linux.seccomp when there is one (syscalls/seccomp Filter.Exec:
//     installed on this thread only, right before execve).
//  6. State reads state.json and checks the pid is still the same process
//     (its start time, /proc/<pid>/stat field 22); Kill sends a signal;
//     Delete removes the state directory of a stopped container.
//
// cgroups are applied through the ApplyResources hook (hooks.go), which
// the cgroups driver sets; this package does not write cgroup files.
package runtime
