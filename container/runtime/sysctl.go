package runtime

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// setSysctls writes each key (dots become slashes) under /proc/sys of the
// container (sysctl(8); runtime-spec config-linux.md "Sysctl"). The
// namespaces decide which keys a container may set; the kernel refuses the
// rest.
func setSysctls(m map[string]string) error {
	for k, v := range m {
		if strings.Contains(k, "..") || strings.Contains(k, "/") {
			return fmt.Errorf("linux.sysctl: bad key %q", k)
		}
		p := filepath.Join("/proc/sys", strings.ReplaceAll(k, ".", "/"))
		if err := os.WriteFile(p, []byte(v), 0); err != nil {
			return fmt.Errorf("linux.sysctl %s: %w", k, err)
		}
	}
	return nil
}
