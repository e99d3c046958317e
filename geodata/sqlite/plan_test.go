package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// queryPlan returns EXPLAIN QUERY PLAN's details for the page query of q,
// one step a line.
func queryPlan(t testing.TB, db *DB, q geodata.Query) string {
	t.Helper()
	num, err := layerNum(context.Background(), db.r, q.Layer)
	if err != nil {
		t.Fatal(err)
	}
	w := buildWhere(q, num)
	args := append(w.args, 10, 0)
	return explain(t, db, selectFeatures+w.sql()+pageFeatures, args...)
}

// explain returns EXPLAIN QUERY PLAN's details for query, one step a line.
func explain(t testing.TB, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.r.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var lines []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		lines = append(lines, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(lines, "\n")
}

func TestBBoxQueryUsesRTree(t *testing.T) {
	db := seeded(t)
	tests := []struct {
		name string
		q    geodata.Query
	}{
		{"bbox", geodata.Query{Layer: "incidents", BBox: bound(69, 34, 70, 35)}},
		{"bbox and filters", geodata.Query{Layer: "incidents", BBox: bound(69, 34, 70, 35),
			Interval: &geodata.Interval{Start: day("2022-01-01")}, Props: map[string]string{"category": "attack"}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := queryPlan(t, db, tc.q)
			if !strings.Contains(plan, "features_rtree VIRTUAL TABLE INDEX") {
				t.Errorf("query plan does not search features_rtree by its index:\n%s", plan)
			}
			if strings.Contains(plan, "SCAN f\n") || strings.HasSuffix(plan, "SCAN f") {
				t.Errorf("query plan scans all features:\n%s", plan)
			}
		})
	}
}

// benchDB opens a database with n points on a grid over the region in
// one layer.
func benchDB(b *testing.B, n int) *DB {
	b.Helper()
	db, _ := openTest(b)
	fs := make([]geodata.Feature, n)
	side := 1
	for side*side < n {
		side++
	}
	for i := range fs {
		x := 46 + 42*float64(i%side)/float64(side) // 46..88°E
		y := 24 + 32*float64(i/side)/float64(side) // 24..56°N
		fs[i] = feature(fmt.Sprintf("pt-%d", i), orb.Point{x, y},
			map[string]any{"date": "2022-01-01", "category": "attack", "n": float64(i)})
	}
	data := []geodata.LayerData{{Layer: geodata.Layer{ID: "incidents", GeometryKind: "Point"}, Features: fs}}
	if _, err := db.Seed(context.Background(), data, false); err != nil {
		b.Fatal(err)
	}
	return db
}

// BenchmarkFeaturesBBox queries a small box (about a Kabul-sized city
// region) out of 20,000 points.
func BenchmarkFeaturesBBox(b *testing.B) {
	ctx := context.Background()
	db := benchDB(b, 20000)
	q := geodata.Query{Layer: "incidents", BBox: bound(69, 34, 70, 35), Limit: 100}
	page, err := db.Features(ctx, q)
	if err != nil {
		b.Fatal(err)
	}
	if page.Matched == 0 || page.Matched > 200 {
		b.Fatalf("Matched = %d, want a small non-zero number", page.Matched)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		if _, err := db.Features(ctx, q); err != nil {
			b.Fatal(err)
		}
	}
}
