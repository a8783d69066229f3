package prevail

import "fmt"

// Flags are a case's options as the verifier settings they stand for
// (PREVAIL src/config.hpp defaults; src/test/ebpf_yaml.cpp
// raw_options_to_options).
type Flags struct {
	AllowDivisionByZero bool // default true: x/0 is 0, as the ISA defines; "!allow_division_by_zero" reports it
	CheckTermination    bool // "termination": prove loops end (loop counters, pc[N] in post)
	BigEndian           bool // "big_endian": the machine the program runs on; default little-endian
	Strict              bool // "strict"
	Simplify            bool // "simplify": how PREVAIL prints invariants; no effect on verdicts
}

// Flags reads c.Options.
func (c *Case) Flags() (Flags, error) {
	f := Flags{AllowDivisionByZero: true}
	for _, o := range c.Options {
		switch o {
		case "!allow_division_by_zero":
			f.AllowDivisionByZero = false
		case "termination":
			f.CheckTermination = true
		case "strict":
			f.Strict = true
		case "simplify":
			f.Simplify = true
		case "big_endian":
			f.BigEndian = true
		case "!big_endian":
			f.BigEndian = false
		default:
			return f, fmt.Errorf("%s: unknown option %q", c, o)
		}
	}
	return f, nil
}
