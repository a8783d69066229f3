package verifier

// State pruning (the kernel's is_state_visited, states_equal, regsafe,
// stacksafe, update_branch_counts).
//
//  1. At each prune point the walk stores a checkpoint: a copy of the
//     state, and a count of the paths through it still being explored
//     (branches). A path that ends (exit, or pruned) decrements the count
//     of its latest checkpoint; a checkpoint whose count reaches zero is
//     verified, every path from it was safe, and it decrements its own
//     parent.
//  2. A new state is pruned when a verified checkpoint at the same
//     instruction is at least as general: every register and stack slot
//     of the old state describes every value the new one allows (safe).
//     Whatever the new state could do, the old one's exploration already
//     covered. Registers no later instruction reads (liveness.go) are
//     not compared; without the kernel's precision tracking, every live
//     one is compared in full: sound, sometimes less pruning.
//  3. A checkpoint still being explored is an ancestor of the path on a
//     loop: pruning against it would assume what it has not proved. If
//     the new state equals it exactly, the loop made no progress and will
//     not terminate: "infinite loop detected at insn N".
//  4. A checkpoint that keeps failing to prune (more than 3 misses per hit,
//     plus 3) is dropped from its instruction's list, as the kernel
//     evicts them: a long loop would otherwise compare each new state
//     with every earlier iteration's. Its parent links stay.
//  5. Subsumption per register (regsafe): an uninitialised old register
//     accepts anything (the old paths never read it); scalars by range
//     and tnum containment; pointers of the same type with the same fixed
//     offset, the variable part contained, the same map, and for packets
//     at least the old range proved. IDs must correspond one to one
//     (check_ids), so that what a null check or a comparison tells one
//     register it tells the same set of registers in both states.

import "github.com/deepsys/deepsys/ebpf"

type checkpoint struct {
	st        *state
	branches  int
	parent    *checkpoint
	hit, miss int // prunes it made, comparisons it failed (step 4)
}

// visit is steps 2-3 for cur at a prune point; it then stores cur.
func (e *env) visit(cur *state) (pruned bool, err error) {
	list := e.explored[cur.insn]
	kept := list[:0]
	defer func() { e.explored[cur.insn] = kept }()
	add := e.jmps-e.prevJmps >= 2 && e.res.Processed-e.prevInsns >= 8
	for i, c := range list {
		switch {
		case c.branches == 0 && e.statesSafe(c.st, cur, false):
			c.hit++
			kept = append(kept, list[i:]...)
			return true, nil
		case c.branches > 0 && e.statesSafe(c.st, cur, true):
			kept = append(kept, list[i:]...)
			return false, fail("infinite loop detected at insn %d", e.prog.Slot(cur.insn))
		case c.branches > 0 && e.jmps-e.prevJmps < 20 && e.res.Processed-e.prevInsns < 100:
			add = false // in a loop: not every iteration's state
		}
		c.miss++
		if c.miss > c.hit*3+3 {
			continue // evicted (step 4)
		}
		kept = append(kept, c)
	}
	// As the kernel does, store a new state only after 2 jumps and 8
	// instructions, and inside a loop only every 20 jumps or 100
	// instructions: a loop of a million iterations must not keep a
	// million states.
	if !add {
		return false, nil
	}
	e.prevJmps, e.prevInsns = e.jmps, e.res.Processed
	c := &checkpoint{st: cur.clone(), branches: 1, parent: cur.parent}
	c.st.hasRead = true
	cur.parent = c
	cur.written = [MaxCallFrames]uint64{} // a new segment (liveness.go, step 4)
	kept = append(kept, c)
	e.res.States++
	e.res.PeakStates = max(e.res.PeakStates, e.res.States)
	return false, nil
}

// pathDone is step 1 for a path that ended.
func (e *env) pathDone(s *state) {
	for c := s.parent; c != nil; c = c.parent {
		c.branches--
		if c.branches > 0 {
			break
		}
	}
}

func (e *env) maxStatesPerInsn() int {
	m := 0
	for _, l := range e.explored {
		m = max(m, len(l))
	}
	return m
}

// idMap is check_ids' one-to-one correspondence of old and new ids.
type idMap struct{ old, cur map[uint32]uint32 }

func (m *idMap) match(o, c uint32) bool {
	if o == 0 && c == 0 {
		return true
	}
	if o == 0 || c == 0 {
		return false
	}
	if x, ok := m.old[o]; ok {
		return x == c
	}
	if _, ok := m.cur[c]; ok {
		return false
	}
	m.old[o], m.cur[c] = c, o
	return true
}

