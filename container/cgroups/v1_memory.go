package cgroups

import (
	"errors"
	"fmt"
	"strconv"

	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// setMemory writes the v1 memory controller's limits
// (Documentation/admin-guide/cgroup-v1/memory.rst):
//
//  1. limit -> memory.limit_in_bytes, swap -> memory.memsw.limit_in_bytes.
//     OCI's swap is memory+swap, which is exactly memsw. The kernel keeps
//     limit <= memsw, so when raising both it must write memsw first and
//     when lowering, limit first: try limit first and, on EINVAL, swap the
//     order.
//  2. reservation -> memory.soft_limit_in_bytes.
//  3. swappiness -> memory.swappiness, disableOOMKiller -> memory.oom_control.
//
// kernel and kernelTCP are ignored: Linux 6.x no longer enforces kmem limits
// and the runtime spec marks them deprecated.
func (m *v1) setMemory(r *specs.LinuxResources) error {
	mem := r.Memory
	if mem == nil {
		return nil
	}
	d, err := m.need("memory", "memory")
	if err != nil {
		return err
	}
	if err := setLimitAndSwap(d, mem.Limit, mem.Swap); err != nil {
		return err
	}
	if mem.Reservation != nil {
		if err := writeFile(d, "memory.soft_limit_in_bytes", i64(mem.Reservation)); err != nil {
			return err
		}
	}
	return setMemoryFlags(d, mem)
}

// checkSwap rejects a memory+swap total below the memory limit.
func checkSwap(mem *specs.LinuxMemory) error {
	if mem.Swap == nil || mem.Limit == nil || *mem.Swap < 0 || *mem.Limit < 0 {
		return nil
	}
	if *mem.Swap < *mem.Limit {
		return fmt.Errorf("cgroups: linux.resources.memory.swap (%d) is memory+swap and must be >= memory.limit (%d)",
			*mem.Swap, *mem.Limit)
	}
	return nil
}

func setLimitAndSwap(d string, limit, swap *int64) error {
	if swap == nil || !exists(d, "memory.memsw.limit_in_bytes") {
		if limit == nil {
			return nil
		}
		return writeFile(d, "memory.limit_in_bytes", i64(limit))
	}
	if limit == nil {
		return writeFile(d, "memory.memsw.limit_in_bytes", i64(swap))
	}
	err := writeFile(d, "memory.limit_in_bytes", i64(limit))
	if errors.Is(err, unix.EINVAL) {
		if err := writeFile(d, "memory.memsw.limit_in_bytes", i64(swap)); err != nil {
			return err
		}
		return writeFile(d, "memory.limit_in_bytes", i64(limit))
	}
	if err != nil {
		return err
	}
	return writeFile(d, "memory.memsw.limit_in_bytes", i64(swap))
}

func setMemoryFlags(d string, mem *specs.LinuxMemory) error {
	if mem.Swappiness != nil {
		if err := writeFile(d, "memory.swappiness", u64(mem.Swappiness)); err != nil {
			return err
		}
	}
	if mem.DisableOOMKiller != nil && *mem.DisableOOMKiller {
		return writeFile(d, "memory.oom_control", strconv.Itoa(1))
	}
	return nil
}
