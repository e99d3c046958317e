package sqlite

import (
	"context"
	"errors"
	"math"
	"reflect"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/paulmach/orb"
)

func TestSeedForceReplacesSeedKeepsImports(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	imports := []geodata.Feature{
		feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"date": "2024-03-01", "category": "attack"}),
		// Same id as a seed feature: the person's copy must win.
		feature("dushanbe-2023-01", orb.Point{68.8, 38.6}, map[string]any{"date": "2023-01-11", "category": "plot", "note": "corrected"}),
	}
	if err := db.Import(ctx, "incidents", imports); err != nil {
		t.Fatalf("Import: %v", err)
	}

	data := testData()
	inc := &data[3]
	// Drop kabul, change khorog, add a new one.
	inc.Features = slices.DeleteFunc(inc.Features, func(f geodata.Feature) bool { return f.ID == "kabul-2022-09-05" })
	inc.Features[0].Properties["actor"] = "GKNB"
	inc.Features = append(inc.Features, feature("new-seed", orb.Point{66, 36}, map[string]any{"date": "2021-08-15", "category": "military"}))
	inc.Layer.Title = "Incidents (revised)"
	before := version(t, db)
	ok, err := db.Seed(ctx, data, true)
	if err != nil || !ok {
		t.Fatalf("Seed(force=true) = %v, %v; want true, nil", ok, err)
	}
	if after := version(t, db); after == before {
		t.Errorf("Version after Seed(force) = %q, unchanged", after)
	}

	got := allIDs(t, db, "incidents")
	want := []string{"dushanbe-2023-01", "herat-undated", "khorog-2022-05", "new-seed", "user-1"}
	if !slices.Equal(got, want) {
		t.Errorf("incidents after re-seed = %v, want %v", got, want)
	}
	tests := []struct {
		id, prop string
		want     any
	}{
		{"khorog-2022-05", "actor", "GKNB"},
		{"dushanbe-2023-01", "note", "corrected"},
		{"user-1", "category", "attack"},
	}
	for _, tc := range tests {
		f, err := db.Feature(ctx, "incidents", tc.id)
		if err != nil {
			t.Errorf("Feature(%s): %v", tc.id, err)
			continue
		}
		if got := f.Properties[tc.prop]; got != tc.want {
			t.Errorf("Feature(%s).%s = %v, want %v", tc.id, tc.prop, got, tc.want)
		}
	}
	l, err := db.Layer(ctx, "incidents")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Title, "Incidents (revised)"; got != want {
		t.Errorf("layer title after re-seed = %q, want %q", got, want)
	}
	var origin string
	if err := db.r.QueryRow(`SELECT origin FROM features WHERE layer = 'incidents' AND id = 'dushanbe-2023-01'`).Scan(&origin); err != nil {
		t.Fatal(err)
	}
	if origin != "import" {
		t.Errorf("origin of imported copy of a seed id = %q, want import", origin)
	}
	checkRTree(t, db)
}

