package cgroups

import (
	"fmt"
	"math"

	"github.com/deepsys/deepsys/ebpf"
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
// runtime does not outlive the container (bpf_load.go).
func (m *v2) setDevicesV2(rules []specs.LinuxDeviceCgroup) error {
	insns, err := devicesProgram(rules)
	if err != nil {
		return err
	}
	prog, err := loadDevicesProgram(insns)
	if err != nil {
		return fmt.Errorf("cgroups: loading the devices program: %w", err)
	}
	defer unix.Close(prog)
	fd, err := unix.Open(m.dir(), unix.O_RDONLY|unix.O_DIRECTORY|unix.O_CLOEXEC, 0)
	if err != nil {
		return fmt.Errorf("cgroups: open %s: %w", m.dir(), err)
	}
	defer unix.Close(fd)
	if err := attachDevicesProgram(fd, prog); err != nil {
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
//	per rule: compare, jump past the rule on a mismatch; r0 = verdict; exit
func devicesProgram(rules []specs.LinuxDeviceCgroup) ([]ebpf.Instruction, error) {
	insns := []ebpf.Instruction{
		loadWord(2, 1, devCtxAccessType),
		alu32Reg(ebpf.ALUMov, 3, 2),
		alu32Imm(ebpf.ALUAnd, 3, 0xffff),
		alu32Imm(ebpf.ALURsh, 2, 16),
		loadWord(4, 1, devCtxMajor),
		loadWord(5, 1, devCtxMinor),
	}
	for i := len(rules) - 1; i >= 0; i-- {
		ri, err := ruleInsns(rules[i])
		if err != nil {
			return nil, fmt.Errorf("cgroups: linux.resources.devices[%d]: %w", i, err)
		}
		insns = append(insns, ri...)
	}
	return append(insns, alu64Imm(ebpf.ALUMov, 0, 1), exit()), nil
}

// ruleInsns tests one rule; each of its jumps goes past the rule (to the
// next rule's first instruction) when the rule does not match.
func ruleInsns(r specs.LinuxDeviceCgroup) ([]ebpf.Instruction, error) {
	if _, err := deviceRule(r); err != nil {
		return nil, err
	}
	var insns []ebpf.Instruction
	switch r.Type {
	case "b":
		insns = append(insns, jumpImm(ebpf.JumpNE, 3, devTypeBlock))
	case "c":
		insns = append(insns, jumpImm(ebpf.JumpNE, 3, devTypeChar))
	}
	for _, n := range []struct {
		reg uint8
		v   *int64
	}{{4, r.Major}, {5, r.Minor}} {
		if n.v != nil && *n.v >= 0 {
			if *n.v > math.MaxInt32 {
				return nil, fmt.Errorf("device number %d is too large", *n.v)
			}
			insns = append(insns, jumpImm(ebpf.JumpNE, n.reg, int32(*n.v)))
		}
	}
	mask := accessMask(r.Access)
	insns = append(insns, alu64Reg(ebpf.ALUMov, 0, 2))
	if r.Allow {
		insns = append(insns, alu64Imm(ebpf.ALUAnd, 0, ^mask), jumpImm(ebpf.JumpNE, 0, 0), alu64Imm(ebpf.ALUMov, 0, 1))
	} else {
		insns = append(insns, alu64Imm(ebpf.ALUAnd, 0, mask), jumpImm(ebpf.JumpEq, 0, 0), alu64Imm(ebpf.ALUMov, 0, 0))
	}
	insns = append(insns, exit())
	for i := range insns { // every jump of a rule leaves it
		if insns[i].Class() == ebpf.ClassJMP && insns[i].JumpOp() != ebpf.JumpExit {
			insns[i].Offset = int16(len(insns) - i - 1)
		}
	}
	return insns, nil
}

// The instruction forms the program uses (RFC 9669 sections 4 and 5).
func loadWord(dst, src uint8, off int16) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassLDX) | uint8(ebpf.ModeMEM) | uint8(ebpf.SizeW), Dst: dst, Src: src, Offset: off}
}
func alu32Reg(op ebpf.ALUOp, dst, src uint8) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassALU) | uint8(op) | uint8(ebpf.SourceX), Dst: dst, Src: src}
}
func alu32Imm(op ebpf.ALUOp, dst uint8, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassALU) | uint8(op) | uint8(ebpf.SourceK), Dst: dst, Imm: imm}
}
func alu64Reg(op ebpf.ALUOp, dst, src uint8) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassALU64) | uint8(op) | uint8(ebpf.SourceX), Dst: dst, Src: src}
}
func alu64Imm(op ebpf.ALUOp, dst uint8, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassALU64) | uint8(op) | uint8(ebpf.SourceK), Dst: dst, Imm: imm}
}
func jumpImm(op ebpf.JumpOp, dst uint8, imm int32) ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(op) | uint8(ebpf.SourceK), Dst: dst, Imm: imm}
}
func exit() ebpf.Instruction {
	return ebpf.Instruction{Opcode: uint8(ebpf.ClassJMP) | uint8(ebpf.JumpExit)}
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
