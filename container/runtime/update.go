package runtime

import (
	"fmt"

	"github.com/opencontainers/runtime-spec/specs-go"
)

// runc update: new limits written to a live container's cgroup and merged
// into the linux.resources its state.json keeps.

// Update writes res to the cgroup of a running (or created or paused)
// container, and merges it into the resources state.json keeps, so that a
// later Resources sees the limits in force. Fields that res leaves nil
// are not changed.
func Update(root, id string, res *specs.LinuxResources) error {
	m, r, err := liveCgroup(root, id)
	if err != nil {
		return err
	}
	if err := m.Set(res); err != nil {
		return fmt.Errorf("container %q: %w", id, err)
	}
	r.Resources = mergeResources(r.Resources, res)
	return r.save(stateDir(root, id))
}

// Resources returns the linux.resources container id was created with,
// with every Update applied since.
func Resources(root, id string) (*specs.LinuxResources, error) {
	r, err := loadRecord(root, id)
	if err != nil {
		return nil, err
	}
	if r.Resources == nil {
		return &specs.LinuxResources{}, nil
	}
	return r.Resources, nil
}

// mergeResources is old with every non-nil field of upd laid over it,
// section by section (memory, cpu, pids, blockIO); devices and the rest
// are replaced when upd gives them.
func mergeResources(old, upd *specs.LinuxResources) *specs.LinuxResources {
	out := specs.LinuxResources{}
	if old != nil {
		out = *old
	}
	if upd.Memory != nil {
		out.Memory = mergeMemory(out.Memory, upd.Memory)
	}
	if upd.CPU != nil {
		out.CPU = mergeCPU(out.CPU, upd.CPU)
	}
	if upd.Pids != nil {
		out.Pids = upd.Pids
	}
	if upd.BlockIO != nil {
		out.BlockIO = mergeBlockIO(out.BlockIO, upd.BlockIO)
	}
	if upd.Devices != nil {
		out.Devices = upd.Devices
	}
	if upd.HugepageLimits != nil {
		out.HugepageLimits = upd.HugepageLimits
	}
	if upd.Unified != nil {
		out.Unified = upd.Unified
	}
	return &out
}

func mergeMemory(old, upd *specs.LinuxMemory) *specs.LinuxMemory {
	out := specs.LinuxMemory{}
	if old != nil {
		out = *old
	}
	setIf(&out.Limit, upd.Limit)
	setIf(&out.Reservation, upd.Reservation)
	setIf(&out.Swap, upd.Swap)
	//lint:ignore SA1019 a deprecated field the config may still carry; kept as given
	setIf(&out.Kernel, upd.Kernel)
	setIf(&out.KernelTCP, upd.KernelTCP)
	setIf(&out.Swappiness, upd.Swappiness)
	setIf(&out.DisableOOMKiller, upd.DisableOOMKiller)
	setIf(&out.UseHierarchy, upd.UseHierarchy)
	setIf(&out.CheckBeforeUpdate, upd.CheckBeforeUpdate)
	return &out
}

func mergeCPU(old, upd *specs.LinuxCPU) *specs.LinuxCPU {
	out := specs.LinuxCPU{}
	if old != nil {
		out = *old
	}
	setIf(&out.Shares, upd.Shares)
	setIf(&out.Quota, upd.Quota)
	setIf(&out.Burst, upd.Burst)
	setIf(&out.Period, upd.Period)
	setIf(&out.RealtimeRuntime, upd.RealtimeRuntime)
	setIf(&out.RealtimePeriod, upd.RealtimePeriod)
	setIf(&out.Idle, upd.Idle)
	if upd.Cpus != "" {
		out.Cpus = upd.Cpus
	}
	if upd.Mems != "" {
		out.Mems = upd.Mems
	}
	return &out
}

func mergeBlockIO(old, upd *specs.LinuxBlockIO) *specs.LinuxBlockIO {
	out := specs.LinuxBlockIO{}
	if old != nil {
		out = *old
	}
	setIf(&out.Weight, upd.Weight)
	setIf(&out.LeafWeight, upd.LeafWeight)
	if upd.WeightDevice != nil {
		out.WeightDevice = upd.WeightDevice
	}
	if upd.ThrottleReadBpsDevice != nil {
		out.ThrottleReadBpsDevice = upd.ThrottleReadBpsDevice
	}
	if upd.ThrottleWriteBpsDevice != nil {
		out.ThrottleWriteBpsDevice = upd.ThrottleWriteBpsDevice
	}
	if upd.ThrottleReadIOPSDevice != nil {
		out.ThrottleReadIOPSDevice = upd.ThrottleReadIOPSDevice
	}
	if upd.ThrottleWriteIOPSDevice != nil {
		out.ThrottleWriteIOPSDevice = upd.ThrottleWriteIOPSDevice
	}
	return &out
}

// setIf sets *dst to v when v is given.
func setIf[T any](dst **T, v *T) {
	if v != nil {
		*dst = v
	}
}
