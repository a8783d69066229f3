package vmm

import (
	"errors"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/amd64"
	"github.com/deepsys/deepsys/vmm/kvm"
)

// TestTripleFault: a guest that raises an exception with no usable IDT
// (UD2 against the empty boot IDT) triple-faults; the vCPU stops with
// KVM_EXIT_SHUTDOWN and its registers, and the VMM goes on.
func TestTripleFault(t *testing.T) {
	var a amd64.Assembler
	a.MovRI(amd64.W32, amd64.RBX, 0xbad)
	a.Ud2()
	vm, _ := newTestVM(t, finish(t, &a))
	_, err := runWithin(t, vm, runLimit)
	var ve *VCPUError
	if !errors.As(err, &ve) || ve.Exit != kvm.ExitShutdown {
		t.Fatalf("Run = %v, want a VCPUError at KVM_EXIT_SHUTDOWN", err)
	}
	if ve.Regs.RBX != 0xbad || !strings.Contains(err.Error(), "triple fault") {
		t.Errorf("registers %+v, error %v", ve.Regs, err)
	}
}

// TestStringIO: REP OUTSB from ring 3 writes a whole buffer with one
// instruction, and every byte reaches the UART in order. KVM on VMX/SVM
// hands such an instruction to the VMM as one KVM_EXIT_IO with Count > 1;
// on our PVM machines it exits once per byte (logged), so the Count > 1
// path of handleIO is exercised here only through TestDecodeIO's decoding.
func TestStringIO(t *testing.T) {
	msg := "string I/O through REP OUTSB\n"
	var a amd64.Assembler
	data, user := a.NewLabel(), a.NewLabel()
	emitToRing3Label(&a, user)
	a.Bind(user)
	a.Lea(amd64.W64, amd64.RSI, amd64.RIPLabel(data))
	a.MovRI(amd64.W32, amd64.RCX, int64(len(msg)))
	a.MovRI(amd64.W32, amd64.RDX, COM1)
	a.Data(0xf3, 0x6e) // rep outsb
	a.MovRI(amd64.W32, amd64.RDX, DebugExitPort)
	a.Data(outDXAL...)
	a.Bind(data)
	a.Data([]byte(msg)...)
	vm, out := newTestVM(t, finish(t, &a))
	if _, err := runWithin(t, vm, runLimit); err != nil {
		t.Fatal(err)
	}
	if out.String() != msg {
		t.Errorf("UART got %q", out.String())
	}
	for _, s := range vm.ExitStats() {
		if s.Reason == kvm.ExitIO {
			t.Logf("%d KVM_EXIT_IO for one REP OUTSB of %d bytes and the debug exit", s.Count, len(msg))
		}
	}
}

// TestEmulatorGap: ring-0 code on our PVM machines runs in KVM's
// instruction emulator, which lacks BMI2's SHLX (one of the instructions
// stock Linux kernels die on here). The vCPU stops with
// KVM_EXIT_INTERNAL_ERROR, suberror 1 (emulation failed), and the
// registers; the VMM reports it and does not crash. Where the CPU has VMX
// or SVM the instruction runs natively and the guest halts instead.
func TestEmulatorGap(t *testing.T) {
	var a amd64.Assembler
	a.MovRI(amd64.W32, amd64.RBX, 1)
	a.MovRI(amd64.W32, amd64.RCX, 4)
	a.Data(0xc4, 0xe2, 0x71, 0xf7, 0xc3) // shlx eax, ebx, ecx
	a.Data(hlt...)
	vm, _ := newTestVM(t, finish(t, &a))
	stops, err := runWithin(t, vm, runLimit)
	if err == nil {
		if !stops[0].Halted {
			t.Fatalf("stop %+v", stops[0])
		}
		regs, _ := vm.vcpus[0].c.GetRegs()
		if regs.RAX != 16 {
			t.Errorf("SHLX ran natively but rax = %d, want 16", regs.RAX)
		}
		t.Log("SHLX ran: this KVM does not emulate ring-0 code")
		return
	}
	var ve *VCPUError
	if !errors.As(err, &ve) || ve.Exit != kvm.ExitInternalError || !strings.Contains(err.Error(), "suberror 1") {
		t.Fatalf("Run = %v, want KVM_EXIT_INTERNAL_ERROR suberror 1", err)
	}
	if ve.Regs.RIP != HimemStart+10 {
		t.Errorf("stopped at rip %#x, want the SHLX at %#x", ve.Regs.RIP, HimemStart+10)
	}
	t.Logf("the VMM reported:\n%v", err)
}
