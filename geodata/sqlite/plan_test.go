package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

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

// TestStatementsUseIndexes pins the plan of every statement a page runs:
// each finds its rows through an index and none scans a table or sorts.
func TestStatementsUseIndexes(t *testing.T) {
	db := seeded(t)
	all := checks(geodata.Query{BBox: bound(60, 30, 70, 40), Interval: &geodata.Interval{Start: day("2022-01-01"), End: day("2023-01-01")},
		Props: map[string][]string{"category": {"attack", "plot"}, "fatalities": {"3.0"}}, Ranges: map[string]geodata.Range{"fatalities": {Min: ptr(1.0)}}}, 1)
	tests := []struct {
		name  string
		query string
		args  []any
		want  []string
	}{
		{"walk", walkRids, []any{"incidents", 0, 10}, []string{"USING COVERING INDEX features_list (layer=? AND rid>?)"}},
		{"value", valueRids, []any{1, "category", "attack", 0, 10}, []string{"USING PRIMARY KEY (layer_num=? AND name=? AND value=? AND rid>?)"}},
		{"value count", countValue, []any{1, "category", "attack", 10}, []string{"USING PRIMARY KEY (layer_num=? AND name=? AND value=?)"}},
		{"range", rangeRids, []any{1, "fatalities", 1.0, 5.0, 10}, []string{"USING COVERING INDEX feature_values_num (layer_num=? AND name=? AND num>? AND num<?)"}},
		{"rtree", rtreeRids + rtreeBox + rtreeFrom + rtreeTo + ` LIMIT ?`, []any{1, 60, 70, 30, 40, 0, 1, 10}, []string{"VIRTUAL TABLE INDEX"}},
		{"check", checkChunk + all.sql() + checkOrder, append([]any{"incidents", "[1,2,3]"}, all.args...), []string{
			"USING COVERING INDEX features_list (layer=? AND rid=?", "USING PRIMARY KEY (layer_num=? AND name=? AND value=? AND rid=?)",
			"USING COVERING INDEX feature_values_rid_num (rid=? AND name=? AND num=?)", "USING COVERING INDEX feature_values_rid_num (rid=? AND name=? AND num>? AND num<?)"}},
		{"fetch", fetchChunk, []any{"[1,2,3]"}, []string{"USING INTEGER PRIMARY KEY (rowid=?)"}},
		{"export", exportFeatures, []any{"incidents"}, []string{"USING INDEX features_list (layer=?)"}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			plan := explain(t, db, tc.query, tc.args...)
			for _, want := range tc.want {
				if !strings.Contains(plan, want) {
					t.Errorf("plan does not say %q:\n%s", want, plan)
				}
			}
			for _, bad := range []string{"SCAN f\n", "SCAN features\n", "USE TEMP B-TREE"} {
				if strings.Contains(plan+"\n", bad) {
					t.Errorf("plan has %q:\n%s", bad, plan)
				}
			}
		})
	}
}

func ptr[T any](v T) *T { return &v }

// gridDB opens a database whose incidents layer holds n points on a grid
// over the region, with categories, actors, dates and fatalities that
// cycle, so any filter matches a known share.
func gridDB(t testing.TB, n int) (*DB, []geodata.Feature) {
	t.Helper()
	db, _ := openTest(t)
	fs := make([]geodata.Feature, n)
	side := 1
	for side*side < n {
		side++
	}
	cats := []string{"attack", "plot", "unrest", "clash", "military"}
	for i := range fs {
		x := 60 + 15*float64(i%side)/float64(side)
		y := 29 + 10*float64(i/side)/float64(side)
		props := map[string]any{
			"category":   cats[i%len(cats)],
			"actor":      []any{"ISKP", "Taliban", "Unknown"}[i%3],
			"fatalities": float64(i % 7),
		}
		if i%97 == 0 { // a few rare tolls, for a range that finds few
			props["fatalities"] = float64(100 + i%5)
		}
		if i%11 != 0 { // some undated
			props["date"] = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, i%1500).Format(time.DateOnly)
		}
		if i%13 == 0 {
			props["actor"] = []any{"ISKP", "Taliban"}
		}
		fs[i] = feature(fmt.Sprintf("g%05d", i), orb.Point{x, y}, props)
	}
	layers := []geodata.LayerData{
		{Layer: geodata.Layer{ID: "incidents", GeometryKind: "Point", Queryables: []string{"category", "actor", "fatalities"}}, Features: fs},
		{Layer: geodata.Layer{ID: "tapi", GeometryKind: "LineString"}, Features: []geodata.Feature{
			feature("line", orb.LineString{{61, 30}, {66, 33}, {70, 37}}, nil)}},
	}
	if _, err := db.Seed(context.Background(), layers, false); err != nil {
		t.Fatal(err)
	}
	return db, fs
}

