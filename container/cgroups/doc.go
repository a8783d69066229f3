// Package cgroups puts a container's processes into control groups and sets
// the limits of the OCI runtime spec's linux.resources on them: the part of a
// container that decides what it may consume (Article 13, "cgroups v2").
//
// A control group is a directory in a cgroup file system; its files are the
// kernel's interface (Documentation/admin-guide/cgroup-v1/*.rst,
// Documentation/admin-guide/cgroup-v2.rst, cgroups(7)). Two layouts exist:
//
//   - v1: one hierarchy per controller (or per co-mounted set such as
//     "cpu,cpuacct"), each its own mount of type "cgroup". A process is in one
//     group per hierarchy; the container's group is the same relative path
//     under each mount point.
//   - v2: a single "cgroup2" hierarchy. Controllers must be enabled for a
//     subtree by writing "+memory" etc. to each ancestor's
//     cgroup.subtree_control; freezing and killing are core files
//     (cgroup.freeze, cgroup.kill), not controllers.
//   - hybrid (this project's machines): v1 controllers plus a cgroup2 mount
//     that holds few or no controllers. The v1 driver is used, as runc does.
//
// How a Manager is used by the runtime:
//
//  1. New(path) reads /proc/self/mountinfo (proc(5)) and finds the cgroup
//     mounts (detect.go). Controllers mounted as v1 select the v1 driver;
//     otherwise a cgroup2 mount selects the v2 driver.
//  2. Apply(pid) creates the group's directory in every hierarchy (v1) or the
//     one hierarchy (v2) and writes pid to cgroup.procs, which moves all its
//     threads (cgroups(7), "Creating cgroups and moving processes"). On v1
//     a new cpuset group starts with empty cpuset.cpus/mems and refuses tasks
//     (ENOSPC) until they are copied from the parent (cpusets.rst 1.9).
//     The runtime uses Prepare instead (join.go): the group is made and
//     limited with no process in it, the init is born in the cgroup2 group
//     and its execing thread joins the v1 groups itself (JoinThread),
//     which spares the RCU grace period a cgroup.procs write waits for.
//  3. Set(resources) translates the OCI fields into the driver's files
//     (v1_resources.go, v2_resources.go). Device rules go to v1's
//     devices.allow/deny or, on v2, into a BPF_PROG_TYPE_CGROUP_DEVICE
//     program attached to the group (v2_devices.go). A config the files cannot
//     take is refused before anything is created.
//  4. Stats reads usage back; Freeze/Thaw pause the group (v1 freezer.state,
//     v2 cgroup.freeze) and wait until the kernel reports it frozen; Frozen
//     reads it back. OOMEvents reports each OOM (oom.go: a v1 eventfd
//     registered on memory.oom_control, v2 inotify on memory.events).
//  5. Destroy removes the directories; rmdir fails with EBUSY while a task
//     is still leaving, so it retries briefly.
//
// Paths are cgroup paths (like the spec's linux.cgroupsPath): relative to the
// root of each hierarchy, never containing "..".
package cgroups
