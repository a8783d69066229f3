package prevail

// PREVAIL's constraint language (src/test/parse.cpp,
// parse_linear_constraints), as pre, post and observe write it:
//
//	r1.type=number             r1.type in {ctx, packet}      r1.type=r2.type
//	r1.svalue=5                r1.uvalue=[0, 255]            r1.svalue=[-oo, 7]
//	r1.uvalue=r1.svalue        r1.svalue=r2.uvalue+4         packet_size=r2.packet_offset
//	r1.svalue-r2.svalue<=3     s[504...511].type=number      s[504].svalue=1
//	meta_offset=[-8, 0]        pc[3]=[1, +oo]                _|_
//
// A variable is a register's field (type, svalue, uvalue, ctx_offset,
// map_fd, map_fd_programs, packet_offset, shared_offset, stack_offset,
// shared_region_size, stack_numeric_size), the same field of the stack
// bytes s[lo...hi] (offsets 0-511, r10 being 512), a global (packet_size,
// meta_offset) or a loop counter pc[label] (post only). Numbers are
// PREVAIL's unbounded integers: uvalue reaches 2^64-1, svalue -2^63, so
// intervals hold big.Ints, nil for an infinite end. Spaces are ignored.

import (
	"fmt"
	"math/big"
	"regexp"
	"strconv"
	"strings"
)

// Kind is a field of a register or stack range.
type Kind uint8

// The fields PREVAIL tracks.
const (
	KindType Kind = iota
	KindSValue
	KindUValue
	KindCtxOffset
	KindMapFD
	KindMapFDPrograms
	KindPacketOffset
	KindSharedOffset
	KindStackOffset
	KindSharedRegionSize
	KindStackNumericSize
	numKinds
)

var kindNames = [...]string{"type", "svalue", "uvalue", "ctx_offset", "map_fd", "map_fd_programs",
	"packet_offset", "shared_offset", "stack_offset", "shared_region_size", "stack_numeric_size"}

func (k Kind) String() string {
	if k < numKinds {
		return kindNames[k]
	}
	return fmt.Sprintf("Kind(%d)", k)
}

// Type is a PREVAIL region type.
type Type uint8

// The types PREVAIL's constraints name.
const (
	TypeNumber Type = iota
	TypeCtx
	TypeStack
	TypePacket
	TypeShared
	TypeMapFD
	TypeMapFDPrograms
	numTypes
)

var typeNames = [...]string{"number", "ctx", "stack", "packet", "shared", "map_fd", "map_fd_programs"}

func (t Type) String() string {
	if t < numTypes {
		return typeNames[t]
	}
	return fmt.Sprintf("Type(%d)", t)
}

// TypeSet is a set of types; 0 is the empty set.
type TypeSet uint16

// Has reports whether t is in s.
func (s TypeSet) Has(t Type) bool { return s&(1<<t) != 0 }

func (s TypeSet) String() string {
	var names []string
	for t := Type(0); t < numTypes; t++ {
		if s.Has(t) {
			names = append(names, t.String())
		}
	}
	return "{" + strings.Join(names, ", ") + "}"
}

// Where says which kind of variable a Var is.
type Where uint8

// Variable places.
const (
	InReg   Where = iota // r1.svalue
	InStack              // s[504...511].type
	Global               // packet_size, meta_offset
	Counter              // pc[3], a loop counter
)

// Var is a variable of PREVAIL's abstract state.
type Var struct {
	Where  Where
	Reg    int    // InReg
	Lo, Hi int    // InStack: the bytes s[Lo...Hi]
	Kind   Kind   // InReg, InStack
	Name   string // Global: packet_size or meta_offset; Counter: the label
}

func (v Var) String() string {
	switch v.Where {
	case InReg:
		return fmt.Sprintf("r%d.%s", v.Reg, v.Kind)
	case InStack:
		return fmt.Sprintf("s[%d...%d].%s", v.Lo, v.Hi, v.Kind)
	case Counter:
		return "pc[" + v.Name + "]"
	}
	return v.Name
}

// Interval is [Min, Max] of integers; a nil end is infinite.
type Interval struct{ Min, Max *big.Int }

