package storetest

import (
	"context"
	"errors"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func testSeedForceKeepsImports(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	imports := []geodata.Feature{
		feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"date": "2024-03-01", "category": "attack"}),
		// Same id as a seed feature: the person's copy must win.
		feature("dushanbe-2023-01", orb.Point{68.8, 38.6}, map[string]any{"date": "2023-01-11", "category": "plot", "note": "corrected"}),
	}
	if err := s.Import(ctx, "incidents", imports); err != nil {
		t.Fatalf("Import: %v", err)
	}
	data := TestData()
	inc := &data[3]
	// Drop kabul, change khorog, add a new one, and make actor no longer
	// a queryable but note one.
	inc.Features = slices.DeleteFunc(inc.Features, func(f geodata.Feature) bool { return f.ID == "kabul-2022-09-05" })
	inc.Features[0].Properties["actor"] = "GKNB"
	inc.Features = append(inc.Features, feature("new-seed", orb.Point{66, 36}, map[string]any{"date": "2021-08-15", "category": "military"}))
	inc.Layer.Title = "Incidents (revised)"
	inc.Layer.Queryables = []string{"category", "note"}
	before := version(t, s)
	ok, err := s.Seed(ctx, data, true)
	if err != nil || !ok {
		t.Fatalf("Seed(force=true) = %v, %v; want true, nil", ok, err)
	}
	if after := version(t, s); after == before {
		t.Errorf("Version after Seed(force) = %q, unchanged", after)
	}
	got := allIDs(t, s, "incidents")
	want := []string{"dushanbe-2023-01", "herat-undated", "khorog-2022-05", "new-seed", "user-1"}
	if !slices.Equal(got, want) {
		t.Errorf("incidents after re-seed = %v, want %v", got, want)
	}
	for _, tc := range []struct {
		id, prop string
		want     any
	}{
		{"khorog-2022-05", "actor", "GKNB"},
		{"dushanbe-2023-01", "note", "corrected"},
		{"user-1", "category", "attack"},
	} {
		f, err := s.Feature(ctx, "incidents", tc.id)
		if err != nil {
			t.Errorf("Feature(%s): %v", tc.id, err)
			continue
		}
		if got := f.Properties[tc.prop]; got != tc.want {
			t.Errorf("Feature(%s).%s = %v, want %v", tc.id, tc.prop, got, tc.want)
		}
	}
	l, err := s.Layer(ctx, "incidents")
	if err != nil {
		t.Fatal(err)
	}
	if got, want := l.Title, "Incidents (revised)"; got != want {
		t.Errorf("layer title after re-seed = %q, want %q", got, want)
	}
	if l.Count != 5 {
		t.Errorf("layer count after re-seed = %d, want 5", l.Count)
	}
	// Filters on the new queryable find the imported feature; the one the
	// layer no longer lists is refused.
	if _, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: map[string][]string{"actor": {"GKNB"}}}); !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("after re-seed, a filter on a property no longer queryable: %v, want ErrInvalid", err)
	}
	for _, tc := range []struct {
		props map[string][]string
		want  []string
	}{
		{map[string][]string{"note": {"corrected"}}, []string{"dushanbe-2023-01"}},
		{map[string][]string{"category": {"attack"}}, []string{"user-1"}},
	} {
		page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: tc.props})
		if err != nil {
			t.Fatal(err)
		}
		if got := ids(page.Features); !slices.Equal(got, tc.want) {
			t.Errorf("after re-seed, %v: ids = %v, want %v", tc.props, got, tc.want)
		}
	}
	// A second forced seed of the same data keeps the imported copy.
	if _, err := s.Seed(ctx, data, true); err != nil {
		t.Fatal(err)
	}
	if f, err := s.Feature(ctx, "incidents", "dushanbe-2023-01"); err != nil || f.Properties["note"] != "corrected" {
		t.Errorf("imported copy after a second re-seed = %v, %v; want the note kept", f.Properties, err)
	}
}

func testSeedRejectsBadInput(t *testing.T, open Opener) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []geodata.LayerData
	}{
		{"layer without id", []geodata.LayerData{{Layer: geodata.Layer{Title: "x"}}}},
		{"layer twice", []geodata.LayerData{{Layer: geodata.Layer{ID: "a"}}, {Layer: geodata.Layer{ID: "a"}}}},
		{"bad feature", []geodata.LayerData{{Layer: geodata.Layer{ID: "a"}, Features: []geodata.Feature{{ID: "f"}}}}},
		{"bad feature in a later layer", []geodata.LayerData{
			{Layer: geodata.Layer{ID: "a"}, Features: []geodata.Feature{feature("ok", orb.Point{1, 2}, nil)}},
			{Layer: geodata.Layer{ID: "b"}, Features: []geodata.Feature{{ID: "f"}}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := open(t)
			v := version(t, s)
			ok, err := s.Seed(ctx, tc.data, false)
			if ok || !errors.Is(err, geodata.ErrInvalid) {
				t.Errorf("Seed = %v, %v; want false and an invalid-input error", ok, err)
			}
			if layers, _ := s.Layers(ctx); len(layers) != 0 {
				t.Errorf("layers after failed Seed = %d, want 0", len(layers))
			}
			if got := version(t, s); got != v {
				t.Errorf("version after failed Seed = %q, want %q", got, v)
			}
		})
	}
}

