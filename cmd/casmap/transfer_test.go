package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"
)

// casmap runs the program with args and returns what it printed to
// stdout; what it logged goes to the test log.
func casmap(t *testing.T, args ...string) (string, error) {
	t.Helper()
	var out, errOut bytes.Buffer
	getenv := func(string) string { return "" }
	err := run(context.Background(), args, getenv, strings.NewReader(""), &out, &errOut)
	if errOut.Len() > 0 {
		t.Logf("casmap %s: %s", strings.Join(args, " "), errOut.String())
	}
	return out.String(), err
}

func TestExportImportRoundTrip(t *testing.T) {
	dir := t.TempDir()
	db1, db2 := filepath.Join(dir, "one.db"), filepath.Join(dir, "two.db")
	exported := filepath.Join(dir, "incidents.geojson")
	mustSeed(t, db1)
	mustSeed(t, db2)
	if out, err := casmap(t, "export", "--layer", "incidents", "--db", db1, exported); err != nil {
		t.Fatalf("export: %v\n%s", err, out)
	}
	// Import into a second database's places layer, so nothing there has
	// the same ids, then export again and compare feature by feature.
	if out, err := casmap(t, "import", "--layer", "places", "--db", db2, exported); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	want := featuresByID(t, readFile(t, exported))
	got := map[string]any{}
	out, err := casmap(t, "export", "--layer", "places", "--db", db2)
	if err != nil {
		t.Fatalf("export places: %v", err)
	}
	for id, f := range featuresByID(t, []byte(out)) {
		if _, ok := want[id]; ok {
			got[id] = f
		}
	}
	if len(want) == 0 {
		t.Fatal("the incidents export is empty")
	}
	for id, w := range want {
		if !reflect.DeepEqual(got[id], w) {
			t.Errorf("feature %s changed on the round trip:\n got %v\nwant %v", id, got[id], w)
		}
	}
}

func TestImportCSVAllOrNothing(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "c.db")
	good := filepath.Join(dir, "good.csv")
	bad := filepath.Join(dir, "bad.csv")
	header := "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,admin1\n"
	writeFile(t, good, header+"T1,2023-03-01,Battles,Army,Tajikistan,Khorog,37.49,71.55,2,n,RFE/RL,Gorno-Badakhshan\n")
	writeFile(t, bad, header+"T2,2023-03-02,Battles,Army,Tajikistan,Khorog,37.49,71.55,2,n,s,Gorno-Badakhshan\nT3,2023-03-03,Battles,Army,Tajikistan,Khorog,not-a-lat,71.55,2,n,s,Gorno-Badakhshan\n")
	mustSeed(t, db)

	before := exportCount(t, db)
	if out, err := casmap(t, "import", "--layer", "incidents", "--db", db, good); err != nil {
		t.Fatalf("import good CSV: %v\n%s", err, out)
	}
	if got := exportCount(t, db); got != before+1 {
		t.Errorf("after importing one record: %d incidents, want %d", got, before+1)
	}
	_, err := casmap(t, "import", "--layer", "incidents", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "bad.csv") || !strings.Contains(err.Error(), "line 3, field latitude") {
		t.Errorf("import bad CSV: error = %v, want it to name the file, line 3 and latitude", err)
	}
	if got := exportCount(t, db); got != before+1 {
		t.Errorf("after a failed import: %d incidents, want %d (nothing written)", got, before+1)
	}
	if _, err := casmap(t, "import", "--layer", "nope", "--db", db, good); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("import into an unknown layer: error = %v, want it to name the layer", err)
	}
}

// mustSeed creates and seeds the database at path with `casmap seed`.
func mustSeed(t *testing.T, path string) {
	t.Helper()
	if out, err := casmap(t, "seed", "--db", path); err != nil {
		t.Fatalf("casmap seed --db %s: %v\n%s", path, err, out)
	}
}

func exportCount(t *testing.T, db string) int {
	t.Helper()
	out, err := casmap(t, "export", "--layer", "incidents", "--db", db)
	if err != nil {
		t.Fatalf("export: %v", err)
	}
	return len(featuresByID(t, []byte(out)))
}

func featuresByID(t *testing.T, data []byte) map[string]any {
	t.Helper()
	var fc struct {
		Features []map[string]any `json:"features"`
	}
	if err := json.Unmarshal(data, &fc); err != nil {
		t.Fatalf("export is not JSON: %v", err)
	}
	out := map[string]any{}
	for _, f := range fc.Features {
		out[f["id"].(string)] = f
	}
	return out
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func writeFile(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}

// TestRunningServerSeesImport imports through the command line while a
// server runs on the same file, as a person would, and wants the server
// to show the new incident without a restart.
func TestRunningServerSeesImport(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "live.db")
	s := startServerAt(t, db)
	url := s.base + "/api/collections/incidents/items?country=TJK&datetime=2026-01-01/2026-12-31"
	var before struct {
		NumberMatched int `json:"numberMatched"`
	}
	getJSON(t, url, 200, &before)

	csvFile := filepath.Join(dir, "new.csv")
	writeFile(t, csvFile, "event_id_cnty,event_date,event_type,actor1,country,location,latitude,longitude,fatalities,notes,source,admin1\n"+
		"LIVE1,2026-03-01,Battles,Border guards,Tajikistan,Khorog,37.49,71.55,0,test,casmap test,Gorno-Badakhshan\n")
	if out, err := casmap(t, "import", "--layer", "incidents", "--db", db, csvFile); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		var after struct {
			NumberMatched int `json:"numberMatched"`
		}
		getJSON(t, url, 200, &after)
		if after.NumberMatched == before.NumberMatched+1 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("GET %s: numberMatched = %d five seconds after the import, want %d", url, after.NumberMatched, before.NumberMatched+1)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
