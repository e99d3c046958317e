package sqlite

import (
	"context"
	"os"
	"testing"

	"github.com/casmap/casmap/geodata"
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
