package vmm

import (
	"fmt"
	"io"
	"math/bits"
	"sort"
	"time"

	"github.com/deepsys/deepsys/vmm/kvm"
)

// Trap-and-emulate made visible: every exit the VMM handles is counted by
// reason with the time its handling took (from KVM_RUN's return to the
// next KVM_RUN), kept in a log-linear histogram of 8 buckets per power of
// two (12.5% resolution) from which p50 and p99 are read. Each vCPU owns
// its histograms (no locks on the hot path); VM.ExitStats merges them
// after Run.

const (
	subBits    = 3
	subBuckets = 1 << subBits
	numBuckets = (64-subBits)*subBuckets + subBuckets
)

// histogram counts durations in nanoseconds.
type histogram struct {
	count   uint64
	total   time.Duration
	buckets [numBuckets]uint64
}

// bucketOf maps ns to its bucket: exact below 8, then 8 per power of 2.
func bucketOf(ns uint64) int {
	e := bits.Len64(ns)
	if e <= subBits {
		return int(ns)
	}
	return (e-subBits)*subBuckets + int(ns>>(e-subBits-1)&(subBuckets-1))
}

// bucketTop is the largest value in bucket i.
func bucketTop(i int) uint64 {
	if i < subBuckets {
		return uint64(i)
	}
	e := i/subBuckets + subBits
	sub := uint64(i % subBuckets)
	return (subBuckets|sub+1)<<(e-subBits-1) - 1
}

func (h *histogram) add(d time.Duration) {
	h.count++
	h.total += d
	h.buckets[bucketOf(uint64(max(d, 0)))]++
}

func (h *histogram) merge(o *histogram) {
	h.count += o.count
	h.total += o.total
	for i := range h.buckets {
		h.buckets[i] += o.buckets[i]
	}
}

// quantile is the top of the bucket holding the q-th fraction of samples.
func (h *histogram) quantile(q float64) time.Duration {
	rank := uint64(q*float64(h.count-1)) + 1
	var seen uint64
	for i, n := range h.buckets {
		if seen += n; seen >= rank {
			return time.Duration(bucketTop(i))
		}
	}
	return 0
}

// ExitStat is one row of VM.ExitStats.
type ExitStat struct {
	Reason   kvm.ExitReason
	Count    uint64
	Total    time.Duration
	P50, P99 time.Duration
}

// ExitStats merges every vCPU's exit counts and handling times, most
// frequent first. Call it after Run returns.
func (v *VM) ExitStats() []ExitStat {
	merged := map[kvm.ExitReason]*histogram{}
	for _, c := range v.vcpus {
		for r, h := range c.stats {
			if merged[r] == nil {
				merged[r] = &histogram{}
			}
			merged[r].merge(h)
		}
	}
	var out []ExitStat
	for r, h := range merged {
		out = append(out, ExitStat{Reason: r, Count: h.count, Total: h.total, P50: h.quantile(0.5), P99: h.quantile(0.99)})
	}
	sort.Slice(out, func(i, j int) bool {
		return out[i].Count > out[j].Count || out[i].Count == out[j].Count && out[i].Reason < out[j].Reason
	})
	return out
}

// WriteExitStats prints stats as the table `--stats` shows.
func WriteExitStats(w io.Writer, stats []ExitStat) error {
	if _, err := fmt.Fprintf(w, "%-24s %10s %12s %10s %10s\n", "exit", "count", "total", "p50", "p99"); err != nil {
		return err
	}
	for _, s := range stats {
		if _, err := fmt.Fprintf(w, "%-24v %10d %12v %10v %10v\n", s.Reason, s.Count, s.Total, s.P50, s.P99); err != nil {
			return err
		}
	}
	return nil
}
