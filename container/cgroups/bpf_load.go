package cgroups

import (
	"errors"
	"fmt"
	"runtime"
	"strings"
	"unsafe"

	"github.com/deepsys/deepsys/ebpf"
	"golang.org/x/sys/unix"
)

// The devices program goes to the kernel through bpf(2) directly: two
// commands, BPF_PROG_LOAD and BPF_PROG_ATTACH, each with its part of
// union bpf_attr (include/uapi/linux/bpf.h). The instructions are encoded
// by the project's eBPF package (ebpf.Encode), so the runtime does not
// link a general eBPF library (which, with its ELF, BTF and Go-source
// dependencies, was a quarter of deepsys-runc and of the pages its
// start-up touches).

// progLoadAttr is bpf_attr's BPF_PROG_LOAD part, up to prog_name. The
// kernel's __aligned_u64 pointers are unsafe.Pointer here (8 bytes on the
// 64-bit hosts we build for), so the Go runtime sees them as pointers and
// keeps what they point to alive and in place.
type progLoadAttr struct {
	progType    uint32
	insnCnt     uint32
	insns       unsafe.Pointer
	license     unsafe.Pointer
	logLevel    uint32
	logSize     uint32
	logBuf      unsafe.Pointer
	kernVersion uint32
	progFlags   uint32
	progName    [16]byte
}

// progAttachAttr is bpf_attr's BPF_PROG_ATTACH part.
type progAttachAttr struct {
	targetFd    uint32
	attachBpfFd uint32
	attachType  uint32
	attachFlags uint32
}

// loadDevicesProgram loads insns as a BPF_PROG_TYPE_CGROUP_DEVICE program
// and returns its fd. A refusal is retried with the verifier's log, which
// the error then carries.
func loadDevicesProgram(insns []ebpf.Instruction) (int, error) {
	fd, err := progLoad(insns, nil)
	if err == nil {
		return fd, nil
	}
	log := make([]byte, 64<<10)
	if _, lerr := progLoad(insns, log); lerr != nil {
		if msg := strings.TrimRight(string(log), "\x00\n"); msg != "" {
			return -1, fmt.Errorf("BPF_PROG_LOAD: %w: verifier: %s", err, msg)
		}
	}
	return -1, fmt.Errorf("BPF_PROG_LOAD: %w", err)
}

func progLoad(insns []ebpf.Instruction, log []byte) (int, error) {
	code := ebpf.Encode(nil, insns)
	license := []byte("GPL\x00")
	attr := progLoadAttr{progType: unix.BPF_PROG_TYPE_CGROUP_DEVICE, insnCnt: uint32(len(code) / ebpf.SlotSize),
		insns: unsafe.Pointer(&code[0]), license: unsafe.Pointer(&license[0])}
	copy(attr.progName[:], "deepsys_dev")
	if len(log) > 0 {
		attr.logLevel, attr.logSize, attr.logBuf = 1, uint32(len(log)), unsafe.Pointer(&log[0])
	}
	fd, err := bpf(unix.BPF_PROG_LOAD, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	runtime.KeepAlive(code)
	runtime.KeepAlive(license)
	runtime.KeepAlive(log)
	return fd, err
}

// attachDevicesProgram attaches prog to the cgroup directory fd, replacing
// the program a previous Set attached (BPF_F_ALLOW_OVERRIDE).
func attachDevicesProgram(cgroup, prog int) error {
	attr := progAttachAttr{targetFd: uint32(cgroup), attachBpfFd: uint32(prog), attachType: unix.BPF_CGROUP_DEVICE,
		attachFlags: unix.BPF_F_ALLOW_OVERRIDE}
	_, err := bpf(unix.BPF_PROG_ATTACH, unsafe.Pointer(&attr), unsafe.Sizeof(attr))
	if err != nil {
		return fmt.Errorf("BPF_PROG_ATTACH: %w", err)
	}
	return nil
}

// bpf is the bpf(2) system call; EINTR and EAGAIN (a load interrupted by a
// signal) are retried.
func bpf(cmd int, attr unsafe.Pointer, size uintptr) (int, error) {
	for {
		r, _, errno := unix.Syscall(unix.SYS_BPF, uintptr(cmd), uintptr(attr), size)
		if errno == 0 {
			return int(r), nil
		}
		if !errors.Is(errno, unix.EINTR) && !errors.Is(errno, unix.EAGAIN) {
			return -1, errno
		}
	}
}
