package storetest

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// copyAll copies from into to, as `casmap copy` does.
func copyAll(ctx context.Context, from, to Store) error {
	return to.CopyIn(ctx, func(sink geodata.Sink) error {
		_, err := from.CopyOut(ctx, sink)
		return err
	})
}

// testCopy moves a whole database into a new one: layers with their
// metadata, seed versions and counts, every feature as it was, in order,
// and each feature's origin (a re-seed of the copy keeps the imports).
func testCopy(t *testing.T, open Opener) {
	ctx := context.Background()
	from, _ := open(t)
	if _, err := from.SeedLayers(ctx, withVersions(TestData()), false); err != nil {
		t.Fatal(err)
	}
	imported := feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"date": "2024-03-01", "category": "attack"})
	if err := from.Import(ctx, "incidents", []geodata.Feature{imported}); err != nil {
		t.Fatal(err)
	}
	to, _ := open(t)
	v := version(t, to)
	if err := copyAll(ctx, from, to); err != nil {
		t.Fatalf("copy: %v", err)
	}
	if version(t, to) == v {
		t.Errorf("version of the copy unchanged by the copy")
	}
	want, _ := from.Layers(ctx)
	got, err := to.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("layers of the copy = %+v, want %+v", got, want)
	}
	if sv, _ := to.SeedVersions(ctx); sv["incidents"] != "v1-incidents" {
		t.Errorf("seed versions of the copy = %v, want those of the original", sv)
	}
	for _, l := range want {
		a, _ := geodata.ReadPage(ctx, from, geodata.Query{Layer: l.ID, Limit: geodata.MaxLimit})
		b, err := geodata.ReadPage(ctx, to, geodata.Query{Layer: l.ID, Limit: geodata.MaxLimit})
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(b.Features, a.Features) {
			t.Errorf("layer %s of the copy = %v, want %v (same features, same order)", l.ID, ids(b.Features), ids(a.Features))
		}
	}
	// Origins: a forced re-seed of the copy replaces seed features and
	// keeps the imported one.
	data := TestData()
	data[3].Features = data[3].Features[:1]
	if _, err := to.Seed(ctx, data, true); err != nil {
		t.Fatal(err)
	}
	if got := allIDs(t, to, "incidents"); !slices.Equal(got, []string{"kabul-2022-09-05", "user-1"}) {
		t.Errorf("incidents of the copy after a re-seed = %v, want [kabul-2022-09-05 user-1]", got)
	}
	// A second copy into a database that holds data is refused.
	if err := copyAll(ctx, from, to); !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("copy into a database with layers: error = %v, want ErrInvalid", err)
	}
}

// testCopyAllOrNothing fails a copy midway: the new database stays empty.
func testCopyAllOrNothing(t *testing.T, open Opener) {
	ctx := context.Background()
	from := seeded(t, open)
	to, _ := open(t)
	v := version(t, to)
	boom := errors.New("the source broke")
	err := to.CopyIn(ctx, func(sink geodata.Sink) error {
		for _, ld := range TestData() {
			if err := sink.CopyLayer(ctx, geodata.LayerData{Layer: ld.Layer}); err != nil {
				return err
			}
		}
		page, _ := geodata.ReadPage(ctx, from, geodata.Query{Layer: "incidents"})
		for _, f := range page.Features {
			if err := sink.CopyFeature(ctx, "incidents", f, geodata.OriginSeed); err != nil {
				return err
			}
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Errorf("CopyIn = %v, want the source's error", err)
	}
	if layers, _ := to.Layers(ctx); len(layers) != 0 {
		t.Errorf("layers after a failed copy = %d, want 0", len(layers))
	}
	if got := version(t, to); got != v {
		t.Errorf("version after a failed copy = %q, want %q", got, v)
	}
	err = to.CopyIn(ctx, func(sink geodata.Sink) error {
		if err := sink.CopyLayer(ctx, geodata.LayerData{Layer: geodata.Layer{ID: "incidents"}}); err != nil {
			return err
		}
		return sink.CopyFeature(ctx, "incidents", geodata.Feature{ID: "no-geometry"}, geodata.OriginImport)
	})
	if !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("CopyIn of a feature without geometry = %v, want ErrInvalid", err)
	}
	if layers, _ := to.Layers(ctx); len(layers) != 0 {
		t.Errorf("layers after a failed copy = %d, want 0", len(layers))
	}
}
