package host

// The helper table: which kernel helpers (uapi/linux/bpf.h, enum
// bpf_func_id) a program of each Kind may call, and the state of the run in
// progress they share (interp.Env.State). Helper groups have their own
// files: maps (helpers_map.go), ring buffers (helpers_ringbuf.go),
// checksums (helpers_csum.go), skb bytes (helpers_skb.go), XDP
// (helpers_xdp.go), bpf_trace_printk (trace.go), bpf_tail_call
// (tailcall.go); the small ones are here.

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"syscall"

	"golang.org/x/sys/unix"

	"github.com/deepsys/deepsys/ebpf/interp"
)

// Helper ids (uapi/linux/bpf.h, enum bpf_func_id).
const (
	HelperMapLookupElem       = 1
	HelperMapUpdateElem       = 2
	HelperMapDeleteElem       = 3
	HelperKtimeGetNs          = 5
	HelperTracePrintk         = 6
	HelperGetPrandomU32       = 7
	HelperGetSmpProcessorID   = 8
	HelperL3CsumReplace       = 10
	HelperL4CsumReplace       = 11
	HelperTailCall            = 12
	HelperRedirect            = 23
	HelperCsumDiff            = 28
	HelperXDPAdjustHead       = 44
	HelperXDPAdjustMeta       = 54
	HelperXDPAdjustTail       = 65
	HelperKtimeGetBootNs      = 125
	HelperRingbufOutput       = 130
	HelperRingbufReserve      = 131
	HelperRingbufSubmit       = 132
	HelperRingbufDiscard      = 133
	HelperRingbufQuery        = 134
	HelperXDPGetBuffLen       = 188
	HelperXDPLoadBytes        = 189
	HelperXDPStoreBytes       = 190
	HelperMapLookupPercpuElem = 195
)

// runState is one run's state, for the helpers: interp.Env.State.
type runState struct {
	kind      Kind
	prog      *Program // the program running (tail calls change it)
	next      *Program // the target of a tail call in progress
	tailCalls int
	redirect  uint32 // bpf_redirect's ifindex
	redirects bool   // bpf_redirect was called
	cpu       int    // the CPU the run holds (cpu.go)
	metaLen   int    // XDP: data - data_meta (helpers_xdp.go)
	window    extent // XDP: every bound the packet window had in this run (xdp.go, step 4)
}

func state(env *interp.Env) (*runState, error) {
	st, ok := env.State().(*runState)
	if !ok {
		return nil, errors.New("host helper called outside a host run")
	}
	return st, nil
}

// errno is -e as a helper's 64-bit result.
func errno(e syscall.Errno) uint64 { return uint64(-int64(e)) }

// errnoOf is the errno err wraps (the maps package's errors), EINVAL if none.
func errnoOf(err error) uint64 {
	if e, ok := err.(syscall.Errno); ok { // the common case, without errors.As's reflection
		return errno(e)
	}
	var e syscall.Errno
	if errors.As(err, &e) {
		return errno(e)
	}
	return errno(syscall.EINVAL)
}

// helpers is the table for programs of kind.
func (c *Collection) helpers(kind Kind) map[int32]interp.Helper {
	h := map[int32]interp.Helper{
		HelperMapLookupElem:       c.mapLookupElem,
		HelperMapUpdateElem:       c.mapUpdateElem,
		HelperMapDeleteElem:       c.mapDeleteElem,
		HelperMapLookupPercpuElem: c.mapLookupPercpuElem,
		HelperKtimeGetNs:          c.ktimeGetNs,
		HelperKtimeGetBootNs:      c.ktimeGetNs,
		HelperTracePrintk:         c.tracePrintk,
		HelperGetPrandomU32:       c.prandom,
		HelperGetSmpProcessorID:   c.smpProcessorID,
		HelperTailCall:            c.tailCall,
		HelperCsumDiff:            csumDiff,
		HelperRedirect:            redirect,
		HelperRingbufOutput:       c.ringbufOutput,
		HelperRingbufReserve:      c.ringbufReserve,
		HelperRingbufSubmit:       c.ringbufSubmit,
		HelperRingbufDiscard:      c.ringbufDiscard,
		HelperRingbufQuery:        c.ringbufQuery,
	}
	switch kind {
	case XDP:
		h[HelperXDPAdjustHead] = xdpAdjustHead
		h[HelperXDPAdjustTail] = xdpAdjustTail
		h[HelperXDPAdjustMeta] = xdpAdjustMeta
		h[HelperXDPGetBuffLen] = xdpGetBuffLen
		h[HelperXDPLoadBytes] = xdpLoadBytes
		h[HelperXDPStoreBytes] = xdpStoreBytes
	case SchedCLS:
		h[HelperL3CsumReplace] = l3CsumReplace
		h[HelperL4CsumReplace] = l4CsumReplace
		h[HelperSkbStoreBytes] = skbStoreBytes
		h[HelperSkbLoadBytes] = skbLoadBytes
	case SocketFilter:
		h[HelperSkbLoadBytes] = skbLoadBytes
	}
	return h
}

// ktimeGetNs is bpf_ktime_get_ns (kernel/bpf/helpers.c): CLOCK_MONOTONIC
// in nanoseconds. (bpf_ktime_get_boot_ns, CLOCK_BOOTTIME, is served by the
// same clock: they differ only across a suspend.)
func (c *Collection) ktimeGetNs(*interp.Env, uint64, uint64, uint64, uint64, uint64) (uint64, error) {
	if c.opts.Now != nil {
		return c.opts.Now(), nil
	}
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_MONOTONIC, &ts); err != nil {
		return 0, fmt.Errorf("clock_gettime: %w", err)
	}
	return uint64(ts.Nano()), nil
}

// prandom is bpf_get_prandom_u32.
func (c *Collection) prandom(*interp.Env, uint64, uint64, uint64, uint64, uint64) (uint64, error) {
	if c.opts.Rand != nil {
		return uint64(c.opts.Rand()), nil
	}
	return uint64(rand.Uint32()), nil
}

// smpProcessorID is bpf_get_smp_processor_id: the CPU the run holds.
func (c *Collection) smpProcessorID(env *interp.Env, _, _, _, _, _ uint64) (uint64, error) {
	st, err := state(env)
	if err != nil {
		return 0, err
	}
	return uint64(st.cpu), nil
}
