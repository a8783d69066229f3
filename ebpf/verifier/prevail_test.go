package verifier

// The PREVAIL verifier's YAML test corpus (package prevail reads it): each
// case's code is verified as a fragment (fragment.go) from its pre state,
// and our verdict is compared with PREVAIL's. The expected verdict is
// ExpectSafe (no message but PREVAIL's unreachable-code notes), the one a
// Linux-style verifier should match: Linux prunes dead branches silently.
// Disagreements are a measurement, not failures; docs/ebpf.md explains
// each category.

import (
	"errors"
	"fmt"
	"math"
	"math/big"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/ebpf/verifier/prevail"
	"github.com/deepsys/deepsys/internal/testenv"
)

// prevailCtx is the YAML runner's context: 64 bytes, data at 0, data_end
// at 4, the rest numbers.
var prevailCtx = context{size: prevail.Env.CtxSize, loose: true, fields: []field{
	{prevail.Env.CtxData, 4, PtrToPacket, true, false},
	{prevail.Env.CtxDataEnd, 4, PtrToPacketEnd, true, false},
	{8, prevail.Env.CtxSize - 8, 0, true, true},
}}

// prevailMaps: the runner's one map answers every fd; fds 0-15 name it
// here, and shared regions of other sizes get maps from 16 on.
const prevailFDs = 16

func prevailMaps() []maps.Spec {
	var specs []maps.Spec
	for range prevailFDs {
		specs = append(specs, maps.Spec{Type: maps.Hash, KeySize: uint32(prevail.Env.MapKeySize),
			ValueSize: uint32(prevail.Env.MapValueSize), MaxEntries: uint32(prevail.Env.MapMaxEntries)})
	}
	return specs
}

// skipError is a case the harness does not run, and why.
type skipError string

func (s skipError) Error() string { return string(s) }

// clampS and clampU are an interval's ends within int64 and uint64.
func clampS(iv prevail.Interval) srange {
	r := fullS
	if iv.Min != nil && iv.Min.Cmp(big.NewInt(math.MinInt64)) > 0 {
		r.min = clampInt64(iv.Min)
	}
	if iv.Max != nil && iv.Max.Cmp(big.NewInt(math.MaxInt64)) < 0 {
		r.max = clampInt64(iv.Max)
	}
	return r
}

func clampInt64(b *big.Int) int64 {
	switch {
	case b.IsInt64():
		return b.Int64()
	case b.Sign() < 0:
		return math.MinInt64
	}
	return math.MaxInt64
}

func clampU(iv prevail.Interval) urange {
	r := fullU
	if iv.Min != nil && iv.Min.Sign() > 0 {
		if iv.Min.IsUint64() {
			r.min = iv.Min.Uint64()
		} else {
			r.min = math.MaxUint64
		}
	}
	if iv.Max != nil && iv.Max.IsUint64() {
		r.max = iv.Max.Uint64()
	} else if iv.Max != nil && iv.Max.Sign() < 0 {
		r.max, r.min = 0, 1 // empty
	}
	return r
}

// numberOf is the scalar of a fact's svalue and uvalue.
func numberOf(f *prevail.Fact, sk, uk prevail.Kind) (Scalar, error) {
	n := UnknownScalar()
	if iv, ok := f.Value(sk); ok {
		n.S = n.S.meet(clampS(iv))
	}
	if iv, ok := f.Value(uk); ok {
		n.U = n.U.meet(clampU(iv))
	}
	if n.Empty() {
		return n, skipError("pre: an empty interval")
	}
	n.Sync()
	if n.Empty() {
		return n, skipError("pre: an empty interval")
	}
	return n, nil
}

// prevailBuilder turns a PreState into frame 0.
type prevailBuilder struct {
	ps     *prevail.PreState
	specs  []maps.Spec
	ids    uint32
	pkt    int32 // packet bytes known to exist (packet_size's lower bound)
	frame  *frame
	lossy  []string // pre facts dropped (the start is then less precise than PREVAIL's)
	shared map[uint32]int
}

