package seed

import (
	"maps"
	"slices"
	"testing"
	"testing/fstest"
)

// testManifest is a seed of three layers, incidents derived from borders.
const testManifest = `[
  {"id": "borders", "file": "borders.geojson", "title": "Borders"},
  {"id": "tapi", "file": "tapi.geojson", "title": "TAPI"},
  {"id": "incidents", "files": ["incidents-2021.geojson", "incidents-2022.geojson"], "title": "Incidents"}
]`

func testFS() fstest.MapFS {
	return fstest.MapFS{
		"layers.json":            {Data: []byte(testManifest)},
		"borders.geojson":        {Data: []byte(`{"type":"FeatureCollection","features":[]}`)},
		"tapi.geojson":           {Data: []byte(`{"type":"FeatureCollection","features":[1]}`)},
		"incidents-2021.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[2]}`)},
		"incidents-2022.geojson": {Data: []byte(`{"type":"FeatureCollection","features":[3]}`)},
	}
}

func testVersions(t *testing.T, fsys fstest.MapFS) map[string]string {
	t.Helper()
	m, err := loadManifest(fsys)
	if err != nil {
		t.Fatalf("loadManifest: %v", err)
	}
	v, err := versions(fsys, m)
	if err != nil {
		t.Fatalf("versions: %v", err)
	}
	return v
}

// TestVersionsFollowContent changes one thing at a time and checks that
// exactly the layers whose features it shapes get a new version.
func TestVersionsFollowContent(t *testing.T) {
	base := testVersions(t, testFS())
	if got := slices.Sorted(maps.Keys(base)); !slices.Equal(got, []string{"borders", "incidents", "tapi"}) {
		t.Fatalf("versions for %v, want borders, incidents, tapi", got)
	}
	tests := []struct {
		name    string
		change  func(fstest.MapFS)
		changed []string
	}{
		{"nothing", func(fstest.MapFS) {}, nil},
		{"manifest whitespace", func(f fstest.MapFS) {
			f["layers.json"] = &fstest.MapFile{Data: []byte("\n" + testManifest + "\n\n")}
		}, nil},
		{"one layer's file", func(f fstest.MapFS) {
			f["tapi.geojson"] = &fstest.MapFile{Data: []byte(`{"type":"FeatureCollection","features":[9]}`)}
		}, []string{"tapi"}},
		{"the second of a layer's files", func(f fstest.MapFS) {
			f["incidents-2022.geojson"] = &fstest.MapFile{Data: []byte(`{"type":"FeatureCollection","features":[4]}`)}
		}, []string{"incidents"}},
		{"a layer incidents are derived from", func(f fstest.MapFS) {
			f["borders.geojson"] = &fstest.MapFile{Data: []byte(`{"type":"FeatureCollection","features":[5]}`)}
		}, []string{"borders", "incidents"}},
		{"a manifest entry", func(f fstest.MapFS) {
			f["layers.json"] = &fstest.MapFile{Data: []byte(`[
  {"id": "borders", "file": "borders.geojson", "title": "Borders"},
  {"id": "tapi", "file": "tapi.geojson", "title": "TAPI gas pipeline"},
  {"id": "incidents", "files": ["incidents-2021.geojson", "incidents-2022.geojson"], "title": "Incidents"}
]`)}
		}, []string{"tapi"}},
		{"file order within a layer", func(f fstest.MapFS) {
			f["layers.json"] = &fstest.MapFile{Data: []byte(`[
  {"id": "borders", "file": "borders.geojson", "title": "Borders"},
  {"id": "tapi", "file": "tapi.geojson", "title": "TAPI"},
  {"id": "incidents", "files": ["incidents-2022.geojson", "incidents-2021.geojson"], "title": "Incidents"}
]`)}
		}, []string{"incidents"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			fsys := testFS()
			tc.change(fsys)
			got := testVersions(t, fsys)
			var changed []string
			for id, v := range got {
				if v != base[id] {
					changed = append(changed, id)
				}
			}
			slices.Sort(changed)
			if !slices.Equal(changed, tc.changed) {
				t.Errorf("changed versions: %v, want %v", changed, tc.changed)
			}
		})
	}
}

func TestManifestRejects(t *testing.T) {
	tests := map[string]string{
		"no id":     `[{"file": "a.geojson"}]`,
		"same id":   `[{"id": "a", "file": "a.geojson"}, {"id": "a", "file": "b.geojson"}]`,
		"no file":   `[{"id": "a"}]`,
		"not JSON":  `[{"id": "a",`,
		"not array": `{"id": "a", "file": "a.geojson"}`,
	}
	for name, manifest := range tests {
		t.Run(name, func(t *testing.T) {
			fsys := fstest.MapFS{"layers.json": {Data: []byte(manifest)}}
			if _, err := loadManifest(fsys); err == nil {
				t.Errorf("loadManifest(%s) succeeded, want an error", manifest)
			}
		})
	}
	fsys := fstest.MapFS{"layers.json": {Data: []byte(`[{"id": "a", "file": "missing.geojson"}]`)}}
	m, err := loadManifest(fsys)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := versions(fsys, m); err == nil {
		t.Error("versions with a missing file succeeded, want an error")
	}
}

// TestLoadCarriesVersions checks the embedded seed: Load gives every layer
// the version Versions reports, and the versions tell layers apart.
func TestLoadCarriesVersions(t *testing.T) {
	want, err := Versions()
	if err != nil {
		t.Fatalf("Versions: %v", err)
	}
	data, err := Load()
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	if len(data) != len(want) {
		t.Errorf("Load gave %d layers, Versions %d", len(data), len(want))
	}
	seen := map[string]string{}
	for _, ld := range data {
		if ld.Version == "" || ld.Version != want[ld.Layer.ID] {
			t.Errorf("layer %s: Load's version %q, Versions' %q", ld.Layer.ID, ld.Version, want[ld.Layer.ID])
		}
		if other, dup := seen[ld.Version]; dup {
			t.Errorf("layers %s and %s share version %s", other, ld.Layer.ID, ld.Version)
		}
		seen[ld.Version] = ld.Layer.ID
	}
}

func BenchmarkVersions(b *testing.B) {
	for b.Loop() {
		if _, err := Versions(); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkLoad(b *testing.B) {
	for b.Loop() {
		if _, err := Load(); err != nil {
			b.Fatal(err)
		}
	}
}