// TestPagesMatchEveryFilter draws random queries over a grid of points
// and checks that following next from the first page lists exactly the
// features a plain loop over all of them selects, in rid order, whatever
// plan the store picks; and that numberMatched, when given, is that count.
// The page bounds are lowered so that every plan, and short pages, occur.
func TestPagesMatchEveryFilter(t *testing.T) {
	db, fs := gridDB(t, 3000)
	db.bounds = bounds{sortCap: 200, scanBudget: 700}
	kinds := pagesMatch(t, db, fs, 150)
	for _, k := range []string{"walk", "rtree", "value:category", "value:actor", "range:fatalities", "near"} {
		if kinds[k] == 0 {
			t.Errorf("no random query used the %s plan (plans used: %v)", k, kinds)
		}
	}
	// With the layer's aggregate built, boxes and proximity are driven
	// from it: collected when their area holds up to the bound of what it
	// scans, walked in rid order beyond.
	if _, err := db.Stats(context.Background(), geodata.Query{Layer: "incidents"}); err != nil {
		t.Fatal(err)
	}
	db.bounds.aggScan = 1500
	kinds = pagesMatch(t, db, fs, 80)
	for _, k := range []string{"agg", "agg-near", "agg-walk"} {
		if kinds[k] == 0 {
			t.Errorf("with the aggregate, no random query used the %s plan (plans used: %v)", k, kinds)
		}
	}
}

// pagesMatch runs n random queries against fs and db, and returns how
// many used each plan.
func pagesMatch(t *testing.T, db *DB, fs []geodata.Feature, n int) map[string]int {
	t.Helper()
	line := geodata.NewMeasure(orb.LineString{{61, 30}, {66, 33}, {70, 37}})
	r := rand.New(rand.NewPCG(7, uint64(n)))
	kinds := map[string]int{}
	for i := range n {
		q, keep := randomQuery(r, line)
		q.Layer, q.Limit = "incidents", 10+r.IntN(150)
		var want []string
		for _, f := range fs {
			if keep(f) {
				want = append(want, f.ID)
			}
		}
		got, matched, pages := readAll(t, db, q)
		if !slices.Equal(got, want) {
			t.Fatalf("query %d %s: %d features over %d pages, want %d\n got %v\nwant %v", i, describe(q), len(got), pages, len(want), head(got), head(want))
		}
		if matched != -1 && matched != len(want) {
			t.Errorf("query %d %s: numberMatched = %d, want %d", i, describe(q), matched, len(want))
		}
		kinds[planKind(t, db, q)]++
	}
	return kinds
}

// readAll follows next links from the first page of q to the last and
// returns the ids, the first page's numberMatched and the page count.
func readAll(t *testing.T, db *DB, q geodata.Query) ([]string, int, int) {
	t.Helper()
	var got []string
	matched := 0
	for pages := 1; ; pages++ {
		page, err := geodata.ReadPage(context.Background(), db, q)
		if err != nil {
			t.Fatalf("%s: %v", describe(q), err)
		}
		if len(page.Features) > q.Limit {
			t.Fatalf("%s: page of %d features, limit %d", describe(q), len(page.Features), q.Limit)
		}
		if pages == 1 {
			matched = page.Matched
		}
		got = append(got, ids(page.Features)...)
		if page.Next == "" {
			return got, matched, pages
		}
		if pages > 10000 {
			t.Fatalf("%s: more than 10000 pages", describe(q))
		}
		q.After = page.Next
	}
}

func planKind(t *testing.T, db *DB, q geodata.Query) string {
	t.Helper()
	ctx := context.Background()
	tx, err := db.r.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	l, gen, err := db.layers.at(ctx, tx, q.Layer)
	if err != nil {
		t.Fatal(err)
	}
	near, err := db.resolveNear(ctx, tx, gen, q.Near)
	if err != nil {
		t.Fatal(err)
	}
	p, err := db.planQuery(ctx, tx, q, l.num, l.Count, gen, near)
	if err != nil {
		t.Fatal(err)
	}
	return p.kind
}