// offset sets r's offset from kind k of f: fixed if the interval is one
// number, else a variable part with its own id.
func (b *prevailBuilder) offset(r *Reg, f *prevail.Fact, k prevail.Kind, variable bool) error {
	iv, ok := f.Value(k)
	if !ok {
		if !variable {
			return skipError("pre: a pointer without its " + k.String())
		}
		r.Num = UnknownScalar()
		r.Num.S = srange{0, math.MaxInt32} // not representable exactly: any non-negative offset
		r.Num.Sync()
		b.ids++
		r.ID = b.ids
		return nil
	}
	lo, hi, ok := iv.Int64()
	if ok && lo == hi {
		if lo < math.MinInt32 || lo > math.MaxInt32 {
			return skipError("pre: an offset out of range")
		}
		r.Off = int32(lo)
		return nil
	}
	if !variable {
		return skipError("pre: a variable " + k.String())
	}
	r.Num = UnknownScalar()
	r.Num.S = r.Num.S.meet(clampS(iv))
	r.Num.Sync()
	if r.Num.Empty() {
		return skipError("pre: an empty interval")
	}
	b.ids++
	r.ID = b.ids
	return nil
}

// reg is the register (or spilled value) of fact f.
func (b *prevailBuilder) reg(f *prevail.Fact) (Reg, error) {
	if f.Types == 0 {
		if len(f.Values) == 0 {
			return Reg{}, nil
		}
		return Reg{}, skipError("pre: values without a type")
	}
	t, ok := f.Type()
	if !ok {
		return Reg{}, skipError("pre: a register of several types")
	}
	switch t {
	case prevail.TypeNumber:
		n, err := numberOf(f, prevail.KindSValue, prevail.KindUValue)
		return scalarReg(n), err
	case prevail.TypeCtx:
		r := ptrReg(PtrToCtx)
		return r, b.offset(&r, f, prevail.KindCtxOffset, false)
	case prevail.TypePacket:
		r := ptrReg(PtrToPacket)
		if err := b.offset(&r, f, prevail.KindPacketOffset, true); err != nil {
			return r, err
		}
		if r.ID == 0 {
			r.Range = b.pkt
		}
		return r, nil
	case prevail.TypeStack:
		r := ptrReg(PtrToStack)
		if _, ok := f.Value(prevail.KindStackOffset); !ok {
			return r, skipError("pre: a pointer without its stack_offset")
		}
		if err := b.offset(&r, f, prevail.KindStackOffset, true); err != nil {
			return r, err
		}
		r.ID = 0
		r.Off -= int32(prevail.Env.StackSize)
		if lo, hi := int64(r.Off)+r.Num.S.min, int64(r.Off)+r.Num.S.max; lo < -int64(prevail.Env.StackSize) || hi > 0 {
			return r, skipError("pre: a stack pointer outside the stack")
		}
		if iv, ok := f.Value(prevail.KindStackNumericSize); ok {
			if lo, _, ok := iv.Int64(); ok && lo > 0 {
				end := min(int(r.Off)+int(lo), 0)
				for off := int(r.Off); off < end; off++ {
					slot, by := slotOf(off)
					if b.frame.stack[slot].kind[by] == 0 {
						b.frame.stack[slot].kind[by] = stackMisc
					}
				}
			}
		}
		return r, nil
	case prevail.TypeShared:
		size := uint32(prevail.Env.MapValueSize)
		if iv, ok := f.Value(prevail.KindSharedRegionSize); ok {
			lo, _, ok := iv.Int64()
			if !ok || lo < 0 {
				return Reg{}, skipError("pre: a shared region of unknown size")
			}
			size = uint32(lo)
		} else {
			b.lossy = append(b.lossy, "shared region size")
		}
		r := ptrReg(PtrToMapValue)
		if size == uint32(prevail.Env.MapValueSize) {
			r.Map = 0
		} else {
			if _, ok := b.shared[size]; !ok {
				b.shared[size] = len(b.specs)
				b.specs = append(b.specs, maps.Spec{Type: maps.Hash, KeySize: 4, ValueSize: size, MaxEntries: 1})
			}
			r.Map = b.shared[size]
		}
		if err := b.offset(&r, f, prevail.KindSharedOffset, true); err != nil {
			return r, err
		}
		// PREVAIL's svalue of a pointer is its address: one that may be 0
		// is a pointer not checked for NULL yet.
		if iv, ok := f.Value(prevail.KindSValue); ok && (iv.Min == nil || iv.Min.Sign() <= 0) {
			r.Type = PtrToMapValueOrNull
			b.ids++
			if r.ID == 0 {
				r.ID = b.ids
			}
		}
		return r, nil
	case prevail.TypeMapFD:
		r := ptrReg(ConstPtrToMap)
		iv, ok := f.Value(prevail.KindMapFD)
		lo, hi, ok2 := iv.Int64()
		if !ok || !ok2 || lo != hi || lo < 0 || lo >= prevailFDs {
			return r, skipError("pre: a map_fd that is not one known fd")
		}
		r.Map = int(lo)
		return r, nil
	}
	return Reg{}, skipError("pre: type " + t.String())
}

