package loader

// uBPF's ELF-loader tests (../shared/corpora/ubpf-tests/tests/elf): each
// file is a Python statement that mutates one template object before it is
// serialised, and the error uBPF's loader gives. uBPF's template is a
// relocatable ELF with .text (mov r1, 1764; call -1; exit), .strtab,
// .symtab (a null symbol and "sqrti") and .rel (a call relocation to
// sqrti at offset 8), laid out back to back. The test rebuilds that
// template in Go, applies each file's assignment through a small table of
// the fields the corpus touches, and requires our loader to refuse every
// bad object with a clear error and never panic. One difference from
// uBPF's template: its e_version is 0 (EV_NONE) while e_ident says 1, a
// mismatch debug/elf refuses before anything else; ours says 1 in both, so
// that each file's own fault is what the loader meets. An assignment the table
// does not know fails the test, so a new corpus file is noticed.

import (
	"bytes"
	"debug/elf"
	"encoding/binary"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/internal/testenv"
)

// ubpfTemplate is uBPF's object, field by field, so that the corpus's
// assignments can change any of them.
type ubpfTemplate struct {
	ident              [16]byte
	eType, eMachine    uint16
	eVersion           uint32
	eShoff             uint64
	eShentsize, eShnum uint16
	eShstrndx          uint16
	shdrs              [5]ubpfShdr // null, text, strtab, symtab, rel
	text               []byte
	strtab             []byte
	syms               [2]ubpfSym // null, sqrti
	relOffset, relInfo uint64
	short              bool // ehdr-short: only the magic
}

type ubpfShdr struct {
	name, typ              uint32
	flags, _, offset, size uint64 // _: sh_addr, 0 in relocatable objects
	link, info             uint32
	addralign, entsize     uint64
}

type ubpfSym struct {
	name  uint32
	info  uint8
	shndx uint16
}

func newUBPFTemplate() *ubpfTemplate {
	t := &ubpfTemplate{eType: 1 /* ET_REL */, eMachine: 0, eVersion: 1, eShoff: 64, eShentsize: 64, eShnum: 5, eShstrndx: 2}
	copy(t.ident[:], "\x7fELF\x02\x01\x01\x00") // 64-bit, little-endian, EV_CURRENT, SYSV
	t.shdrs = [5]ubpfShdr{
		{},
		{name: 1, typ: 1, flags: 6, offset: 384, size: 24, addralign: 8},
		{name: 7, typ: 3, offset: 408, size: 34, addralign: 1},
		{name: 15, typ: 2, offset: 442, size: 48, link: 2, addralign: 8, entsize: 24},
		{name: 23, typ: 9, offset: 490, size: 16, link: 3, info: 1, addralign: 8, entsize: 16},
	}
	t.text = []byte{
		0xb7, 0x01, 0, 0, 0xe4, 0x06, 0, 0, // mov r1, 1764
		0x85, 0, 0, 0, 0xff, 0xff, 0xff, 0xff, // call -1
		0x95, 0, 0, 0, 0, 0, 0, 0, // exit
	}
	t.strtab = []byte("\x00.text\x00.strtab\x00.symtab\x00.rel\x00sqrti\x00")
	weakFunc := uint8(2<<4 | 2) // STB_WEAK, STT_FUNC
	t.syms = [2]ubpfSym{{info: weakFunc}, {name: 28, info: weakFunc}}
	t.relOffset, t.relInfo = 8, 1<<32|2
	return t
}

func (t *ubpfTemplate) bytes() []byte {
	var b bytes.Buffer
	le := binary.LittleEndian
	if t.short {
		return []byte("\x7fELF")
	}
	b.Write(t.ident[:])
	binary.Write(&b, le, struct {
		Type, Machine              uint16
		Version                    uint32
		Entry, Phoff, Shoff        uint64
		Flags                      uint32
		Ehsize, Phentsize, Phnum   uint16
		Shentsize, Shnum, Shstrndx uint16
	}{t.eType, t.eMachine, t.eVersion, 0, 0, t.eShoff, 0, 64, 0, 0, t.eShentsize, t.eShnum, t.eShstrndx})
	for _, s := range t.shdrs {
		binary.Write(&b, le, s)
	}
	b.Write(t.text)
	b.Write(t.strtab)
	for _, s := range t.syms {
		binary.Write(&b, le, struct {
			Name        uint32
			Info, Other uint8
			Shndx       uint16
			Value, Size uint64
		}{s.name, s.info, 0, s.shndx, 0, 0})
	}
	binary.Write(&b, le, [2]uint64{t.relOffset, t.relInfo})
	return b.Bytes()
}

