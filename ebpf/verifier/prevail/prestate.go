package prevail

// A case's pre constraints gathered per variable: what a verifier needs to
// build its initial state. Constraints on one variable are met (types
// intersected, intervals intersected); constraints between two variables
// are kept as written in Relations. Anything pre does not mention is
// unknown: an unmentioned register is uninitialised, an unmentioned stack
// byte holds nothing known.

import (
	"fmt"
	"sort"
)

// PreState is the initial abstract state of a case (PreStateOf), or the
// state PREVAIL computes at its end (PostStateOf).
type PreState struct {
	Bottom    bool                // post only: "_|_", no state reaches the end
	Counters  map[string]Interval // post only: loop counters pc[label]
	Regs      map[int]*Fact       // register number -> its facts
	Stack     []*Fact             // stack ranges, by Lo then Hi
	Globals   map[string]Interval // packet_size, meta_offset
	Relations []Constraint        // OpEqual and OpDiffLE between variables
}

// Fact is what pre says about one register or stack range.
type Fact struct {
	Lo, Hi int     // the stack bytes s[Lo...Hi] (stack facts only)
	Types  TypeSet // the types it may have; 0 when pre says nothing about its type
	Values map[Kind]Interval
}

// Value is the interval of field k, and whether pre constrains it.
func (f *Fact) Value(k Kind) (Interval, bool) {
	v, ok := f.Values[k]
	return v, ok
}

// Type is the fact's one type, if pre names exactly one.
func (f *Fact) Type() (Type, bool) {
	for t := Type(0); t < numTypes; t++ {
		if f.Types == 1<<t {
			return t, true
		}
	}
	return 0, false
}

// PreStateOf parses and gathers c.Pre.
func PreStateOf(c *Case) (*PreState, error) { return gather(c, "pre", c.Pre) }

// PostStateOf parses and gathers c.Post: the facts PREVAIL proves at the
// end, which a verifier's final state should imply where it is as precise.
func PostStateOf(c *Case) (*PreState, error) { return gather(c, "post", c.Post) }

func gather(c *Case, what string, constraints []string) (*PreState, error) {
	ps := &PreState{Regs: map[int]*Fact{}, Globals: map[string]Interval{}, Counters: map[string]Interval{}}
	stack := map[[2]int]*Fact{}
	for _, text := range constraints {
		con, err := ParseConstraint(text)
		if err != nil {
			return nil, fmt.Errorf("%s: %s: %w", c, what, err)
		}
		counter := con.Var.Where == Counter || (con.Op == OpEqual || con.Op == OpDiffLE) && con.Other.Where == Counter
		if what == "pre" && (con.Op == OpBottom || counter) {
			return nil, fmt.Errorf("%s: pre: %q: a bottom or a loop counter is not an initial state", c, text)
		}
		if err := ps.add(con, stack); err != nil {
			return nil, fmt.Errorf("%s: %s: %q: %w", c, what, text, err)
		}
	}
	for _, f := range stack {
		ps.Stack = append(ps.Stack, f)
	}
	sort.Slice(ps.Stack, func(i, j int) bool {
		a, b := ps.Stack[i], ps.Stack[j]
		return a.Lo < b.Lo || a.Lo == b.Lo && a.Hi < b.Hi
	})
	return ps, nil
}

func (ps *PreState) add(c Constraint, stack map[[2]int]*Fact) error {
	switch {
	case c.Op == OpBottom:
		ps.Bottom = true
		return nil
	case c.Op == OpEqual || c.Op == OpDiffLE:
		ps.Relations = append(ps.Relations, c)
		return nil
	case c.Var.Where == Counter:
		meet(ps.Counters, c.Var.Name, c.Range)
		return nil
	case c.Var.Where == Global:
		meet(ps.Globals, c.Var.Name, c.Range)
		return nil
	}
	f := ps.fact(c.Var, stack)
	if c.Op == OpTypes {
		if f.Types != 0 {
			c.Types &= f.Types
		}
		if c.Types == 0 {
			return fmt.Errorf("no type left for %s", c.Var)
		}
		f.Types = c.Types
		return nil
	}
	if old, ok := f.Values[c.Var.Kind]; ok {
		c.Range = old.intersect(c.Range)
	}
	f.Values[c.Var.Kind] = c.Range
	return nil
}

// fact finds or makes the fact of a register or stack variable.
func (ps *PreState) fact(v Var, stack map[[2]int]*Fact) *Fact {
	if v.Where == InReg {
		if ps.Regs[v.Reg] == nil {
			ps.Regs[v.Reg] = &Fact{Values: map[Kind]Interval{}}
		}
		return ps.Regs[v.Reg]
	}
	key := [2]int{v.Lo, v.Hi}
	if stack[key] == nil {
		stack[key] = &Fact{Lo: v.Lo, Hi: v.Hi, Values: map[Kind]Interval{}}
	}
	return stack[key]
}

// meet intersects m[k] with r (or sets it).
func meet(m map[string]Interval, k string, r Interval) {
	if old, ok := m[k]; ok {
		r = old.intersect(r)
	}
	m[k] = r
}
