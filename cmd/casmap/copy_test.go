package main

import (
	"context"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"
)

// TestCopyRoundTrip copies a SQLite database with an imported incident
// into PostGIS and back into a new SQLite file: every layer exports the
// same from all three, the history of the seed and the import comes
// along, and copy says what it copied.
func TestCopyRoundTrip(t *testing.T) {
	dir := t.TempDir()
	first, back := filepath.Join(dir, "first.db"), filepath.Join(dir, "back.db")
	if out, err := runBinary(t, time.Minute, "seed", "--db", first); err != nil {
		t.Fatalf("seed: %v\n%s", err, out)
	}
	if out, err := runBinary(t, time.Minute, "import", "--layer", "incidents", "--db", first, writeImportCSV(t, "COPY1")); err != nil {
		t.Fatalf("import: %v\n%s", err, out)
	}
	dsn := pg.Database(t)
	said := regexp.MustCompile(`^copied (\d+) layers and (\d+) features \(1 of them imported\), with the history of 2 writes and 0 proposals, from \S+ \(version \S+\) to \S+ in \S+\n$`)
	for _, hop := range [][2]string{{first, dsn}, {dsn, back}} {
		out, err := runBinary(t, time.Minute, "copy", "--from", hop[0], "--to", hop[1])
		if err != nil {
			t.Fatalf("copy %s -> %s: %v\n%s", hop[0], hop[1], err, out)
		}
		if !said.MatchString(out) {
			t.Errorf("copy %s -> %s said %q, want %s", hop[0], hop[1], out, said)
		}
	}
	for _, layer := range seedLayers {
		want := exportLayer(t, first, layer)
		for _, db := range []string{dsn, back} {
			if got := exportLayer(t, db, layer); got != want {
				t.Errorf("layer %s exported from %s differs from the original (%d bytes, want %d)", layer, db, len(got), len(want))
			}
		}
	}
	// The history comes along: the seed's create and the import of COPY1,
	// at the same generations.
	want := historyOf(t, first, "COPY1")
	if len(want) != 1 || want[0] != "import create" {
		t.Fatalf("history of COPY1 in the original = %v, want one import", want)
	}
	for _, db := range []string{dsn, back} {
		if got := historyOf(t, db, "COPY1"); !slices.Equal(got, want) {
			t.Errorf("history of COPY1 in %s = %v, want %v", db, got, want)
		}
	}
	// A second copy into the now full database is refused, and says so.
	out, err := runBinary(t, time.Minute, "copy", "--from", first, "--to", dsn)
	if err == nil || !strings.Contains(out, "already holds layers") || !strings.Contains(out, "nothing was written") {
		t.Errorf("copy into a full database: %v\n%s\nwant a refusal that says nothing was written", err, out)
	}
}

// exportLayer exports a layer as GeoJSON, without the parts that name
// when or from which version it was written.
func exportLayer(t *testing.T, db, layer string) string {
	t.Helper()
	out, err := runBinary(t, time.Minute, "export", "--layer", layer, "--db", db)
	if err != nil {
		t.Fatalf("export %s from %s: %v\n%s", layer, db, err, out)
	}
	return exportStamp.ReplaceAllString(out, "")
}

var exportStamp = regexp.MustCompile(`"(timeStamp|dataVersion)":"[^"]*",?`)

// historyOf lists the kind and op of each revision of an incident.
func historyOf(t *testing.T, db, id string) []string {
	t.Helper()
	s, err := openStore(context.Background(), db, "", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ws, _ := writeSideOf(s)
	revs, err := ws.editor.History(context.Background(), "incidents", id)
	if err != nil {
		t.Fatalf("history of %s in %s: %v", id, db, err)
	}
	var out []string
	for _, r := range revs {
		out = append(out, r.Kind+" "+string(r.Op))
	}
	return out
}