// Singleton is the interval [v, v].
func Singleton(v int64) Interval { return Interval{big.NewInt(v), big.NewInt(v)} }

// Int64 returns the interval's ends if both are finite int64s.
func (i Interval) Int64() (lo, hi int64, ok bool) {
	if i.Min == nil || i.Max == nil || !i.Min.IsInt64() || !i.Max.IsInt64() {
		return 0, 0, false
	}
	return i.Min.Int64(), i.Max.Int64(), true
}

// Uint64 returns the interval's ends if both are finite uint64s.
func (i Interval) Uint64() (lo, hi uint64, ok bool) {
	if i.Min == nil || i.Max == nil || !i.Min.IsUint64() || !i.Max.IsUint64() {
		return 0, 0, false
	}
	return i.Min.Uint64(), i.Max.Uint64(), true
}

func (i Interval) String() string {
	end := func(b *big.Int, inf string) string {
		if b == nil {
			return inf
		}
		return b.String()
	}
	if i.Min != nil && i.Max != nil && i.Min.Cmp(i.Max) == 0 {
		return i.Min.String()
	}
	return "[" + end(i.Min, "-oo") + ", " + end(i.Max, "+oo") + "]"
}

// intersect is the meet of two intervals.
func (i Interval) intersect(j Interval) Interval {
	out := i
	if j.Min != nil && (out.Min == nil || j.Min.Cmp(out.Min) > 0) {
		out.Min = j.Min
	}
	if j.Max != nil && (out.Max == nil || j.Max.Cmp(out.Max) < 0) {
		out.Max = j.Max
	}
	return out
}

// Op is what a constraint says.
type Op uint8

// Constraint forms.
const (
	OpBottom Op = iota // _|_: no state (unreachable)
	OpTypes            // Var.type in Types
	OpRange            // Var in Range
	OpEqual            // Var == Other + Const
	OpDiffLE           // Var - Other <= Const
)

// Constraint is one parsed constraint.
type Constraint struct {
	Text  string
	Op    Op
	Var   Var
	Types TypeSet
	Range Interval
	Other Var
	Const *big.Int // OpEqual, OpDiffLE: never nil there
}

var (
	reVar = regexp.MustCompile(`^(?:r(\d+)\.([a-z_]+)|s\[(-?\d+)(?:\.\.\.(-?\d+))?\]\.([a-z_]+)|(packet_size|meta_offset)|pc\[([0-9/]+)\])`)
	reNum = `([-+]?(?:\d+|oo))`
	reRng = regexp.MustCompile(`^\[` + reNum + `,` + reNum + `\]$`)
)

// ParseConstraint parses one constraint.
func ParseConstraint(text string) (Constraint, error) {
	c := Constraint{Text: text}
	s := strings.Join(strings.Fields(text), "")
	if s == "_|_" {
		return c, nil
	}
	if i := strings.Index(text, " in "); i >= 0 {
		s = strings.Join(strings.Fields(text[:i]), "") + "∈" + strings.Join(strings.Fields(text[i+4:]), "")
	}
	v, rest, err := parseVar(s)
	if err != nil {
		return c, fmt.Errorf("constraint %q: %w", text, err)
	}
	c.Var = v
	if err := c.parseRest(rest); err != nil {
		return c, fmt.Errorf("constraint %q: %w", text, err)
	}
	return c, nil
}

func (c *Constraint) parseRest(rest string) error {
	switch {
	case strings.HasPrefix(rest, "∈"):
		return c.parseTypes(strings.TrimPrefix(rest, "∈"), true)
	case strings.HasPrefix(rest, "-") && strings.Contains(rest, "<="):
		other, tail, err := parseVar(rest[1:])
		if err != nil {
			return err
		}
		k, ok := new(big.Int).SetString(strings.TrimPrefix(tail, "<="), 10)
		if !ok || !strings.HasPrefix(tail, "<=") {
			return fmt.Errorf("expected <= and a number after %s-%s", c.Var, other)
		}
		c.Op, c.Other, c.Const = OpDiffLE, other, k
		return nil
	case !strings.HasPrefix(rest, "="):
		return fmt.Errorf("expected = after %s", c.Var)
	}
	rhs := rest[1:]
	if c.Var.Kind == KindType && (c.Var.Where == InReg || c.Var.Where == InStack) {
		if _, err := typeSet(rhs); err == nil {
			return c.parseTypes(rhs, false)
		}
	}
	if other, tail, err := parseVar(rhs); err == nil {
		c.Op, c.Other, c.Const = OpEqual, other, new(big.Int)
		if tail != "" {
			if _, ok := c.Const.SetString(tail, 10); !ok || tail[0] != '+' && tail[0] != '-' {
				return fmt.Errorf("expected +N or -N after %s, found %q", other, tail)
			}
		}
		return nil
	}
	r, err := parseInterval(rhs)
	c.Op, c.Range = OpRange, r
	return err
}