// ubpfMutations are the corpus's assignments, by their text, as edits of
// the template. The expected phrase is what our error must say: the same
// fault uBPF names, in our words.
var ubpfMutations = map[string]struct {
	edit func(*ubpfTemplate)
	want string
}{
	"sqrti_rel.r_offset = 500":                 {func(t *ubpfTemplate) { t.relOffset = 500 }, ""},
	"symtab_shdr.sh_link = 30":                 {func(t *ubpfTemplate) { t.shdrs[3].link = 30 }, ""},
	"sqrti_rel.r_info = (10 << 32) | 2":        {func(t *ubpfTemplate) { t.relInfo = 10<<32 | 2 }, ""},
	"sqrti_sym.st_name = 100":                  {func(t *ubpfTemplate) { t.syms[1].name = 100 }, ""},
	"rel_shdr.sh_link = 30":                    {func(t *ubpfTemplate) { t.shdrs[4].link = 30 }, ""},
	"sqrti_rel.r_info = (1 << 32) | 3":         {func(t *ubpfTemplate) { t.relInfo = 1<<32 | 3 }, ""},
	"ehdr.e_shoff = 1024":                      {func(t *ubpfTemplate) { t.eShoff = 1024 }, "section header table"},
	"ehdr.e_shentsize = 1024":                  {func(t *ubpfTemplate) { t.eShentsize = 1024 }, "e_shentsize"},
	"text_shdr.sh_offset = 1024":               {func(t *ubpfTemplate) { t.shdrs[1].offset = 1024 }, ""},
	"text_shdr.sh_size = 1024":                 {func(t *ubpfTemplate) { t.shdrs[1].size = 1024 }, ""},
	"del order[:]":                             {func(t *ubpfTemplate) { t.short = true }, "truncated"},
	"magic = b'\\x7fELF'":                      {func(*ubpfTemplate) {}, ""},
	"order.append('magic')":                    {func(*ubpfTemplate) {}, ""},
	"text_shdr.sh_type = 'SHT_NULL'":           {func(t *ubpfTemplate) { t.shdrs[1].typ = 0 }, ""},
	"sqrti_sym.st_name += 1":                   {func(t *ubpfTemplate) { t.syms[1].name++ }, ""},
	"ehdr.e_shnum = 1024":                      {func(t *ubpfTemplate) { t.eShnum = 1024 }, "section header table"},
	"ehdr.e_ident.EI_DATA = 'ELFDATA2MSB'":     {func(t *ubpfTemplate) { t.ident[5] = 2 }, "big-endian"},
	"ehdr.e_ident.EI_CLASS = 'ELFCLASS32'":     {func(t *ubpfTemplate) { t.ident[4] = 1 }, "class"},
	"ehdr.e_machine = 1":                       {func(t *ubpfTemplate) { t.eMachine = 1 }, "machine"},
	"ehdr.e_ident.EI_OSABI = 'ELFOSABI_LINUX'": {func(t *ubpfTemplate) { t.ident[7] = 3 }, ""},
	"ehdr.e_type = 0":                          {func(t *ubpfTemplate) { t.eType = 0 }, ""},
	"ehdr.e_ident.EI_VERSION = 2":              {func(t *ubpfTemplate) { t.ident[6] = 2 }, "version"},
}

// ubpfCase reads one corpus file: its statements and uBPF's error ("" for
// ok.data, which uBPF loads and runs to 0x2a).
func ubpfCase(t *testing.T, path string) (stmts []string, uerr string) {
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	section := ""
	for _, line := range strings.Split(string(data), "\n") {
		switch {
		case strings.HasPrefix(line, "-- "):
			section = strings.TrimPrefix(line, "-- ")
		case strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#"):
		case section == "pyelf":
			stmts = append(stmts, strings.TrimSpace(line))
		case section == "error":
			uerr = strings.TrimSpace(line)
		}
	}
	return stmts, uerr
}

// TestUBPFELFCorpus: every object uBPF's loader refuses, ours refuses too,
// with an error (never a panic); ok.data, which uBPF loads, is uBPF's
// dialect (EM_NONE, helpers by name through relocation type 2) and ours
// refuses it for its machine, saying so.
func TestUBPFELFCorpus(t *testing.T) {
	files, err := filepath.Glob(filepath.Join(testenv.Corpus(t, "ubpf-tests"), "tests", "elf", "*.data"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no uBPF ELF tests: %v", err)
	}
	for _, path := range files {
		name := filepath.Base(path)
		stmts, uerr := ubpfCase(t, path)
		tmpl := newUBPFTemplate()
		want := ""
		for _, s := range stmts {
			m, ok := ubpfMutations[s]
			if !ok {
				t.Fatalf("%s: an assignment this test does not know: %q", name, s)
			}
			m.edit(tmpl)
			want += m.want
		}
		if uerr == "" {
			want = "machine"
		}
		_, err := Load(bytes.NewReader(tmpl.bytes()))
		switch {
		case err == nil:
			t.Errorf("%s: loaded; uBPF says %q", name, uerr)
		case !strings.Contains(err.Error(), want):
			t.Errorf("%s: error %q does not say %q (uBPF: %q)", name, err, want, uerr)
		default:
			t.Logf("%s: %v (uBPF: %s)", name, err, uerr)
		}
	}
}

// TestUBPFTemplateAsBPF loads the template with the corpus's mutations but
// in the kernel's dialect, EM_BPF and the call relocated as R_BPF_64_32
// (10) rather than uBPF's type 2, so that our other checks, not the
// machine check, must catch each fault. The unmutated template is refused
// too: its call names a function the object does not define (uBPF binds
// it to a helper by name; the kernel has no such thing).
func TestUBPFTemplateAsBPF(t *testing.T) {
	for stmt, m := range ubpfMutations {
		if m.want == "machine" || strings.Contains(stmt, "magic") || strings.Contains(stmt, "order") {
			continue
		}
		tmpl := newUBPFTemplate()
		tmpl.eMachine = uint16(elf.EM_BPF)
		tmpl.relInfo = 1<<32 | 10
		m.edit(tmpl)
		_, err := Load(bytes.NewReader(tmpl.bytes()))
		if err == nil {
			t.Errorf("%s: loaded", stmt)
			continue
		}
		t.Logf("%s: %v", stmt, err)
	}
	tmpl := newUBPFTemplate()
	tmpl.eMachine = uint16(elf.EM_BPF)
	tmpl.relInfo = 1<<32 | 10
	_, err := Load(bytes.NewReader(tmpl.bytes()))
	t.Logf("template: %v", err)
	if err == nil || !strings.Contains(err.Error(), "sqrti") {
		t.Errorf("the template as EM_BPF: %v; want a refusal naming sqrti", err)
	}
}
