package main

import (
	"math"
	"runtime/debug"
	"testing"
)

func TestApplyMemoryLimit(t *testing.T) {
	before := debug.SetMemoryLimit(-1)
	t.Cleanup(func() { debug.SetMemoryLimit(before) })
	tests := []struct {
		name    string
		mib     int
		env     string
		want    string
		limit   int64 // the runtime's limit after, or 0 for unchanged
		wantErr bool
	}{
		{"a limit", 300, "", "300 MiB", 300 << 20, false},
		{"none", 0, "", "none", 0, false},
		{"GOMEMLIMIT wins", 300, "1GiB", "GOMEMLIMIT=1GiB", 0, false},
		{"negative", -5, "", "", 0, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			debug.SetMemoryLimit(math.MaxInt64)
			got, err := applyMemoryLimit(tt.mib, func(k string) string {
				if k == "GOMEMLIMIT" {
					return tt.env
				}
				return ""
			})
			if (err != nil) != tt.wantErr || got != tt.want {
				t.Fatalf("applyMemoryLimit(%d) = %q, %v; want %q (error %v)", tt.mib, got, err, tt.want, tt.wantErr)
			}
			want := tt.limit
			if want == 0 {
				want = math.MaxInt64
			}
			if now := debug.SetMemoryLimit(-1); now != want {
				t.Errorf("the runtime's limit is %d, want %d", now, want)
			}
		})
	}
}