func TestImportAllOrNothing(t *testing.T) {
	ctx := context.Background()
	good := func(id string) geodata.Feature {
		return feature(id, orb.Point{70, 35}, map[string]any{"date": "2024-01-01", "category": "attack"})
	}
	tests := []struct {
		name     string
		layer    string
		features []geodata.Feature
		setup    string // SQL run on the writer first
		want     error
	}{
		{"layer does not exist", "nosuch", []geodata.Feature{good("a")}, "", geodata.ErrNotFound},
		{"duplicate id", "incidents", []geodata.Feature{good("a"), good("b"), good("a")}, "", geodata.ErrInvalid},
		{"missing geometry", "incidents", []geodata.Feature{good("a"), {ID: "b", Properties: map[string]any{}}}, "", geodata.ErrInvalid},
		{"empty geometry", "incidents", []geodata.Feature{good("a"), {ID: "b", Geometry: orb.LineString{}}}, "", geodata.ErrInvalid},
		{"missing id", "incidents", []geodata.Feature{good("a"), {Geometry: orb.Point{1, 2}}}, "", geodata.ErrInvalid},
		{"unencodable property", "incidents", []geodata.Feature{good("a"), feature("b", orb.Point{1, 2}, map[string]any{"x": math.NaN()})}, "", geodata.ErrInvalid},
		// A failure inside the transaction, after rows were written.
		{"statement fails midway", "incidents", []geodata.Feature{good("a"), good("b"), good("boom"), good("c")},
			`CREATE TRIGGER test_boom BEFORE INSERT ON features WHEN new.id = 'boom' BEGIN SELECT RAISE(ABORT, 'boom'); END`, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			if tc.setup != "" {
				if _, err := db.w.Exec(tc.setup); err != nil {
					t.Fatal(err)
				}
			}
			before, v := allIDs(t, db, "incidents"), version(t, db)
			err := db.Import(ctx, tc.layer, tc.features)
			if err == nil {
				t.Fatalf("Import = nil error, want one")
			}
			if tc.want != nil && !errors.Is(err, tc.want) {
				t.Errorf("Import error = %v, want it to wrap %v", err, tc.want)
			}
			if got := allIDs(t, db, "incidents"); !slices.Equal(got, before) {
				t.Errorf("incidents after failed Import = %v, want %v", got, before)
			}
			if got := version(t, db); got != v {
				t.Errorf("Version after failed Import = %q, want %q", got, v)
			}
			checkRTree(t, db)
		})
	}
}

func TestImportUpserts(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	moved := feature("kabul-2022-09-05", orb.Point{69.2, 34.5}, map[string]any{"date": "2022-09-06", "category": "attack"})
	if err := db.Import(ctx, "incidents", []geodata.Feature{moved}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	got, err := db.Feature(ctx, "incidents", moved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, moved) {
		t.Errorf("Feature after re-import = %+v, want %+v", got, moved)
	}
	// The old box must be gone from the index and the new one there.
	page, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: "incidents", BBox: &orb.Bound{Min: orb.Point{69.19, 34.49}, Max: orb.Point{69.21, 34.51}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(page.Features), []string{moved.ID}; !slices.Equal(got, want) {
		t.Errorf("bbox around new position = %v, want %v", got, want)
	}
	if n := len(allIDs(t, db, "incidents")); n != 4 {
		t.Errorf("incidents after re-import = %d, want 4", n)
	}
	checkRTree(t, db)
}

func TestDelete(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	tests := []struct {
		name, layer, id string
		want            error
	}{
		{"seed feature", "incidents", "kabul-2022-09-05", nil},
		{"already deleted", "incidents", "kabul-2022-09-05", geodata.ErrNotFound},
		{"missing feature", "borders", "XXX", geodata.ErrNotFound},
		{"missing layer", "nosuch", "AFG", geodata.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			before := version(t, db)
			err := db.Delete(ctx, tc.layer, tc.id)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Delete(%s, %s) = %v, want %v", tc.layer, tc.id, err, tc.want)
			}
			changed := version(t, db) != before
			if changed != (tc.want == nil) {
				t.Errorf("Delete(%s, %s): version changed = %v, want %v", tc.layer, tc.id, changed, tc.want == nil)
			}
		})
	}
	if _, err := db.Feature(ctx, "incidents", "kabul-2022-09-05"); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("Feature after Delete: %v, want not found", err)
	}
	checkRTree(t, db)
}