// prevailEntry builds a case's fragment and maps.
func prevailEntry(ps *prevail.PreState, prog *prevail.Program) (*fragment, []maps.Spec, []string, error) {
	b := &prevailBuilder{ps: ps, specs: prevailMaps(), frame: &frame{callsite: -1}, shared: map[uint32]int{}}
	for name, iv := range ps.Globals {
		switch name {
		case "packet_size":
			if lo, _, ok := iv.Int64(); ok && lo > 0 {
				b.pkt = int32(min(lo, 0xffff))
			}
		default:
			b.lossy = append(b.lossy, name)
		}
	}
	if len(ps.Relations) > 0 {
		b.lossy = append(b.lossy, "relations")
	}
	for _, f := range ps.Stack {
		lo, hi := f.Lo-prevail.Env.StackSize, f.Hi-prevail.Env.StackSize
		if f.Lo < 0 || f.Hi >= prevail.Env.StackSize || lo > hi {
			return nil, nil, nil, skipError("pre: stack bytes out of range")
		}
		t, ok := f.Type()
		if !ok {
			return nil, nil, nil, skipError("pre: stack bytes of several types")
		}
		if hi-lo == 7 && lo%8 == 0 {
			r, err := b.reg(f)
			if err != nil {
				return nil, nil, nil, err
			}
			if err := b.frame.stackWrite(lo, 8, &r, true); err != nil {
				return nil, nil, nil, skipError("pre: " + err.Error())
			}
			continue
		}
		if t != prevail.TypeNumber {
			return nil, nil, nil, skipError("pre: a pointer in unaligned stack bytes")
		}
		b.frame.markBytes(lo, hi-lo+1, stackMisc)
	}
	regs := make([]int, 0, len(ps.Regs))
	for r := range ps.Regs {
		regs = append(regs, r)
	}
	sort.Ints(regs)
	for _, r := range regs {
		if r < 0 || r > 10 {
			return nil, nil, nil, skipError("pre: register out of range")
		}
		reg, err := b.reg(ps.Regs[r])
		if err != nil {
			return nil, nil, nil, err
		}
		b.frame.regs[r] = reg
	}
	// A packet pointer at packet_size is PREVAIL's spelling of data_end.
	for _, rel := range ps.Relations {
		v, o := rel.Var, rel.Other
		if v.Where == prevail.Global {
			v, o = o, v
		}
		if rel.Op == prevail.OpEqual && rel.Const.Sign() == 0 && v.Where == prevail.InReg &&
			v.Kind == prevail.KindPacketOffset && o.Where == prevail.Global && o.Name == "packet_size" &&
			v.Reg >= 0 && v.Reg <= 10 && b.frame.regs[v.Reg].Type == PtrToPacket {
			b.frame.regs[v.Reg] = ptrReg(PtrToPacketEnd)
		}
	}
	return &fragment{entry: b.frame, assume: prog.Assume, ctx: &prevailCtx, idBase: b.ids}, b.specs, b.lossy, nil
}

// prevailSplits is ps once per choice of one type for every register and
// stack range pre gives several (at most 64 states), so that a case is
// accepted when every one of them is.
func prevailSplits(ps *prevail.PreState) []*prevail.PreState {
	out := []*prevail.PreState{ps}
	split := func(get func(*prevail.PreState) *prevail.Fact, set func(*prevail.PreState, *prevail.Fact)) {
		var next []*prevail.PreState
		for _, p := range out {
			f := get(p)
			for t := prevail.TypeNumber; t <= prevail.TypeMapFDPrograms; t++ {
				if !f.Types.Has(t) {
					continue
				}
				q, g := *p, *f
				q.Regs = cloneFacts(p.Regs)
				q.Stack = append([]*prevail.Fact(nil), p.Stack...)
				g.Types = 1 << t
				set(&q, &g)
				next = append(next, &q)
			}
		}
		out = next
	}
	regs := make([]int, 0, len(ps.Regs))
	for r := range ps.Regs {
		regs = append(regs, r)
	}
	sort.Ints(regs)
	for _, r := range regs {
		f := ps.Regs[r]
		if _, one := f.Type(); !one && f.Types != 0 {
			split(func(p *prevail.PreState) *prevail.Fact { return p.Regs[r] },
				func(p *prevail.PreState, g *prevail.Fact) { p.Regs[r] = g })
		}
	}
	for i, f := range ps.Stack {
		if _, one := f.Type(); !one && f.Types != 0 {
			split(func(p *prevail.PreState) *prevail.Fact { return p.Stack[i] },
				func(p *prevail.PreState, g *prevail.Fact) { p.Stack[i] = g })
		}
	}
	if len(out) > 64 {
		return nil
	}
	return out
}

