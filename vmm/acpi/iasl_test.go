package acpi

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// disassemble writes tables (name -> bytes) to files and has ACPICA's iasl
// disassemble them; it returns each .dsl.
func disassemble(t *testing.T, tables map[string][]byte) map[string]string {
	t.Helper()
	iasl := testenv.RequireTool(t, "iasl")
	dir := t.TempDir()
	args := []string{"-d"}
	for name, b := range tables {
		if err := os.WriteFile(filepath.Join(dir, name+".dat"), b, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, name+".dat")
	}
	cmd := exec.Command(iasl, args...)
	cmd.Dir = dir
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("iasl -d: %v\n%s", err, out)
	}
	dsl := map[string]string{}
	for name := range tables {
		b, err := os.ReadFile(filepath.Join(dir, name+".dsl"))
		if err != nil {
			t.Fatal(err)
		}
		dsl[name] = string(b)
	}
	return dsl
}

// normalize squeezes runs of spaces so expectations read like ASL.
var spaces = regexp.MustCompile(`[ \t]+`)

// TestIASLDisassemblesTables: the peer, ACPICA's disassembler, reads our
// DSDT back as the ASL we meant, and decodes MADT and FADT with correct
// checksums and the fields we set.
func TestIASLDisassemblesTables(t *testing.T) {
	mem, tb := buildInMemory(t, 2)
	p, err := Read(mem, tb.RSDPAddr)
	if err != nil {
		t.Fatal(err)
	}
	dsl := disassemble(t, map[string][]byte{"dsdt": p.DSDT, "apic": p.Tables["APIC"], "facp": p.Tables["FACP"]})
	want := map[string][]string{
		"dsdt": {`Scope (\_SB)`, `Device (COM1)`, `Name (_HID, EisaId ("PNP0501")`, `IO (Decode16, 0x03F8,`, `IRQNoFlags () {4}`,
			`Device (V002)`, `Name (_HID, "LNRO0005")`, `Name (_UID, 0x02)`, `Memory32Fixed (ReadWrite, 0xD0002000, // Address Base 0x00001000,`,
			`Interrupt (ResourceConsumer, Edge, ActiveHigh, Exclusive, ,, ) { 0x00000007, }`},
		"apic": {`Local Apic Address : FEE00000`, `Subtable Type : 00 [Processor Local APIC]`, `Local Apic ID : 01`,
			`Subtable Type : 01 [I/O APIC]`, `Address : FEC00000`, `Subtable Type : 02 [Interrupt Source Override]`, `Interrupt : 00000002`},
		"facp": {`Hardware Reduced (V5) : 1`, `VGA Not Present (V4) : 1`, `FADT Minor Revision : 05`, `DSDT Address : 00000000000E`},
	}
	for name, text := range dsl {
		flat := spaces.ReplaceAllString(strings.ReplaceAll(text, "\n", " "), " ")
		if strings.Contains(flat, "Incorrect checksum") || strings.Contains(flat, "Invalid") {
			t.Errorf("iasl finds %s wrong:\n%s", name, text)
		}
		for _, w := range want[name] {
			if !strings.Contains(flat, w) {
				t.Errorf("iasl's %s lacks %q:\n%s", name, w, text)
			}
		}
	}
}

// TestIASLAgreesOnBadChecksum: a table we reject for its checksum, iasl
// flags too.
func TestIASLAgreesOnBadChecksum(t *testing.T) {
	mem, tb := buildInMemory(t, 1)
	p, err := Read(mem, tb.RSDPAddr)
	if err != nil {
		t.Fatal(err)
	}
	bad := append([]byte{}, p.Tables["APIC"]...)
	bad[9]++
	if _, err := ParseHeader(bad); err == nil {
		t.Fatal("ParseHeader accepted a wrong checksum")
	}
	if dsl := disassemble(t, map[string][]byte{"apic": bad})["apic"]; !strings.Contains(dsl, "Incorrect checksum") {
		t.Errorf("iasl did not flag the checksum:\n%s", dsl)
	}
}