func TestVersionChangesOnlyOnWrites(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	imp := []geodata.Feature{feature("v-1", orb.Point{70, 35}, nil)}
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"Seed on empty", func() error { _, err := db.Seed(ctx, testData(), false); return err }, true},
		{"Layers", func() error { _, err := db.Layers(ctx); return err }, false},
		{"Features", func() error { _, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: "incidents"}); return err }, false},
		{"Feature", func() error { _, err := db.Feature(ctx, "borders", "AFG"); return err }, false},
		{"Seed not forced", func() error { _, err := db.Seed(ctx, testData(), false); return err }, false},
		{"Import", func() error { return db.Import(ctx, "incidents", imp) }, true},
		{"Import again", func() error { return db.Import(ctx, "incidents", imp) }, true},
		{"Import into missing layer", func() error { db.Import(ctx, "nosuch", imp); return nil }, false},
		{"Delete", func() error { return db.Delete(ctx, "incidents", "v-1") }, true},
		{"Delete missing", func() error { db.Delete(ctx, "incidents", "v-1"); return nil }, false},
		{"Seed forced", func() error { _, err := db.Seed(ctx, testData(), true); return err }, true},
	}
	seen := map[geodata.Version]string{}
	prev := version(t, db)
	seen[prev] = "open"
	for _, s := range steps {
		if err := s.do(); err != nil {
			t.Fatalf("%s: %v", s.name, err)
		}
		v := version(t, db)
		if changed := v != prev; changed != s.changes {
			t.Errorf("%s: version %q -> %q, changed = %v, want %v", s.name, prev, v, changed, s.changes)
		}
		if s.changes {
			if step, ok := seen[v]; ok {
				t.Errorf("%s: version %q repeats the one after %s", s.name, v, step)
			}
			seen[v] = s.name
		}
		prev = v
	}
}

func TestVersionDiffersAcrossDatabases(t *testing.T) {
	a, _ := openTest(t)
	b, _ := openTest(t)
	if va, vb := version(t, a), version(t, b); va == vb {
		t.Errorf("two new databases share version %q", va)
	}
}

func TestSeedRejectsBadInput(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []geodata.LayerData
	}{
		{"layer without id", []geodata.LayerData{{Layer: geodata.Layer{Title: "x"}}}},
		{"layer twice", []geodata.LayerData{{Layer: geodata.Layer{ID: "a"}}, {Layer: geodata.Layer{ID: "a"}}}},
		{"bad feature", []geodata.LayerData{{Layer: geodata.Layer{ID: "a"}, Features: []geodata.Feature{{ID: "f"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db, _ := openTest(t)
			ok, err := db.Seed(ctx, tc.data, false)
			if ok || !errors.Is(err, geodata.ErrInvalid) {
				t.Errorf("Seed = %v, %v; want false and an invalid-input error", ok, err)
			}
			if layers, _ := db.Layers(ctx); len(layers) != 0 {
				t.Errorf("layers after failed Seed = %d, want 0", len(layers))
			}
		})
	}
}

// TestSeedEmbeddedData loads the real seed into a new database, so a
// feature the store cannot hold fails here rather than at first start.
func TestSeedEmbeddedData(t *testing.T) {
	ctx := context.Background()
	data, err := seed.Load()
	if err != nil {
		t.Fatalf("seed.Load: %v", err)
	}
	db, _ := openTest(t)
	if ok, err := db.Seed(ctx, data, false); err != nil || !ok {
		t.Fatalf("Seed = %v, %v; want true, nil", ok, err)
	}
	layers, err := db.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(layers), len(data); got != want {
		t.Errorf("layers = %d, want %d", got, want)
	}
	for _, ld := range data {
		l, err := db.Layer(ctx, ld.Layer.ID)
		if err != nil {
			t.Errorf("Layer(%s): %v", ld.Layer.ID, err)
			continue
		}
		if got, want := l.Count, len(ld.Features); got != want {
			t.Errorf("layer %s: Count = %d, want %d", ld.Layer.ID, got, want)
		}
	}
	checkRTree(t, db)
}

func TestHasLayers(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	if has, err := db.HasLayers(ctx); err != nil || has {
		t.Fatalf("new database: HasLayers = %v, %v; want false", has, err)
	}
	if _, err := db.Seed(ctx, testData(), false); err != nil {
		t.Fatal(err)
	}
	if has, err := db.HasLayers(ctx); err != nil || !has {
		t.Errorf("seeded database: HasLayers = %v, %v; want true", has, err)
	}
}
