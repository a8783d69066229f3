package verifier

import (
	"errors"
	"math/rand/v2"
	"testing"

	"github.com/deepsys/deepsys/ebpf"
	"github.com/deepsys/deepsys/ebpf/host"
	"github.com/deepsys/deepsys/ebpf/interp"
	"github.com/deepsys/deepsys/ebpf/loader"
	"github.com/deepsys/deepsys/ebpf/maps"
	"github.com/deepsys/deepsys/ebpf/verifier/progen"
)

// FuzzVerify: any instruction stream is verified without a panic or a
// hang (the processed-instruction limit bounds the walk), and one that is
// accepted runs in the interpreter without a memory fault.
func FuzzVerify(f *testing.F) {
	for _, c := range ruleCases {
		insns := assemble(f, c.src)
		for i := range insns { // the fuzzer's programs name no maps
			if insns[i].IsLDDW() {
				insns[i].Src = 0
			}
		}
		f.Add(ebpf.Encode(nil, insns), uint8(0))
	}
	f.Fuzz(func(t *testing.T, code []byte, typ uint8) {
		insns, err := ebpf.Decode(code)
		if err != nil || len(insns) > 512 {
			return
		}
		types := []loader.ProgType{loader.XDP, loader.SocketFilter, loader.SchedCLS}
		opts := Options{ProgType: types[int(typ)%len(types)], MaxInsns: 50_000, LogLevel: int(typ>>4) % 3}
		_, err = Verify(insns, opts)
		var re *RejectError
		if err != nil {
			if !errors.As(err, &re) {
				t.Fatalf("not a RejectError: %v", err)
			}
			return
		}
		coll, err := host.NewCollection([]maps.Map{}, host.Options{Budget: 1 << 20})
		if err != nil {
			t.Fatal(err)
		}
		kind, _ := host.KindOf(opts.ProgType)
		p, err := coll.Load("fuzz", kind, insns)
		if err != nil {
			t.Fatalf("accepted but the host refuses it: %v", err)
		}
		defer p.Close()
		pkt := make([]byte, 64)
		for i := range pkt {
			pkt[i] = byte(i * 7)
		}
		switch kind {
		case host.XDP:
			_, err = p.RunXDP(pkt, host.XDPMeta{})
		case host.SocketFilter:
			_, err = p.RunSocketFilter(pkt)
		default:
			_, err = p.RunTC(pkt)
		}
		var runErr *interp.RunError
		if errors.As(err, &runErr) {
			t.Fatalf("UNSOUND: accepted, but faults: %v", err)
		}
	})
}

// FuzzGenerated: the random program generator driven by the fuzzer's
// seeds; every program the verifier accepts runs without a fault.
func FuzzGenerated(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		rng := rand.New(rand.NewPCG(a, b))
		prog := progen.Generate(rng, progen.Options{})
		typ, src, insns := prog.ProgType, prog.Src, prog.Insns
		if _, err := Verify(insns, Options{ProgType: typ, Maps: ruleMaps}); err != nil {
			return
		}
		p, kind := loadWithRandomMaps(t, src, typ, insns, rng)
		defer p.Close()
		runRandom(t, src, p, kind, 0, rng)
	})
}
