package main

import (
	"fmt"
	"runtime/debug"
)

// defaultMemoryLimitMiB is serve's soft memory limit unless told: room for
// a million incidents' aggregate (about 100 MiB), the response cache and
// the pages in flight, with the garbage collector working harder as the
// heap nears it instead of letting it double.
const defaultMemoryLimitMiB = 320

// applyMemoryLimit sets the Go runtime's soft memory limit to mib MiB,
// unless mib is 0 or GOMEMLIMIT is set (the runtime reads that itself),
// and says what it did.
func applyMemoryLimit(mib int, getenv func(string) string) (string, error) {
	switch {
	case mib < 0:
		return "", fmt.Errorf("--memory-limit %d: give a size in MiB, or 0 for none", mib)
	case getenv("GOMEMLIMIT") != "":
		return "GOMEMLIMIT=" + getenv("GOMEMLIMIT"), nil
	case mib == 0:
		return "none", nil
	}
	debug.SetMemoryLimit(int64(mib) << 20)
	return fmt.Sprintf("%d MiB", mib), nil
}
