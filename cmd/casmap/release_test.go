package main

import (
	"database/sql"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
)

// TestServeTakesNewSeedRelease starts the server on a database that holds
// an older release of one seeded layer and a person's import, as a
// database made before a data change does, and wants the new release in
// place, the import kept, and the log naming the layer replaced; the next
// start finds nothing to do.
func TestServeTakesNewSeedRelease(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "casmap.db")
	mustSeed(t, path)
	csv := filepath.Join(dir, "mine.csv")
	writeFile(t, csv, "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,admin1\n"+
		"MINE1,2023-03-01,Battles,Army,Tajikistan,Khorog,37.49,71.55,2,n,RFE/RL,Gorno-Badakhshan\n")
	if out, err := casmap(t, "import", "--layer", "incidents", "--db", path, csv); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	// What an older release left: another version and other contents.
	execSQL(t, path,
		`UPDATE layers SET seed_version = 'an-older-release' WHERE id = 'tapi'`,
		`UPDATE features SET properties = json_set(properties, '$.name', 'stale name') WHERE layer = 'tapi' AND origin = 'seed'`,
	)

	first := startServerAt(t, path)
	tapi := get(t, first.base+"/api/collections/tapi/items?limit=1000", "application/geo+json")
	if tapi.status != http.StatusOK || strings.Contains(string(tapi.body), "stale name") {
		t.Errorf("tapi after a start on an older release: status %d, still holds the old features: %t",
			tapi.status, strings.Contains(string(tapi.body), "stale name"))
	}
	mine := get(t, first.base+"/api/collections/incidents/items/MINE1", "application/geo+json")
	if mine.status != http.StatusOK {
		t.Errorf("imported incident after the new release: status %d, want 200 (imports are kept)", mine.status)
	}
	version := get(t, first.base+"/api/collections", "application/json").header.Get("X-Data-Version")
	if err := first.stop(); err != nil {
		t.Fatal(err)
	}
	log := first.stderr.String()
	if !strings.Contains(log, "seed data changed") || !strings.Contains(log, "layers=tapi") {
		t.Errorf("start on an older release logged:\n%s\nwant a line naming the replaced layer (layers=tapi)", log)
	}

	second := startServerAt(t, path)
	if got := get(t, second.base+"/api/collections", "application/json").header.Get("X-Data-Version"); got != version {
		t.Errorf("X-Data-Version on the next start = %q, want %q (nothing to replace)", got, version)
	}
	if err := second.stop(); err != nil {
		t.Fatal(err)
	}
	if log := second.stderr.String(); strings.Contains(log, "seed data changed") || strings.Contains(log, "seeded a new") {
		t.Errorf("start on a current database logged about the seed:\n%s", log)
	}
}

// execSQL runs statements on the database file at path, as another
// program would.
func execSQL(t *testing.T, path string, stmts ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
}