func testHasLayers(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	if has, err := s.HasLayers(ctx); err != nil || has {
		t.Fatalf("new database: HasLayers = %v, %v; want false", has, err)
	}
	if _, err := s.Seed(ctx, TestData(), false); err != nil {
		t.Fatal(err)
	}
	if has, err := s.HasLayers(ctx); err != nil || !has {
		t.Errorf("seeded database: HasLayers = %v, %v; want true", has, err)
	}
}

func testImportAllOrNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	good := func(id string) geodata.Feature {
		return feature(id, orb.Point{70, 35}, map[string]any{"date": "2024-01-01", "category": "attack"})
	}
	many := func(n int, last geodata.Feature) []geodata.Feature {
		out := make([]geodata.Feature, 0, n+1)
		for i := range n {
			out = append(out, good(fmt.Sprintf("many-%d", i)))
		}
		return append(out, last)
	}
	tests := []struct {
		name     string
		layer    string
		features []geodata.Feature
		want     error
		msg      string // in the message, when set
	}{
		{"layer does not exist", "nosuch", []geodata.Feature{good("a")}, geodata.ErrNotFound, `layer "nosuch" does not exist`},
		{"duplicate id", "incidents", []geodata.Feature{good("a"), good("b"), good("a")}, geodata.ErrInvalid, `feature 3 (id "a")`},
		{"missing geometry", "incidents", []geodata.Feature{good("a"), {ID: "b", Properties: map[string]any{}}}, geodata.ErrInvalid, `feature 2 (id "b")`},
		{"empty geometry", "incidents", []geodata.Feature{good("a"), {ID: "b", Geometry: orb.LineString{}}}, geodata.ErrInvalid, `feature 2 (id "b")`},
		{"missing id", "incidents", []geodata.Feature{good("a"), {Geometry: orb.Point{1, 2}}}, geodata.ErrInvalid, "feature 2"},
		{"unencodable property", "incidents", []geodata.Feature{good("a"), feature("b", orb.Point{1, 2}, map[string]any{"x": math.NaN()})}, geodata.ErrInvalid, `feature 2 (id "b")`},
		{"infinite coordinate", "incidents", []geodata.Feature{good("a"), feature("b", orb.Point{math.Inf(1), 2}, nil)}, geodata.ErrInvalid, `feature 2 (id "b")`},
		// After thousands of rows have gone to the store.
		{"bad feature at the end", "incidents", many(5000, feature("last", nil, nil)), geodata.ErrInvalid, `feature 5001 (id "last")`},
		{"duplicate at the end", "incidents", many(5000, good("many-10")), geodata.ErrInvalid, `feature 5001 (id "many-10")`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := seeded(t, open)
			before, v := allIDs(t, s, "incidents"), version(t, s)
			err := s.Import(ctx, tc.layer, tc.features)
			if !errors.Is(err, tc.want) {
				t.Fatalf("Import error = %v, want it to wrap %v", err, tc.want)
			}
			if msg := geodata.Message(err, ""); !strings.Contains(msg, tc.msg) {
				t.Errorf("Import error message = %q, want it to contain %q", msg, tc.msg)
			}
			if got := allIDs(t, s, "incidents"); !slices.Equal(got, before) {
				t.Errorf("incidents after failed Import = %d features, want %d", len(got), len(before))
			}
			if got := version(t, s); got != v {
				t.Errorf("Version after failed Import = %q, want %q", got, v)
			}
			if l, _ := s.Layer(ctx, "incidents"); l.Count != len(before) {
				t.Errorf("layer count after failed Import = %d, want %d", l.Count, len(before))
			}
		})
	}
}

