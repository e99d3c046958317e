package storetest

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// withVersions gives each layer of data the version "v1-<id>", except those
// named in changed, which get "v2-<id>".
func withVersions(data []geodata.LayerData, changed ...string) []geodata.LayerData {
	for i := range data {
		id := data[i].Layer.ID
		data[i].Version = "v1-" + id
		if slices.Contains(changed, id) {
			data[i].Version = "v2-" + id
		}
	}
	return data
}

// testSeedLayersReplacesChanged is a data release reaching a database that
// holds the previous one, with features a person imported: only the
// layers whose seed changed are written.
func testSeedLayersReplacesChanged(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	if got, err := s.SeedVersions(ctx); err != nil || len(got) != 0 {
		t.Fatalf("SeedVersions of a new database = %v, %v; want none", got, err)
	}
	written, err := s.SeedLayers(ctx, withVersions(TestData()), false)
	if want := []string{"borders", "tapi", "railways", "incidents"}; err != nil || !slices.Equal(written, want) {
		t.Fatalf("first SeedLayers = %v, %v; want %v", written, err, want)
	}
	if err := s.Import(ctx, "incidents", []geodata.Feature{feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"category": "attack"})}); err != nil {
		t.Fatal(err)
	}
	v := version(t, s)
	if written, err := s.SeedLayers(ctx, withVersions(TestData()), false); err != nil || len(written) != 0 {
		t.Errorf("SeedLayers of the same release = %v, %v; want nothing written", written, err)
	}
	if got := version(t, s); got != v {
		t.Errorf("version after a seed that wrote nothing = %q, want %q", got, v)
	}
	before, err := s.Layer(ctx, "borders")
	if err != nil {
		t.Fatal(err)
	}
	time.Sleep(1100 * time.Millisecond) // Updated has whole seconds
	data := withVersions(TestData(), "incidents")
	data[3].Features[0].Properties["actor"] = "changed"
	written, err = s.SeedLayers(ctx, data, false)
	if err != nil || !slices.Equal(written, []string{"incidents"}) {
		t.Fatalf("SeedLayers with incidents changed = %v, %v; want [incidents]", written, err)
	}
	if got := version(t, s); got == v {
		t.Errorf("version unchanged after a seed wrote incidents")
	}
	if f, err := s.Feature(ctx, "incidents", "kabul-2022-09-05"); err != nil || f.Properties["actor"] != "changed" {
		t.Errorf("seed feature after the new release = %v, %v; want actor changed", f.Properties, err)
	}
	if _, err := s.Feature(ctx, "incidents", "user-1"); err != nil {
		t.Errorf("imported feature after the new release: %v, want it kept", err)
	}
	if after, _ := s.Layer(ctx, "borders"); !after.Updated.Equal(before.Updated) {
		t.Errorf("borders Updated %v -> %v: an unchanged layer was rewritten", before.Updated, after.Updated)
	}
	want := map[string]string{"borders": "v1-borders", "tapi": "v1-tapi", "railways": "v1-railways", "incidents": "v2-incidents"}
	if got, err := s.SeedVersions(ctx); err != nil || !maps.Equal(got, want) {
		t.Errorf("SeedVersions = %v, %v; want %v", got, err, want)
	}
	written, err = s.SeedLayers(ctx, withVersions(TestData(), "incidents"), true)
	if err != nil || len(written) != 4 {
		t.Errorf("forced SeedLayers = %v, %v; want every layer", written, err)
	}
}
