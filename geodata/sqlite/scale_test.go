package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// scaleDB opens a database with n incidents in one layer, written as
// casmap gen writes them: in Hilbert order, 50,000 a transaction. Most sit
// around a few towns, the rest anywhere in the region.
func scaleDB(b *testing.B, n int) *DB {
	b.Helper()
	ctx := context.Background()
	db, _ := openTest(b)
	layer := geodata.LayerData{Layer: geodata.Layer{ID: "incidents", GeometryKind: "Point", Queryables: []string{"category"}}}
	if _, err := db.Seed(ctx, []geodata.LayerData{layer}, false); err != nil {
		b.Fatal(err)
	}
	towns := []orb.Point{{69.17, 34.53}, {65.71, 31.61}, {62.2, 34.35}, {68.78, 38.56}, {69.28, 41.31}, {76.95, 43.24}}
	categories := []string{"attack", "clash", "unrest", "military"}
	r := rand.New(rand.NewPCG(1, 2))
	pts := make([]orb.Point, n)
	for i := range pts {
		if r.IntN(5) == 0 {
			pts[i] = orb.Point{52 + 29*r.Float64(), 29 + 19*r.Float64()}
			continue
		}
		t := towns[r.IntN(len(towns))]
		pts[i] = orb.Point{t[0] + 0.3*r.NormFloat64(), t[1] + 0.3*r.NormFloat64()}
	}
	slices.SortFunc(pts, func(a, b orb.Point) int { return cmp.Compare(HilbertKey(a), HilbertKey(b)) })
	const batch = 50000
	for from := 0; from < n; from += batch {
		fs := make([]geodata.Feature, 0, batch)
		for i := from; i < min(from+batch, n); i++ {
			fs = append(fs, feature(fmt.Sprintf("gen-%07d", i), pts[i], map[string]any{
				"date": fmt.Sprintf("%d-%02d-%02d", 2021+i%6, 1+i%12, 1+i%28), "category": categories[i%len(categories)],
				"confidence": "reported", "precision": "town", "synthetic": true}))
		}
		if err := db.ImportBatch(ctx, "incidents", fs); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkScale measures a viewport query and whole-region clusters over
// CASMAP_BENCH_N incidents (say 1000000); without it, it is skipped, as
// building the database takes minutes.
func BenchmarkScale(b *testing.B) {
	n, err := strconv.Atoi(os.Getenv("CASMAP_BENCH_N"))
	if err != nil || n <= 0 {
		b.Skip("set CASMAP_BENCH_N to the number of incidents, e.g. CASMAP_BENCH_N=1000000")
	}
	ctx := context.Background()
	db := scaleDB(b, n)
	// Grow a box around Kabul until it holds about a page: 100 rows.
	q := geodata.Query{Layer: "incidents", Limit: 100}
	for h := 0.001; ; h *= 1.2 {
		q.BBox = bound(69.27-h, 34.63-h, 69.27+h, 34.63+h)
		page, err := db.Features(ctx, q)
		if err != nil {
			b.Fatal(err)
		}
		if page.Matched >= 100 {
			b.Logf("bbox %v holds %d of %d incidents", *q.BBox, page.Matched, n)
			break
		}
	}
	if plan := queryPlan(b, db, q); !strings.Contains(plan, "features_rtree VIRTUAL TABLE INDEX") {
		b.Fatalf("at %d rows the bbox query does not use the R*Tree:\n%s", n, plan)
	}
	b.Run("bbox-100", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := db.Features(ctx, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	// The server reads the layer (count, extent) before any clusters, so
	// the memo is warm by then; warm it here too.
	if _, err := db.Layers(ctx); err != nil {
		b.Fatal(err)
	}
	region := geodata.Query{Layer: "incidents", BBox: bound(52, 29, 81, 48)}
	b.Run("clusters-zoom5-region", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := db.Clusters(ctx, region, geodata.CellDegrees(5)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("clusters-zoom12-city", func(b *testing.B) {
		city := geodata.Query{Layer: "incidents", BBox: bound(69.1, 34.5, 69.4, 34.7)}
		for b.Loop() {
			if _, err := db.Clusters(ctx, city, geodata.CellDegrees(12)); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("clusters-zoom10-viewport", func(b *testing.B) {
		view := geodata.Query{Layer: "incidents", BBox: bound(68.5, 34, 70, 35)}
		for b.Loop() {
			if _, err := db.Clusters(ctx, view, geodata.CellDegrees(10)); err != nil {
				b.Fatal(err)
			}
		}
	})
}