func cloneFacts(m map[int]*prevail.Fact) map[int]*prevail.Fact {
	c := make(map[int]*prevail.Fact, len(m))
	for k, v := range m {
		c[k] = v
	}
	return c
}

// prevailVerdict runs one case: skip says why it was not run.
func prevailVerdict(c *prevail.Case) (ok bool, re *RejectError, lossy []string, skip string, err error) {
	flags, ferr := c.Flags()
	switch {
	case ferr != nil:
		return false, nil, nil, "options", nil
	case c.ExpectedException != "":
		return false, nil, nil, "tests PREVAIL's input checking", nil
	case flags.BigEndian:
		return false, nil, nil, "big_endian", nil
	}
	prog, terr := prevail.Translate(c)
	if terr != nil {
		if errors.Is(terr, prevail.ErrUnsupported) {
			return false, nil, nil, "code: " + errors.Unwrap(terr).Error(), nil
		}
		return false, nil, nil, "code does not assemble", nil
	}
	ps, perr := prevail.PreStateOf(c)
	if perr != nil {
		return false, nil, nil, "", perr
	}
	splits := prevailSplits(ps)
	if splits == nil {
		return false, nil, nil, "pre: more than 64 choices of types", nil
	}
	defer func() {
		if p := recover(); p != nil {
			err = fmt.Errorf("%s: panic: %v", c, p)
		}
	}()
	for _, one := range splits {
		frag, specs, l, perr := prevailEntry(one, prog)
		var se skipError
		if errors.As(perr, &se) {
			return false, nil, nil, string(se), nil
		}
		if perr != nil {
			return false, nil, nil, "", perr
		}
		lossy = l
		_, verr := Verify(prog.Insns, Options{ProgType: loader.SchedCLS, Maps: specs, MaxInsns: 100_000, fragment: frag})
		if verr == nil {
			continue
		}
		if !errors.As(verr, &re) {
			return false, nil, lossy, "", fmt.Errorf("%s: %w", c, verr)
		}
		return false, re, lossy, "", nil
	}
	return true, nil, lossy, "", nil
}

var prevailNumbers = regexp.MustCompile(`-?\d+`)

// prevailCategory names why we and PREVAIL disagree on c.
func prevailCategory(c *prevail.Case, ours bool, re *RejectError, lossy []string) string {
	flags, _ := c.Flags()
	if ours { // PREVAIL rejects, we accept
		if !flags.AllowDivisionByZero {
			return "PREVAIL option !allow_division_by_zero"
		}
		if flags.CheckTermination {
			return "PREVAIL option termination"
		}
		for _, m := range c.ParsedMessages() {
			if !m.Unreachable() {
				return "PREVAIL: " + prevailNumbers.ReplaceAllString(m.Text, "N")
			}
		}
		return "PREVAIL: ?"
	}
	reason := prevailNumbers.ReplaceAllString(re.Reason, "N")
	if len(lossy) > 0 {
		reason += " [pre " + strings.Join(lossy, ",") + " dropped]"
	}
	return "ours: " + reason
}