func (c *Constraint) parseTypes(s string, braces bool) error {
	if braces {
		if !strings.HasPrefix(s, "{") || !strings.HasSuffix(s, "}") {
			return fmt.Errorf("expected {type, ...}")
		}
		s = s[1 : len(s)-1]
	}
	ts, err := typeSet(s)
	c.Op, c.Types = OpTypes, ts
	return err
}

// typeSet parses "number" or "ctx,packet".
func typeSet(s string) (TypeSet, error) {
	var ts TypeSet
	for _, name := range strings.Split(s, ",") {
		t, ok := typeByName(name)
		if !ok {
			return 0, fmt.Errorf("unknown type %q", name)
		}
		ts |= 1 << t
	}
	return ts, nil
}

func typeByName(name string) (Type, bool) {
	for t, n := range typeNames {
		if n == name {
			return Type(t), true
		}
	}
	return 0, false
}

// parseVar reads a variable at the start of s (no spaces).
func parseVar(s string) (Var, string, error) {
	m := reVar.FindStringSubmatchIndex(s)
	if m == nil {
		return Var{}, s, fmt.Errorf("expected a variable at %q", s)
	}
	sub := func(i int) string {
		if m[2*i] < 0 {
			return ""
		}
		return s[m[2*i]:m[2*i+1]]
	}
	rest := s[m[1]:]
	switch {
	case sub(1) != "":
		reg, _ := strconv.Atoi(sub(1))
		k, ok := kindByName(sub(2))
		if !ok || reg > 10 {
			return Var{}, s, fmt.Errorf("unknown variable r%s.%s", sub(1), sub(2))
		}
		return Var{Where: InReg, Reg: reg, Kind: k}, rest, nil
	case sub(3) != "":
		lo, err1 := strconv.Atoi(sub(3))
		hi, err2 := lo, error(nil)
		if sub(4) != "" {
			hi, err2 = strconv.Atoi(sub(4))
		}
		k, ok := kindByName(sub(5))
		if err1 != nil || err2 != nil || !ok || hi < lo {
			return Var{}, s, fmt.Errorf("bad stack variable %q", s[:m[1]])
		}
		return Var{Where: InStack, Lo: lo, Hi: hi, Kind: k}, rest, nil
	case sub(6) != "":
		return Var{Where: Global, Name: sub(6)}, rest, nil
	}
	return Var{Where: Counter, Name: sub(7)}, rest, nil
}

func kindByName(name string) (Kind, bool) {
	for k, n := range kindNames {
		if n == name {
			return Kind(k), true
		}
	}
	return 0, false
}

// parseInterval reads "5" or "[lo, hi]" (spaces removed), with -oo and +oo.
func parseInterval(s string) (Interval, error) {
	if m := reRng.FindStringSubmatch(s); m != nil {
		lo, err1 := parseBound(m[1])
		hi, err2 := parseBound(m[2])
		if err1 != nil || err2 != nil || lo != nil && hi != nil && lo.Cmp(hi) > 0 {
			return Interval{}, fmt.Errorf("bad interval %q", s)
		}
		return Interval{lo, hi}, nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return Interval{}, fmt.Errorf("expected a number, an interval, a type or a variable, found %q", s)
	}
	return Interval{v, v}, nil
}

func parseBound(s string) (*big.Int, error) {
	if strings.TrimLeft(s, "+-") == "oo" {
		return nil, nil
	}
	v, ok := new(big.Int).SetString(s, 10)
	if !ok {
		return nil, fmt.Errorf("bad number %q", s)
	}
	return v, nil
}
