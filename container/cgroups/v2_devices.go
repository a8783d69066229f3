package cgroups

import (
	"fmt"
	"math"
	"strconv"

	"github.com/cilium/ebpf"
	"github.com/cilium/ebpf/asm"
	"github.com/cilium/ebpf/link"
	specs "github.com/opencontainers/runtime-spec/specs-go"
	"golang.org/x/sys/unix"
)

// cgroup v2 has no devices.allow: device access is decided by a
// BPF_PROG_TYPE_CGROUP_DEVICE program attached to the group
// (cgroup-v2.rst, "Device controller"; include/uapi/linux/bpf.h). The
// kernel runs it on every open and mknod of a device node with a
// struct bpf_cgroup_dev_ctx { u32 access_type; u32 major; u32 minor; },
// access_type = access << 16 | type, and allows the access iff it returns 1.
const (
	devCtxAccessType = 0 // offsetof(struct bpf_cgroup_dev_ctx, access_type)
	devCtxMajor      = 4
	devCtxMinor      = 8

	devTypeBlock = 1 // BPF_DEVCG_DEV_BLOCK
	devTypeChar  = 2 // BPF_DEVCG_DEV_CHAR

	devAccMknod = 1 // BPF_DEVCG_ACC_MKNOD
	devAccRead  = 2 // BPF_DEVCG_ACC_READ
	devAccWrite = 4 // BPF_DEVCG_ACC_WRITE
)

// setDevicesV2 compiles the rules and attaches the program to the group with
// BPF_F_ALLOW_OVERRIDE, so the next Set replaces it. BPF_PROG_ATTACH (not a
// bpf_link) keeps the program attached after this process exits, as the
// runtime does not outlive the container.
func (m *v2) setDevicesV2(rules []specs.LinuxDeviceCgroup) error {
	insns, err := devicesProgram(rules)
	if err != nil {
		return err
	}
	prog, err := ebpf.NewProgram(&ebpf.ProgramSpec{Name: "deepsys_dev", Type: ebpf.CGroupDevice, Instructions: insns, License: "GPL"})
	if err != nil {
		return fmt.Errorf("cgroups: loading the devices program: %w", err)
	}
	defer prog.Close()
	fd, err := unix.Open(m.dir(), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("cgroups: open %s: %w", m.dir(), err)
	}
	defer unix.Close(fd)
	err = link.RawAttachProgram(link.RawAttachProgramOptions{Target: fd, Program: prog,
		Attach: ebpf.AttachCGroupDevice, Flags: unix.BPF_F_ALLOW_OVERRIDE})
	if err != nil {
		return fmt.Errorf("cgroups: attaching the devices program to %s: %w", m.dir(), err)
	}
	return nil
}

// devicesProgram compiles OCI device rules. Later rules override earlier
// ones (as on v1, where each is applied in turn), so the program tests
// them last to first and the first match decides: an allow rule matches a
// request whose access bits it all grants, a deny rule one that asks for
// any bit it names. No match allows, the kernel's default without a program.
//
//	r2 = access, r3 = type, r4 = major, r5 = minor
//	per rule: compare, jump to the next rule on a mismatch; r0 = verdict; exit
func devicesProgram(rules []specs.LinuxDeviceCgroup) (asm.Instructions, error) {
	insns := asm.Instructions{
		asm.LoadMem(asm.R2, asm.R1, devCtxAccessType, asm.Word),
		asm.Mov.Reg32(asm.R3, asm.R2),
		asm.And.Imm32(asm.R3, 0xffff),
		asm.RSh.Imm32(asm.R2, 16),
		asm.LoadMem(asm.R4, asm.R1, devCtxMajor, asm.Word),
		asm.LoadMem(asm.R5, asm.R1, devCtxMinor, asm.Word),
	}
	for i := len(rules) - 1; i >= 0; i-- {
		next := "rule" + strconv.Itoa(i)
		ri, err := ruleInsns(rules[i], next)
		if err != nil {
			return nil, fmt.Errorf("cgroups: linux.resources.devices[%d]: %w", i, err)
		}
		insns = append(insns, ri...)
		insns = append(insns, asm.Mov.Imm(asm.R0, 0).WithSymbol(next)) // a no-op that carries the label
	}
	return append(insns, asm.Mov.Imm(asm.R0, 1), asm.Return()), nil
}

// ruleInsns tests one rule, jumping to next when it does not match.
func ruleInsns(r specs.LinuxDeviceCgroup, next string) (asm.Instructions, error) {
	if _, err := deviceRule(r); err != nil {
		return nil, err
	}
	var insns asm.Instructions
	switch r.Type {
	case "b":
		insns = append(insns, asm.JNE.Imm(asm.R3, devTypeBlock, next))
	case "c":
		insns = append(insns, asm.JNE.Imm(asm.R3, devTypeChar, next))
	}
	for _, n := range []struct {
		reg asm.Register
		v   *int64
	}{{asm.R4, r.Major}, {asm.R5, r.Minor}} {
		if n.v != nil && *n.v >= 0 {
			if *n.v > math.MaxInt32 {
				return nil, fmt.Errorf("device number %d is too large", *n.v)
			}
			insns = append(insns, asm.JNE.Imm(n.reg, int32(*n.v), next))
		}
	}
	mask := accessMask(r.Access)
	insns = append(insns, asm.Mov.Reg(asm.R0, asm.R2))
	if r.Allow {
		insns = append(insns, asm.And.Imm(asm.R0, ^mask), asm.JNE.Imm(asm.R0, 0, next), asm.Mov.Imm(asm.R0, 1))
	} else {
		insns = append(insns, asm.And.Imm(asm.R0, mask), asm.JEq.Imm(asm.R0, 0, next), asm.Mov.Imm(asm.R0, 0))
	}
	return append(insns, asm.Return()), nil
}

// accessMask turns "rwm" into BPF_DEVCG_ACC_* bits; "" means all three.
func accessMask(access string) int32 {
	if access == "" {
		access = "rwm"
	}
	var m int32
	for _, c := range access {
		switch c {
		case 'r':
			m |= devAccRead
		case 'w':
			m |= devAccWrite
		case 'm':
			m |= devAccMknod
		}
	}
	return m
}
