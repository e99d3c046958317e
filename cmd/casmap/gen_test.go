package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/sqlite"
)

// genFeatures returns the synthetic incidents in db in storage order.
func genFeatures(t *testing.T, path string) []geodata.Feature {
	t.Helper()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var out []geodata.Feature
	for offset := 0; ; offset += geodata.MaxLimit {
		page, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: geodata.LayerIncidents, Limit: geodata.MaxLimit, Offset: offset})
		if err != nil {
			t.Fatalf("read incidents: %v", err)
		}
		for _, f := range page.Features {
			if strings.HasPrefix(f.ID, "gen-") {
				out = append(out, f)
			}
		}
		if len(page.Features) < geodata.MaxLimit {
			return out
		}
	}
}

func TestGen(t *testing.T) {
	dir := t.TempDir()
	const n = 2000
	gen := func(name string, args ...string) []geodata.Feature {
		t.Helper()
		path := filepath.Join(dir, name)
		mustSeed(t, path)
		args = append([]string{"gen", "--incidents", "2000", "--db", path}, args...)
		out, err := casmap(t, args...)
		if err != nil {
			t.Fatalf("casmap %s: %v", strings.Join(args, " "), err)
		}
		if !strings.Contains(out, "generated 2000 synthetic incidents") {
			t.Errorf("casmap %s printed %q", strings.Join(args, " "), out)
		}
		return genFeatures(t, path)
	}
	a := gen("a.db", "--seed", "7")
	b := gen("b.db", "--seed", "7")
	c := gen("c.db", "--seed", "8")

	if len(a) != n {
		t.Fatalf("gen --incidents %d stored %d incidents", n, len(a))
	}
	region := genRegion
	var prev uint64
	for i, f := range a {
		if err := geodata.ValidateIncident(f); err != nil {
			t.Errorf("incident %s is not valid: %v", f.ID, err)
		}
		if f.Properties["synthetic"] != true {
			t.Errorf("incident %s: synthetic = %v, want true", f.ID, f.Properties["synthetic"])
		}
		if !region.Contains(f.Geometry.Bound().Center()) {
			t.Errorf("incident %s at %v is outside the region", f.ID, f.Geometry)
		}
		// Storage order is spatial order.
		if k := sqlite.HilbertKey(f.Geometry); i > 0 && k < prev {
			t.Errorf("incident %s is stored after one with a larger Hilbert key", f.ID)
		} else {
			prev = k
		}
	}
	if !reflect.DeepEqual(byID(a), byID(b)) {
		t.Error("two runs with one seed made different incidents")
	}
	if reflect.DeepEqual(byID(a), byID(c)) {
		t.Error("seeds 7 and 8 made the same incidents")
	}
	if again := gen("a.db", "--seed", "7"); len(again) != n {
		t.Errorf("a second gen with the same seed left %d incidents, want %d (an update, not more)", len(again), n)
	}
}

func byID(fs []geodata.Feature) map[string]geodata.Feature {
	m := make(map[string]geodata.Feature, len(fs))
	for _, f := range fs {
		m[f.ID] = f
	}
	return m
}

func TestGenBadArgs(t *testing.T) {
	db := filepath.Join(t.TempDir(), "bad.db")
	tests := []struct {
		name string
		args []string
	}{
		{"no count", []string{"gen", "--db", db}},
		{"zero", []string{"gen", "--incidents", "0", "--db", db}},
		{"negative", []string{"gen", "--incidents", "-5", "--db", db}},
		{"not a number", []string{"gen", "--incidents", "many", "--db", db}},
		{"extra argument", []string{"gen", "--incidents", "5", "--db", db, "more"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := casmap(t, tc.args...); err == nil {
				t.Errorf("casmap %s: error = nil, want one", strings.Join(tc.args, " "))
			}
		})
	}
}
