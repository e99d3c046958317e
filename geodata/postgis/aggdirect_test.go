package postgis_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/storetest"
	"github.com/paulmach/orb"
)

// A page with a box, answered from the aggregate, never misses a write
// another process made just before, even one this process has not heard
// of yet: the page's own snapshot says its generation.
func TestBoxPageSeesOtherProcessWrites(t *testing.T) {
	ctx := context.Background()
	dsn := pg.Database(t)
	a, b := openDB(t, dsn, postgis.Options{}), openDB(t, dsn, postgis.Options{})
	if _, err := a.Seed(ctx, storetest.TestData(), false); err != nil {
		t.Fatal(err)
	}
	var features []geodata.Feature
	for i := range 40 {
		features = append(features, geodata.Feature{ID: fmt.Sprintf("r%02d", i), Geometry: orb.Point{70 + float64(i)/100, 35}, Properties: map[string]any{"parity": "x"}})
	}
	if err := a.Import(ctx, "railways", features); err != nil {
		t.Fatal(err)
	}
	box := &orb.Bound{Min: orb.Point{69, 34}, Max: orb.Point{71, 36}}
	for i := range 20 {
		// The aggregate of the current generation, so the page comes from it.
		if _, err := a.Clusters(ctx, geodata.Query{Layer: "railways"}, 3); err != nil {
			t.Fatal(err)
		}
		id := fmt.Sprintf("r%02d", i)
		if err := b.Delete(ctx, "railways", id); err != nil {
			t.Fatal(err)
		}
		page, err := geodata.ReadPage(ctx, a, geodata.Query{Layer: "railways", BBox: box, Limit: 100})
		if err != nil {
			t.Fatal(err)
		}
		got := ids(page.Features)
		if slices.Contains(got, id) || len(got) != 39-i || page.Matched != 39-i {
			t.Fatalf("right after another process deleted %s, a box page shows %d features (matched %d), with it: %v", id, len(got), page.Matched, slices.Contains(got, id))
		}
	}
}

func ids(fs []geodata.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}
