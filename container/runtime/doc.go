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
//  2. It re-executes itself with the marker envInit in the environment and
//     SysProcAttr.Cloneflags set to the config's new namespaces (clone(2):
//     CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWUTS, CLONE_NEWIPC, CLONE_NEWNET,
//     CLONE_NEWCGROUP, CLONE_NEWUSER with the uid/gid mappings: userns.go),
//     from a locked launch thread that has first setns(2)'d into the
//     namespaces given by path (launch.go, setns.go). The child is pid 1 of
//     its new pid namespace. The config travels on a pipe (fd 3); the child
//     reports "ready" or its error on a second pipe (fd 4).
//  3. The child, this package's init function, locks its thread, makes its
//     time namespace (timens.go) and sets up the container (init.go): it
//     makes / rslave, binds the rootfs on itself, makes the config's mounts
//     at destinations resolved inside the rootfs without following
//     symlinks out of it (resolve.go), fills /dev, makes linux.devices,
//     masks and write-protects paths, has the runtime run the createRuntime
//     hooks and runs createContainer (hooks.go), then pivot_root(".", ".")
//     swaps the root and the old one is detached (pivot_root(2) NOTES;
//     MS_MOVE + chroot when the root is initramfs), the root is remounted
//     read-only if asked, then hostname, sysctl, rlimits, and the pty of
//     process.terminal (console.go).
//  4. It writes "ready" and opens exec.fifo for writing through a directory
//     fd kept from before pivot_root; open(2) on a fifo blocks until a
//     reader comes (fifo(7)). Create has by then read "ready" and returns:
//     the container is "created", its init blocked in open.
//  5. Start opens the fifo for reading and reads the init's byte, which
//     releases it; Start removes the fifo and runs the poststart hooks. The
//     init's thread joins the container's cgroup (resources.go), then it
//     runs startContainer, takes the terminal, cuts the capability
//     bounding set, switches user keeping the capabilities it was given
//     (caps.go), changes to process.cwd and execs process.args, under the
//     seccomp filter of linux.seccomp when there is one (syscalls/seccomp
//     Filter.Exec: installed on this thread only, right before execve).
//  6. Exec (exec.go) starts another process in a running container the
//     same way: the launch thread joins the container's namespaces, the
//     child joins its cgroup, applies the process section and execs.
//  7. State reads state.json and checks the pid is still the same process
//     (its start time, /proc/<pid>/stat field 22); Kill sends a signal;
//     Delete runs the poststop hooks and removes the state directory.
//
// The container's cgroup (linux.cgroupsPath, or deepsys/<id>) is made and
// limited before the init starts and joined late, by the init's execing
// thread, through container/cgroups (resources.go); this package writes
// no cgroup file itself.
package runtime
