package main

import (
	"encoding/csv"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
)

// TestExamplesImport imports every file in docs/examples, as the README
// shows, into the layer its name starts with, and wants each record to be
// in the layer afterwards with the properties the file gave it.
func TestExamplesImport(t *testing.T) {
	files, err := filepath.Glob("../../docs/examples/*")
	if err != nil || len(files) == 0 {
		t.Fatalf("no files in docs/examples (%v)", err)
	}
	for _, file := range files {
		name := filepath.Base(file)
		t.Run(name, func(t *testing.T) {
			layer, _, _ := strings.Cut(name, ".")
			ids := exampleIDs(t, file)
			db := filepath.Join(t.TempDir(), "try.db")
			mustSeed(t, db)
			out, err := casmap(t, "import", "--layer", layer, "--db", db, file)
			if err != nil {
				t.Fatalf("casmap import --layer %s %s: %v", layer, file, err)
			}
			want := "imported " + strconv.Itoa(len(ids)) + " features from"
			if len(ids) == 1 {
				want = "imported 1 feature from"
			}
			if !strings.Contains(out, want) {
				t.Errorf("import printed %q, want %q", out, want)
			}
			exported, err := casmap(t, "export", "--layer", layer, "--db", db)
			if err != nil {
				t.Fatal(err)
			}
			got := featuresByID(t, []byte(exported))
			for _, id := range ids {
				f, ok := got[id].(map[string]any)
				if !ok {
					t.Errorf("%s: feature %s is not in layer %s after the import", name, id, layer)
					continue
				}
				props, _ := f["properties"].(map[string]any)
				if s, _ := props["summary"].(string); !strings.HasPrefix(s, "Not a real event") {
					t.Errorf("%s: feature %s's summary %q does not say it is an example", name, id, s)
				}
			}
		})
	}
}

// exampleIDs reads the ids a file's records carry.
func exampleIDs(t *testing.T, file string) []string {
	t.Helper()
	f, err := os.Open(file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var ids []string
	switch filepath.Ext(file) {
	case ".csv":
		rows, err := csv.NewReader(f).ReadAll()
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range rows[1:] {
			ids = append(ids, r[0])
		}
	case ".geojson":
		features, err := geodata.DecodeFeatureCollection(readFile(t, file))
		if err != nil {
			t.Fatal(err)
		}
		for _, f := range features {
			ids = append(ids, f.ID)
		}
	default:
		t.Fatalf("%s: not a format casmap imports", file)
	}
	return ids
}
