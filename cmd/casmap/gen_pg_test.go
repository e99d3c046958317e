package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestGenPostGIS makes synthetic incidents in PostgreSQL as in a SQLite
// file: one seed gives the same incidents on both stores, in the same
// order, and a second run updates them rather than adding more.
func TestGenPostGIS(t *testing.T) {
	file := filepath.Join(t.TempDir(), "gen.db")
	dsn := pg.Database(t)
	for _, db := range []string{file, dsn} {
		mustSeed(t, db)
		for run := range 2 {
			out, err := casmap(t, "gen", "--incidents", "500", "--seed", "3", "--db", db)
			if err != nil || !strings.Contains(out, "generated 500 synthetic incidents") {
				t.Fatalf("gen run %d into %s: %v\n%s", run+1, db, err, out)
			}
		}
	}
	want := exportLayer(t, file, "incidents")
	got := exportLayer(t, dsn, "incidents")
	if n := strings.Count(got, `"id":"gen-`); n != 500 {
		t.Errorf("after two runs of gen --incidents 500, PostGIS holds %d synthetic incidents, want 500", n)
	}
	if got != want {
		t.Errorf("the incidents gen made in PostGIS (%d bytes of GeoJSON) differ from those it made in SQLite (%d bytes)", len(got), len(want))
	}
}