// randomQuery returns a query of a few random filters and the test a
// feature must pass to match it.
func randomQuery(r *rand.Rand, line *geodata.Measure) (geodata.Query, func(geodata.Feature) bool) {
	var q geodata.Query
	var tests []func(geodata.Feature) bool
	if r.IntN(2) == 0 {
		x, y := 60+15*r.Float64(), 29+10*r.Float64()
		w, h := r.ExpFloat64()*2, r.ExpFloat64()*2
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + h}}
		q.BBox = &b
		tests = append(tests, func(f geodata.Feature) bool { return b.Contains(f.Geometry.(orb.Point)) })
	}
	if r.IntN(3) == 0 {
		from := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(1500))
		to := from.AddDate(0, 0, r.IntN(400))
		iv := geodata.Interval{Start: from, End: to}
		q.Interval = &iv
		tests = append(tests, func(f geodata.Feature) bool {
			s, e, ok := geodata.TimeSpan(f.Properties)
			return ok && iv.Overlaps(s, e)
		})
	}
	if r.IntN(2) == 0 {
		name, values := "category", []string{"attack", "plot", "unrest", "clash", "military", "none"}
		if r.IntN(2) == 0 {
			name, values = "actor", []string{"ISKP", "Taliban", "Unknown"}
		}
		r.Shuffle(len(values), func(i, j int) { values[i], values[j] = values[j], values[i] })
		pick := values[:1+r.IntN(2)]
		q.Props = map[string][]string{name: pick}
		tests = append(tests, func(f geodata.Feature) bool { return holdsAny(f.Properties[name], pick) })
	}
	if r.IntN(4) == 0 {
		lo := float64(r.IntN(7))
		if r.IntN(2) == 0 {
			lo = float64(100 + r.IntN(5))
		}
		rg := geodata.Range{Min: &lo}
		if r.IntN(2) == 0 {
			hi := lo + float64(r.IntN(3))
			rg.Max = &hi
		}
		q.Ranges = map[string]geodata.Range{"fatalities": rg}
		tests = append(tests, func(f geodata.Feature) bool { return rg.Contains(f.Properties["fatalities"].(float64)) })
	}
	if r.IntN(5) == 0 {
		km := 5 + 100*r.Float64()
		q.Near = &geodata.Near{Layer: "tapi", Km: km}
		tests = append(tests, func(f geodata.Feature) bool { return line.DistanceKm(f.Geometry.(orb.Point)) <= km })
	}
	return q, func(f geodata.Feature) bool {
		for _, test := range tests {
			if !test(f) {
				return false
			}
		}
		return true
	}
}

func holdsAny(v any, values []string) bool {
	switch v := v.(type) {
	case string:
		return slices.Contains(values, v)
	case []any:
		for _, e := range v {
			if s, ok := e.(string); ok && slices.Contains(values, s) {
				return true
			}
		}
	}
	return false
}

func describe(q geodata.Query) string {
	var parts []string
	if q.BBox != nil {
		parts = append(parts, fmt.Sprintf("bbox=%.2f,%.2f,%.2f,%.2f", q.BBox.Min[0], q.BBox.Min[1], q.BBox.Max[0], q.BBox.Max[1]))
	}
	if q.Interval != nil {
		parts = append(parts, "datetime="+q.Interval.Start.Format(time.DateOnly)+"/"+q.Interval.End.Format(time.DateOnly))
	}
	for k, v := range q.Props {
		parts = append(parts, k+"="+strings.Join(v, ","))
	}
	for k, v := range q.Ranges {
		parts = append(parts, fmt.Sprintf("%s=%v/%v", k, deref(v.Min), deref(v.Max)))
	}
	if q.Near != nil {
		parts = append(parts, fmt.Sprintf("near=%s within %.1f", q.Near.Layer, q.Near.Km))
	}
	return fmt.Sprintf("limit=%d %s", q.Limit, strings.Join(parts, "&"))
}

func deref(p *float64) any {
	if p == nil {
		return ".."
	}
	return *p
}

func head(s []string) []string {
	if len(s) > 12 {
		return s[:12]
	}
	return s
}

// benchDB opens a database with n points on a grid over the region in
// one layer.
func benchDB(b *testing.B, n int) *DB {
	b.Helper()
	db, _ := gridDB(b, n)
	return db
}

// BenchmarkFeaturesBBox queries a small box out of 20,000 points.
func BenchmarkFeaturesBBox(b *testing.B) {
	ctx := context.Background()
	db := benchDB(b, 20000)
	q := geodata.Query{Layer: "incidents", BBox: bound(65, 32, 65.5, 32.5), Limit: 100}
	page, err := geodata.ReadPage(ctx, db, q)
	if err != nil {
		b.Fatal(err)
	}
	if page.Matched == 0 || page.Matched > 200 {
		b.Fatalf("Matched = %d, want a small non-zero number", page.Matched)
	}
	b.ReportAllocs()
	for b.Loop() {
		if _, err := geodata.ReadPage(ctx, db, q); err != nil {
			b.Fatal(err)
		}
	}
}
