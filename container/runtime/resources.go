package runtime

import "github.com/opencontainers/runtime-spec/specs-go"

// ApplyResources, when set, puts the init process pid of container id into
// a cgroup with the limits of linux.resources (which may be nil). Create
// calls it right after the init starts and before the init reads its
// config, so the limits hold before any of the container's setup runs. The
// cgroups driver (container/cgroups) sets it; nil leaves the container in
// the runtime's own cgroup.
var ApplyResources func(id string, pid int, res *specs.LinuxResources) error
