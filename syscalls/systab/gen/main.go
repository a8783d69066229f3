// Command gen writes syscalls/systab's generated table (go generate in
// syscalls/systab) from the kernel's user-space headers on the machine:
//
//  1. asm/unistd_64.h: every `#define __NR_<name> <number>` of x86-64;
//  2. asm-generic/errno-base.h and asm-generic/errno.h: every errno
//     `#define E<NAME> <number>` (aliases such as EWOULDBLOCK keep the first
//     name of their number), plus the kernel-internal restart codes 512-531,
//     which no user header has but a tracer sees at a signal (strace prints
//     them too);
//  3. newer.txt beside the table: syscalls the kernel gained after the
//     headers (name and number from the kernel's syscall_64.tbl);
//  4. signatures.txt beside the table: the argument names and types of the
//     syscalls a tracer decodes (the headers do not carry prototypes).
//
// The output is sorted and gofmt'd, so a regeneration on the same headers
// changes nothing.
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"go/format"
	"log"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strconv"
	"strings"
)

func main() {
	include := flag.String("include", "/usr/include", "the root of the kernel's user-space headers")
	sigs := flag.String("signatures", "signatures.txt", "argument names and types")
	newer := flag.String("newer", "newer.txt", "syscalls newer than the headers")
	out := flag.String("o", "table_amd64.go", "the Go file to write")
	flag.Parse()
	if err := run(*include, *sigs, *newer, *out); err != nil {
		log.Fatal(err)
	}
}

func run(include, sigPath, newerPath, out string) error {
	nrs, err := defines(unistdPath(include), regexp.MustCompile(`^#define\s+__NR_(\w+)\s+(\d+)`))
	if err != nil {
		return err
	}
	if nrs, err = addNewer(nrs, newerPath); err != nil {
		return err
	}
	var errnos []define
	for _, h := range []string{"asm-generic/errno-base.h", "asm-generic/errno.h"} {
		d, err := defines(filepath.Join(include, h), regexp.MustCompile(`^#define\s+(E\w+)\s+(\d+)`))
		if err != nil {
			return err
		}
		errnos = append(errnos, d...)
	}
	errnos = append(errnos, kernelRestartCodes...)
	sigs, err := readSignatures(sigPath, nrs)
	if err != nil {
		return err
	}
	src, err := format.Source(render(nrs, errnos, sigs))
	if err != nil {
		return err
	}
	return os.WriteFile(out, src, 0o644)
}

// unistdPath finds asm/unistd_64.h: Debian keeps it under the multiarch
// directory.
func unistdPath(include string) string {
	p := filepath.Join(include, "x86_64-linux-gnu/asm/unistd_64.h")
	if _, err := os.Stat(p); err == nil {
		return p
	}
	return filepath.Join(include, "asm/unistd_64.h")
}

type define struct {
	name string
	num  int
}

// kernelRestartCodes are include/linux/errno.h's values, which never reach
// a program's errno but do reach a tracer.
var kernelRestartCodes = []define{
	{"ERESTARTSYS", 512}, {"ERESTARTNOINTR", 513}, {"ERESTARTNOHAND", 514}, {"ENOIOCTLCMD", 515},
	{"ERESTART_RESTARTBLOCK", 516}, {"EPROBE_DEFER", 517}, {"EOPENSTALE", 518}, {"ENOPARAM", 519},
	{"EBADHANDLE", 521}, {"ENOTSYNC", 522}, {"EBADCOOKIE", 523}, {"ENOTSUPP", 524},
	{"ETOOSMALL", 525}, {"ESERVERFAULT", 526}, {"EBADTYPE", 527}, {"EJUKEBOX", 528},
	{"EIOCBQUEUED", 529}, {"ERECALLCONFLICT", 530}, {"ENOGRACE", 531},
}

func defines(path string, re *regexp.Regexp) ([]define, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	var out []define
	sc := bufio.NewScanner(bytes.NewReader(b))
	for sc.Scan() {
		m := re.FindStringSubmatch(sc.Text())
		if m == nil {
			continue
		}
		n, err := strconv.Atoi(m[2])
		if err != nil {
			return nil, fmt.Errorf("%s: %q: %w", path, sc.Text(), err)
		}
		out = append(out, define{m[1], n})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: no definitions found", path)
	}
	return out, sc.Err()
}

// addNewer appends newer.txt's syscalls, refusing one whose name or
// number the headers already have.
func addNewer(nrs []define, path string) ([]define, error) {
	names, nums := map[string]bool{}, map[int]bool{}
	for _, d := range nrs {
		names[d.name], nums[d.num] = true, true
	}
	added, err := defines(path, regexp.MustCompile(`^(\w+)\s+(\d+)`))
	if err != nil {
		return nil, err
	}
	for _, d := range added {
		if names[d.name] || nums[d.num] {
			return nil, fmt.Errorf("%s: %s %d: the headers already have it", path, d.name, d.num)
		}
	}
	return append(nrs, added...), nil
}

// signature is one line of signatures.txt: `name ret arg:type ...`.
type signature struct {
	ret  string
	args [][2]string
}

func readSignatures(path string, nrs []define) (map[string]signature, error) {
	known := map[string]bool{}
	for _, d := range nrs {
		known[d.name] = true
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	out := map[string]signature{}
	for i, line := range strings.Split(string(b), "\n") {
		if j := strings.IndexByte(line, '#'); j >= 0 {
			line = line[:j]
		}
		f := strings.Fields(line)
		if len(f) == 0 {
			continue
		}
		if len(f) < 2 || !known[f[0]] || len(f) > 8 {
			return nil, fmt.Errorf("%s:%d: want `name ret arg:type ...` (at most 6 arguments) of a known syscall", path, i+1)
		}
		s := signature{ret: f[1]}
		for _, a := range f[2:] {
			name, typ, ok := strings.Cut(a, ":")
			if !ok {
				return nil, fmt.Errorf("%s:%d: %q: want arg:type", path, i+1, a)
			}
			s.args = append(s.args, [2]string{name, typ})
		}
		out[f[0]] = s
	}
	return out, nil
}

func render(nrs, errnos []define, sigs map[string]signature) []byte {
	sort.Slice(nrs, func(i, j int) bool { return nrs[i].num < nrs[j].num })
	var b bytes.Buffer
	b.WriteString("// Code generated by syscalls/systab/gen from the kernel headers; DO NOT EDIT.\n\npackage systab\n\n")
	b.WriteString("// table is every x86-64 syscall of asm/unistd_64.h, by number.\nvar table = [...]Syscall{\n")
	for _, d := range nrs {
		s, ok := sigs[d.name]
		fmt.Fprintf(&b, "%d: {Nr: %d, Name: %q", d.num, d.num, d.name)
		if ok {
			fmt.Fprintf(&b, ", Ret: %q, Decoded: true, Args: []Arg{", s.ret)
			for _, a := range s.args {
				fmt.Fprintf(&b, "{%q, %q},", a[0], a[1])
			}
			b.WriteString("}")
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n\n// errnoNames is every errno of asm-generic/errno*.h and the kernel's restart codes.\nvar errnoNames = map[int]string{\n")
	seen := map[int]bool{}
	for _, d := range errnos {
		if seen[d.num] {
			continue
		}
		seen[d.num] = true
		fmt.Fprintf(&b, "%d: %q,\n", d.num, d.name)
	}
	b.WriteString("}\n")
	return b.Bytes()
}
