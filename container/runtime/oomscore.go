package runtime

import (
	"fmt"
	"os"
	"strconv"
)

// setOOMScoreAdj writes process.oomScoreAdj to /proc/self/oom_score_adj
// (proc(5)); the value is inherited across fork and execve. Lowering it
// needs CAP_SYS_RESOURCE, which root lacks on our machines, so only
// raising works here.
func setOOMScoreAdj(v *int) error {
	if v == nil {
		return nil
	}
	if *v < -1000 || *v > 1000 {
		return fmt.Errorf("process.oomScoreAdj: %d is outside -1000..1000", *v)
	}
	if err := os.WriteFile("/proc/self/oom_score_adj", []byte(strconv.Itoa(*v)), 0); err != nil {
		return fmt.Errorf("process.oomScoreAdj: %w", err)
	}
	return nil
}