func testImportUpserts(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	moved := feature("kabul-2022-09-05", orb.Point{69.2, 34.5}, map[string]any{"date": "2022-09-06", "category": "attack"})
	if err := s.Import(ctx, "incidents", []geodata.Feature{moved}); err != nil {
		t.Fatalf("Import: %v", err)
	}
	got, err := s.Feature(ctx, "incidents", moved.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, moved) {
		t.Errorf("Feature after re-import = %+v, want %+v", got, moved)
	}
	// The old box must be gone from the index and the new one there, and
	// the old values from the filters.
	page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", BBox: &orb.Bound{Min: orb.Point{69.19, 34.49}, Max: orb.Point{69.21, 34.51}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(page.Features), []string{moved.ID}; !slices.Equal(got, want) {
		t.Errorf("bbox around new position = %v, want %v", got, want)
	}
	page, err = geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: map[string][]string{"actor": {"ISKP"}}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(page.Features), []string{"dushanbe-2023-01"}; !slices.Equal(got, want) {
		t.Errorf("actor=ISKP after re-import without an actor = %v, want %v", got, want)
	}
	iv, _ := geodata.ParseDatetime("2022-09-06")
	page, err = geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Interval: &iv})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := ids(page.Features), []string{moved.ID}; !slices.Equal(got, want) {
		t.Errorf("datetime of the new date = %v, want %v", got, want)
	}
	if n := len(allIDs(t, s, "incidents")); n != 4 {
		t.Errorf("incidents after re-import = %d, want 4", n)
	}
}

// testImportStream checks the streaming path keeps the promises of
// Import: every feature there once, findable by box, and a stream that
// fails midway writes nothing.
func testImportStream(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	var fs []geodata.Feature
	for i := range 1500 {
		fs = append(fs, feature(fmt.Sprintf("b%04d", i), orb.Point{60 + float64(i%25)/2, 30 + float64(i/25)/5}, map[string]any{"category": "attack"}))
	}
	v := version(t, s)
	failing := func(yield func(geodata.Feature, error) bool) {
		for i, f := range fs {
			if i == 1000 {
				yield(geodata.Feature{}, geodata.Invalidf("record %d is broken", i+1))
				return
			}
			if !yield(f, nil) {
				return
			}
		}
	}
	if _, err := s.ImportStream(ctx, "incidents", failing); !errors.Is(err, geodata.ErrInvalid) {
		t.Fatalf("ImportStream of a stream that fails: %v, want its error", err)
	}
	if got := len(allIDs(t, s, "incidents")); got != 4 || version(t, s) != v {
		t.Fatalf("after a failed stream: %d incidents, version changed %v; want 4 and no change", got, version(t, s) != v)
	}
	n, err := s.ImportStream(ctx, "incidents", geodata.Each(fs))
	if err != nil || n != len(fs) {
		t.Fatalf("ImportStream = %d, %v; want %d, nil", n, err, len(fs))
	}
	if got := len(allIDs(t, s, "incidents")); got != 1504 {
		t.Errorf("incidents after ImportStream = %d, want 1504", got)
	}
	page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", BBox: bound(59.9, 29.9, 60.1, 30.1)})
	if err != nil {
		t.Fatal(err)
	}
	if got := ids(page.Features); !slices.Equal(got, []string{"b0000"}) {
		t.Errorf("bbox at the first point = %v, want [b0000]", got)
	}
	// A layer takes only the geometries it holds: no points into borders.
	if _, err := s.ImportStream(ctx, "borders", geodata.Each(fs[:1])); !errors.Is(err, geodata.ErrInvalid) || !strings.Contains(err.Error(), "Polygon") {
		t.Errorf("ImportStream of a point into borders: %v, want ErrInvalid naming the layer's kind", err)
	}
	dup := append(slices.Clone(fs[:3]), fs[1])
	if _, err := s.ImportStream(ctx, "incidents", geodata.Each(dup)); !errors.Is(err, geodata.ErrInvalid) || !strings.Contains(err.Error(), "feature 4") {
		t.Errorf("ImportStream with an id twice: %v, want ErrInvalid naming feature 4", err)
	}
}

func testDelete(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
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
			before := version(t, s)
			err := s.Delete(ctx, tc.layer, tc.id)
			if !errors.Is(err, tc.want) || (tc.want == nil) != (err == nil) {
				t.Fatalf("Delete(%s, %s) = %v, want %v", tc.layer, tc.id, err, tc.want)
			}
			changed := version(t, s) != before
			if changed != (tc.want == nil) {
				t.Errorf("Delete(%s, %s): version changed = %v, want %v", tc.layer, tc.id, changed, tc.want == nil)
			}
		})
	}
	if _, err := s.Feature(ctx, "incidents", "kabul-2022-09-05"); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("Feature after Delete: %v, want not found", err)
	}
	if l, _ := s.Layer(ctx, "incidents"); l.Count != 3 {
		t.Errorf("count after Delete = %d, want 3", l.Count)
	}
	page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: map[string][]string{"category": {"attack"}}})
	if err != nil || len(page.Features) != 0 {
		t.Errorf("category=attack after deleting the only attack = %v, %v; want none", ids(page.Features), err)
	}
}
