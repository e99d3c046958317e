package main

import (
	"encoding/csv"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// casmap export writes CSV a spreadsheet cannot run, header included.
func TestExportCSVIsInjectionSafe(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "casmap.db")
	hostile := filepath.Join(dir, "hostile.geojson")
	writeFile(t, hostile, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"=2+5",
		"geometry":{"type":"Point","coordinates":[69.123456789,34.5]},
		"properties":{"name":"=HYPERLINK(\"https://evil.example\")","@head":"-1+1","sources":[{"title":"+cmd"}],
		"coord_source":{"kind":"placed","note":"placed by casmap on =1+1"}}}]}`)
	mustSeed(t, db)
	if out, err := casmap(t, "import", "--layer", "places", "--db", db, hostile); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	out := filepath.Join(dir, "places.csv")
	if o, err := casmap(t, "export", "--layer", "places", "--format", "csv", "--db", db, out); err != nil {
		t.Fatalf("export: %v\n%s", err, o)
	}
	f, err := os.Open(out)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rows, err := csv.NewReader(f).ReadAll()
	if err != nil {
		t.Fatalf("exported CSV does not parse: %v", err)
	}
	found := false
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
			found = found || cell == "'=HYPERLINK(\"https://evil.example\")"
		}
		if row[0] == "'=2+5" && row[1] != "69.1234568" {
			t.Errorf("longitude written as %q, want 69.1234568 (seven places)", row[1])
		}
	}
	if !found || !strings.Contains(strings.Join(rows[0], ","), "'@head") {
		t.Errorf("the hostile cells are missing or unescaped: %v", rows)
	}
}

// An import of a file with no features says so and changes nothing.
func TestImportOfNoFeaturesChangesNothing(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "casmap.db")
	empty := filepath.Join(dir, "empty.geojson")
	writeFile(t, empty, `{"type":"FeatureCollection","features":[]}`)
	if _, err := casmap(t, "seed", "--db", path); err != nil {
		t.Fatal(err)
	}
	s := startServerAt(t, path)
	before := get(t, s.base+"/api/collections", "").header.Get("X-Data-Version")
	out, err := casmap(t, "import", "--layer", "incidents", "--db", path, empty)
	if err != nil || !strings.Contains(out, "nothing changed") {
		t.Fatalf("import of no features: %v, %q; want it to say nothing changed", err, out)
	}
	if after := get(t, s.base+"/api/collections", "").header.Get("X-Data-Version"); after != before {
		t.Errorf("data version went from %s to %s", before, after)
	}
}

// An import whose country is not an ISO 3166-1 code is refused whole.
func TestImportRefusesUnknownCountry(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.geojson")
	writeFile(t, bad, `{"type":"FeatureCollection","features":[{"type":"Feature","id":"x",
		"geometry":{"type":"Point","coordinates":[69,34]},"properties":{"country":"Afghanistan","sources":[{"title":"t"}]}}]}`)
	db := filepath.Join(dir, "c.db")
	mustSeed(t, db)
	_, err := casmap(t, "import", "--layer", "places", "--db", db, bad)
	if err == nil || !strings.Contains(err.Error(), "ISO 3166-1") {
		t.Errorf("import with country Afghanistan = %v, want an error naming ISO 3166-1", err)
	}
}

// serve --base-url pins the links; a bad one is refused at start.
func TestServeBaseURL(t *testing.T) {
	s := startServerAt(t, filepath.Join(t.TempDir(), "casmap.db"), "--base-url", "https://map.example.org/")
	r := get(t, s.base+"/api", "application/json")
	if !strings.Contains(string(r.body), `"href":"https://map.example.org/api`) {
		t.Errorf("landing page links do not start https://map.example.org/api:\n%s", snippet(r.body))
	}
	for _, bad := range []string{"map.example.org", "ftp://x", "https://x/?q=1", "https://"} {
		err := run(t.Context(), []string{"serve", "--addr", "127.0.0.1:0", "--db", filepath.Join(t.TempDir(), "x.db"), "--base-url", bad}, noEnv, strings.NewReader(""), &syncBuffer{}, &syncBuffer{})
		if err == nil || !strings.Contains(err.Error(), "--base-url") {
			t.Errorf("serve --base-url %q = %v, want a refusal", bad, err)
		}
	}
}

// The --pprof listener answers loopback names only.
func TestPprofRefusesRebindingHosts(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	stop, err := servePprof(addr)
	if err != nil {
		t.Fatal(err)
	}
	defer stop()
	for host, want := range map[string]int{addr: 200, "localhost": 200, "rebind.attacker.example": 421} {
		req, _ := http.NewRequest(http.MethodGet, "http://"+addr+"/debug/pprof/", nil)
		req.Host = host
		resp, err := httpClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("pprof with Host %q: status %d, want %d", host, resp.StatusCode, want)
		}
	}
}
