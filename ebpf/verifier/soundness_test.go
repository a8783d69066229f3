package verifier

// Soundness: every program the verifier accepts runs in the checking
// interpreter (ebpf/interp through ebpf/host's hooks) on random packets
// and random map contents without one out-of-bounds access. The
// interpreter checks every load and store against the regions it maps, so
// a memory fault is exactly what the verifier claims cannot happen.

import (
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/host"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
)

// runs is how many random inputs each accepted program gets.
const runs = 64

// fillMaps puts random values under keys 0-7 of every map that has keys.
func fillMaps(t testing.TB, ms []maps.Map, rng *rand.Rand) {
	for _, m := range ms {
		s := m.Spec()
		if s.Type == maps.RingBuf || s.Type == maps.ProgArray || s.KeySize != 4 {
			continue
		}
		for k := range uint32(8) {
			if s.Type == maps.Array && k >= s.MaxEntries {
				break
			}
			v := make([]byte, s.ValueSize)
			for i := range v {
				v[i] = byte(rng.Uint32())
			}
			key := binary.LittleEndian.AppendUint32(nil, k)
			if err := m.Update(key, v, 0); err != nil && s.Type != maps.Array {
				t.Logf("filling %s: %v", s.Name, err)
			}
		}
	}
}

// loadWithRandomMaps loads insns, a program of type typ that the verifier
// accepted, into a fresh host collection whose ruleMaps hold random values;
// the caller closes the program.
func loadWithRandomMaps(t *testing.T, name string, typ loader.ProgType, insns []ebpf.Instruction, rng *rand.Rand) (*host.Program, host.Kind) {
	t.Helper()
	ms := make([]maps.Map, len(ruleMaps))
	for i, s := range ruleMaps {
		m, err := maps.New(s, maps.Options{})
		if err != nil {
			t.Fatal(err)
		}
		ms[i] = m
	}
	fillMaps(t, ms, rng)
	coll, err := host.NewCollection(ms, host.Options{})
	if err != nil {
		t.Fatal(err)
	}
	kind, err := host.KindOf(typ)
	if err != nil {
		t.Fatal(err)
	}
	p, err := coll.Load("verified", kind, insns)
	if err != nil {
		t.Fatalf("%s: loading into the host: %v", name, err)
	}
	return p, kind
}

// runRandom runs p on random packets of kind; every error is a failure
// (a memory fault above all).
func runRandom(t *testing.T, name string, p *host.Program, kind host.Kind, minLen int, rng *rand.Rand) {
	t.Helper()
	for range runs {
		pkt := make([]byte, max(minLen, 14)+rng.IntN(128))
		for i := range pkt {
			pkt[i] = byte(rng.Uint32())
		}
		if kind != host.XDP && len(pkt) < 64 {
			pkt = append(pkt, make([]byte, 64-len(pkt))...)
			pkt[12], pkt[13] = 0x08, 0x00 // IPv4: the skb test run parses it
		}
		var err error
		switch kind {
		case host.XDP:
			_, err = p.RunXDP(pkt, host.XDPMeta{IngressIfindex: 1})
		case host.SocketFilter:
			_, err = p.RunSocketFilter(pkt)
		default:
			_, err = p.RunTC(pkt)
		}
		if err != nil {
			var re *interp.RunError
			if errors.As(err, &re) {
				t.Errorf("UNSOUND %s: accepted, but faults on a %d-byte packet: %v", name, len(pkt), err)
			} else {
				t.Errorf("%s: run: %v", name, err)
			}
			return
		}
	}
}

// TestSoundnessRules runs every accepted rule program.
func TestSoundnessRules(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	ran := 0
	for _, c := range ruleCases {
		insns := assemble(t, c.src)
		opts := c.options()
		opts.LogLevel = 0
		if _, err := Verify(insns, opts); err != nil {
			continue
		}
		p, kind := loadWithRandomMaps(t, c.name, opts.ProgType, insns, rng)
		runRandom(t, c.name, p, kind, 0, rng)
		p.Close()
		ran++
	}
	t.Logf("%d accepted rule programs ran %d times each without a fault", ran, runs)
}

// TestSoundnessObjects runs every test object's programs.
func TestSoundnessObjects(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	for _, o := range objectPrograms(t) {
		if _, err := Verify(o.prog.Insns, o.options(0)); err != nil {
			continue
		}
		coll, err := host.NewObjectCollection(o.obj, func(s maps.Spec) (maps.Map, error) { return maps.New(s, maps.Options{}) }, host.Options{})
		if err != nil {
			t.Fatal(err)
		}
		fillMaps(t, coll.Maps(), rng)
		p, err := coll.LoadProgram(o.prog)
		if err != nil {
			t.Fatalf("%s: %v", o.name(), err)
		}
		kind, _ := host.KindOf(o.prog.Type)
		runRandom(t, o.name(), p, kind, 0, rng)
		p.Close()
	}
}

// TestSoundnessCorpus runs every accepted bpf_conformance program (behind
// the XDP prolog) on random packets at least as long as its memory.
func TestSoundnessCorpus(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	names, progs := corpusPrograms(t, "bpf_conformance")
	ran := 0
	for i, insns := range progs {
		if _, err := Verify(insns, Options{ProgType: loader.XDP}); err != nil {
			continue
		}
		coll, err := host.NewCollection(nil, host.Options{})
		if err != nil {
			t.Fatal(err)
		}
		p, err := coll.Load(names[i], host.XDP, insns)
		if err != nil {
			t.Fatalf("%s: %v", names[i], err)
		}
		runRandom(t, names[i], p, host.XDP, memLen(insns), rng)
		p.Close()
		ran++
	}
	t.Logf("%d accepted corpus programs ran %d times each without a fault", ran, runs)
}

// memLen is the memory length the prolog checks (its "add %r3, N").
func memLen(insns []ebpf.Instruction) int { return int(insns[5].Imm) }
