package sqlite

import (
	"context"
	"math/rand/v2"
	"os"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// BenchmarkScale measures the store on a large database made by casmap gen
// (CASMAP_BENCH_DB=path; make bench-scale makes one of a million
// incidents). Without it, it is skipped: building one takes minutes.
func BenchmarkScale(b *testing.B) {
	path := os.Getenv("CASMAP_BENCH_DB")
	if path == "" {
		b.Skip("set CASMAP_BENCH_DB to a database made by casmap gen (make bench-scale does)")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pages := []struct {
		name string
		q    geodata.Query
	}{
		{"bbox-kabul", geodata.Query{Layer: "incidents", BBox: bound(69.15, 34.5, 69.25, 34.6), Limit: 100}},
		{"actor-iskp", geodata.Query{Layer: "incidents", Props: map[string][]string{"actor": {"ISKP"}}, Limit: 10}},
		{"confirmed-attacks-2022", geodata.Query{Layer: "incidents", Props: map[string][]string{"confidence": {"confirmed"}, "category": {"attack"}},
			Interval: &geodata.Interval{Start: day("2022-01-01"), End: day("2022-12-31")}, Limit: 100}},
		{"near-tapi-20km", geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 20}, Limit: 10}},
		{"offset-10000", geodata.Query{Layer: "incidents", Offset: geodata.MaxOffset, Limit: 100}},
	}
	for _, p := range pages {
		b.Run("items-"+p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := geodata.ReadPage(ctx, db, p.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("items-viewports", func(b *testing.B) {
		// Boxes of 0.1 degree jittered around real incidents, as the
		// viewports of make bench-scale, from the aggregate once built.
		if _, err := db.Stats(ctx, geodata.Query{Layer: "incidents"}); err != nil {
			b.Fatal(err)
		}
		pts := samplePoints(ctx, b, db, 500)
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			p := pts[r.IntN(len(pts))]
			x, y := p[0]+(r.Float64()-0.5)*0.1, p[1]+(r.Float64()-0.5)*0.1
			q := geodata.Query{Layer: "incidents", BBox: bound(x-0.05, y-0.05, x+0.05, y+0.05), Limit: 100}
			if _, err := geodata.ReadPage(ctx, db, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	region := geodata.Query{Layer: "incidents", BBox: bound(52, 29, 81, 48)}
	for _, z := range []int{3, 5, 8, 12} {
		b.Run("clusters-region-zoom"+string(rune('0'+z/10))+string(rune('0'+z%10)), func(b *testing.B) {
			q := region
			if z == 12 {
				q.BBox = bound(69.1, 34.5, 69.4, 34.7)
			}
			for b.Loop() {
				if _, err := db.Clusters(ctx, q, z); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("stats-region", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Stats(ctx, region); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// samplePoints returns where n incidents of the layer lie, taken every
// so many features along the layer.
func samplePoints(ctx context.Context, b *testing.B, db *DB, n int) []orb.Point {
	b.Helper()
	var pts []orb.Point
	step := 0
	_, err := db.Features(ctx, geodata.Query{Layer: "incidents", Limit: 10000}, func(f geodata.Feature) error {
		if step++; step%(10000/n) == 0 {
			pts = append(pts, f.Geometry.Bound().Center())
		}
		return nil
	})
	if err != nil || len(pts) == 0 {
		b.Fatalf("sample points: %v (%d)", err, len(pts))
	}
	return pts
}