// statesSafe reports whether old subsumes cur (exact: equals it), on
// the registers live there (liveness.go).
func (e *env) statesSafe(old, cur *state, exact bool) bool {
	if len(old.frames) != len(cur.frames) || len(old.refs) != len(cur.refs) {
		return false
	}
	ids := &idMap{map[uint32]uint32{}, map[uint32]uint32{}}
	for i := range old.refs {
		if !ids.match(old.refs[i].id, cur.refs[i].id) {
			return false
		}
	}
	for i, of := range old.frames {
		cf := cur.frames[i]
		if of.callsite != cf.callsite {
			return false
		}
		live := e.liveIn(cur, i)
		for r := range ebpf.NumRegisters {
			if live&bit(uint8(r)) == 0 && r != ebpf.R10 {
				continue
			}
			if !regSafe(&of.regs[r], &cf.regs[r], ids, exact) {
				return false
			}
		}
		var read uint64 = ^uint64(0)
		if old.hasRead && !exact {
			read = old.read[i]
		}
		if !stackSafe(of, cf, ids, exact, read, !e.opts.Unprivileged) {
			return false
		}
	}
	return true
}

// stackSafe compares a frame's stack slots (the kernel's stacksafe). As
// root (capable), an old misc byte matches any current byte: any number
// could have been read there, and Linux lets the old state cover even a
// byte of a spilled pointer, which a narrow read at a fixed offset would
// refuse; we follow it, so as not to explore (and refuse) paths Linux
// prunes. Reading such a byte is a pointer leak root may make, not an
// unsafe access.
func stackSafe(of, cf *frame, ids *idMap, exact bool, read uint64, capable bool) bool {
	for i := range of.stack {
		if read&(uint64(1)<<i) == 0 {
			continue // no path from old read it (liveness.go, step 6)
		}
		os, cs := &of.stack[i], &cf.stack[i]
		if exact {
			if os.kind != cs.kind || os.isSpill() && !regSafe(&os.spill, &cs.spill, ids, true) {
				return false
			}
			continue
		}
		if os.isSpill() {
			n := os.spillSize()
			if !cs.isSpill() {
				if n == 8 && os.spill.Type == ScalarValue && os.spill.Num.U == fullU && os.spill.Num.S == fullS && os.spill.ID == 0 && allRead(cs) {
					continue
				}
				return false
			}
			if cs.spillSize() != n || !regSafe(&os.spill, &cs.spill, ids, false) {
				return false
			}
			// the bytes above a narrow spill compare as bytes, below
		}
		for b, k := range os.kind {
			switch k {
			case stackSpill: // compared above
			case stackInvalid:
			case stackMisc:
				if capable {
					continue
				}
				if cs.kind[b] == stackInvalid || (cs.isSpill() && cs.spill.Type != ScalarValue) {
					return false
				}
			case stackZero:
				if cs.kind[b] != stackZero {
					return false
				}
			}
		}
	}
	return true
}

// allRead reports whether every byte of s holds a number (not invalid,
// not a pointer).
func allRead(s *stackSlot) bool {
	if s.isSpill() {
		return s.spill.Type == ScalarValue
	}
	for _, k := range s.kind {
		if k == stackInvalid {
			return false
		}
	}
	return true
}

func regSafe(o, c *Reg, ids *idMap, exact bool) bool {
	if exact {
		if o.Type != c.Type || o.Num != c.Num || o.Off != c.Off || o.Map != c.Map || o.Size != c.Size ||
			o.Range != c.Range || o.Frame != c.Frame {
			return false
		}
		return ids.match(o.ID, c.ID) && ids.match(o.Ref, c.Ref)
	}
	switch {
	case o.Type == NotInit:
		return true
	case o.Type != c.Type:
		return false
	case o.Type == ScalarValue:
		return o.ID == 0 && numIn(o.Num, c.Num) || o.ID != 0 && ids.match(o.ID, c.ID) && numIn(o.Num, c.Num)
	}
	if o.Off != c.Off || o.Map != c.Map || o.Size != c.Size || o.Frame != c.Frame || !numIn(o.Num, c.Num) {
		return false
	}
	if o.Type.isPacket() && o.Range > c.Range {
		return false
	}
	return ids.match(o.ID, c.ID) && ids.match(o.Ref, c.Ref)
}

// numIn reports whether every value cur allows old allows too.
func numIn(old, cur Scalar) bool {
	return old.Var.In(cur.Var) &&
		old.U.min <= cur.U.min && cur.U.max <= old.U.max &&
		old.S.min <= cur.S.min && cur.S.max <= old.S.max &&
		old.U32.min <= cur.U32.min && cur.U32.max <= old.U32.max &&
		old.S32.min <= cur.S32.min && cur.S32.max <= old.S32.max
}