// prevailClasses sort the categories into docs/ebpf.md's explanations,
// first match wins.
var prevailClasses = []struct{ class, substr string }{
	{"PREVAIL option (!allow_division_by_zero: x/0 is an error there, 0 in eBPF)", "allow_division_by_zero"},
	{"PREVAIL's own checks of the test (observe: post-state observations)", "observation"},
	{"not done here: callx, unknown helpers", "jmp call x"},
	{"not done here: callx, unknown helpers", "invalid func"},
	{"Linux rule: shift by a constant >= the width refused", "invalid shift"},
	{"Linux rule: division by the constant 0 refused", "div by zero"},
	{"Linux rule: stack accesses aligned", "misaligned stack"},
	{"Linux rule: an uninitialised register is never read (a callee's r0, r0 at exit, stores and moves of one)", "!read_ok"},
	{"Linux rule: no subtraction from a stack pointer", "subtraction from stack pointer"},
	{"Linux rule: map direct values only in single-entry arrays", "invalid access to map value pointer"},
	{"Linux rule: packet pointers read from ctx whole", "bpf_context access"},
	{"Linux rule: helper map types, jumps between functions", "map_type"},
	{"Linux rule: helper map types, jumps between functions", "jumps from the function"},
	{"PREVAIL more precise or its region layout: packet bounds kept relationally, metadata below data (meta_offset)", "invalid access to packet"},
	{"Linux more precise: PREVAIL joins paths where Linux walks each", "Upper bound must be at most packet_size"},
	{"Linux more precise: PREVAIL joins paths where Linux walks each", "Only numbers can be added to pointers"},
	{"root's rules: uninitialised stack readable, pointers comparable and subtractable, 32-bit copies of pointers", "PREVAIL:"},
}

func prevailClass(category string) string {
	for _, c := range prevailClasses {
		if strings.Contains(category, c.substr) {
			return c.class
		}
	}
	return "other"
}

// prevailPin is the agreement measured (docs/ebpf.md), less a margin: a
// drop below it is a regression in precision or in the harness.
const prevailPin = 610

func TestPrevailCorpus(t *testing.T) {
	dir := filepath.Join(testenv.Corpus(t, "prevail-test-data"), "test-data")
	cases, err := prevail.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	type cat struct {
		n        int
		examples []string
	}
	agree, weReject, weAccept, agreeAccept := 0, 0, 0, 0
	skipped := map[string]int{}
	cats := map[string]*cat{}
	for i := range cases {
		c := &cases[i]
		ours, re, lossy, skip, err := prevailVerdict(c)
		if err != nil {
			t.Error(err)
			continue
		}
		if skip != "" {
			skipped[skip]++
			continue
		}
		if ours == c.ExpectAccept() {
			agreeAccept++
		}
		want := c.ExpectSafe()
		if ours == want {
			agree++
			continue
		}
		if ours {
			weAccept++
		} else {
			weReject++
		}
		k := prevailCategory(c, ours, re, lossy)
		if cats[k] == nil {
			cats[k] = &cat{}
		}
		cats[k].n++
		if len(cats[k].examples) < 3 {
			ex := fmt.Sprintf("%s:%d", c.File, c.Line)
			if re != nil {
				ex += fmt.Sprintf(" (insn %d)", re.Insn)
			}
			cats[k].examples = append(cats[k].examples, ex)
		}
	}
	run := agree + weReject + weAccept
	t.Logf("PREVAIL corpus: %d cases, %d run: %d agree (%.1f%%), %d we reject and PREVAIL accepts, %d we accept and PREVAIL rejects",
		len(cases), run, agree, 100*float64(agree)/float64(max(run, 1)), weReject, weAccept)
	t.Logf("against ExpectAccept instead (unreachable-code notes count as rejections): %d agree", agreeAccept)
	var keys []string
	for k := range skipped {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return skipped[keys[i]] > skipped[keys[j]] || skipped[keys[i]] == skipped[keys[j]] && keys[i] < keys[j]
	})
	for _, k := range keys {
		t.Logf("  skipped %4d  %s", skipped[k], k)
	}
	keys = keys[:0]
	for k := range cats {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return cats[keys[i]].n > cats[keys[j]].n || cats[keys[i]].n == cats[keys[j]].n && keys[i] < keys[j]
	})
	for _, k := range keys {
		t.Logf("  %4d  %-70s %s", cats[k].n, k, strings.Join(cats[k].examples, ", "))
	}
	classes := map[string]int{}
	for k, c := range cats {
		classes[prevailClass(k)] += c.n
	}
	keys = keys[:0]
	for k := range classes {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		return classes[keys[i]] > classes[keys[j]] || classes[keys[i]] == classes[keys[j]] && keys[i] < keys[j]
	})
	for _, k := range keys {
		t.Logf("  class %4d  %s", classes[k], k)
	}
	if agree < prevailPin {
		t.Errorf("%d cases agree with PREVAIL, fewer than %d", agree, prevailPin)
	}
}
