package vmm

import (
	"testing"
	"time"
)

// TestHistogramBuckets: every value lies in its bucket, whose top is
// within 12.5% of it.
func TestHistogramBuckets(t *testing.T) {
	for _, v := range []uint64{0, 1, 7, 8, 9, 15, 16, 17, 1000, 999_999, 1 << 40, 1<<63 + 12345, ^uint64(0)} {
		i := bucketOf(v)
		top := bucketTop(i)
		if i >= numBuckets || top < v || (i > 0 && bucketTop(i-1) >= v) {
			t.Errorf("value %d in bucket %d (top %d, previous top %d)", v, i, top, bucketTop(max(i-1, 0)))
		}
		if v >= 8 && float64(top-v) > float64(v)/8 {
			t.Errorf("value %d: bucket top %d is more than 12.5%% above", v, top)
		}
	}
}

func TestHistogramQuantiles(t *testing.T) {
	var h histogram
	for i := 1; i <= 1000; i++ {
		h.add(time.Duration(i) * time.Microsecond)
	}
	p50, p99 := h.quantile(0.5), h.quantile(0.99)
	if p50 < 500*time.Microsecond || p50 > 563*time.Microsecond {
		t.Errorf("p50 %v of 1..1000 µs", p50)
	}
	if p99 < 990*time.Microsecond || p99 > 1114*time.Microsecond {
		t.Errorf("p99 %v of 1..1000 µs", p99)
	}
	if h.count != 1000 || h.total != 500500*time.Microsecond {
		t.Errorf("count %d total %v", h.count, h.total)
	}
}
