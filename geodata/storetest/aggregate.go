package storetest

import (
	"context"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// testAggregatesAgreeWithPages: clusters and statistics of a layer of a
// couple of thousand incidents, under random mixes of filters, count what
// the pages of the same query list: the store's values reach the
// aggregate as its items filters read them, lists included.
func testAggregatesAgreeWithPages(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	r := rand.New(rand.NewPCG(11, 4))
	if err := s.Import(ctx, "incidents", randomIncidents(r, 2000)); err != nil {
		t.Fatal(err)
	}
	for i := range 40 {
		q, zoom := randomAggregateQuery(r)
		what := fmt.Sprintf("query %d (zoom %d, bbox %v, props %v, ranges %v, interval %v)", i, zoom, q.BBox, q.Props, q.Ranges, q.Interval)
		q.Limit = geodata.MaxLimit
		first, err := geodata.ReadPage(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		listed := first.Features
		for page := first; page.Next != ""; listed = append(listed, page.Features...) {
			q.After = page.Next
			if page, err = geodata.ReadPage(ctx, s, q); err != nil {
				t.Fatal(err)
			}
		}
		q.After, q.Limit = "", 0
		checkAggregateClusters(t, ctx, s, q, zoom, listed, what)
		checkAggregateStats(t, ctx, s, q, listed, what)
	}
}

// randomIncidents makes n incidents around Kabul and Herat, most dated
// (some over a few days), of a category, an actor, a list of zero to two
// claimants and, for most, fatalities.
func randomIncidents(r *rand.Rand, n int) []geodata.Feature {
	cats := []string{"attack", "plot", "unrest", "clash"}
	actors := []string{"ISKP", "TTP", "Taliban"}
	var out []geodata.Feature
	for i := range n {
		town := [][2]float64{{69.17, 34.53}, {62.2, 34.35}}[i%2]
		p := orb.Point{town[0] + r.NormFloat64()*1.5, town[1] + r.NormFloat64()}
		props := map[string]any{"category": cats[r.IntN(len(cats))], "actor": actors[r.IntN(len(actors))]}
		var claimed []any
		for _, j := range r.Perm(len(actors))[:r.IntN(3)] {
			claimed = append(claimed, actors[j])
		}
		props["claimed_by"] = claimed
		if i%4 != 0 {
			props["fatalities"] = float64(r.IntN(12))
		}
		if i%10 != 0 {
			start := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).AddDate(0, 0, r.IntN(1200))
			props["date"] = start.Format(time.DateOnly)
			if i%7 == 0 {
				props["date_end"] = start.AddDate(0, 0, 1+r.IntN(40)).Format(time.DateOnly)
			}
		}
		out = append(out, feature(fmt.Sprintf("agg-%d", i), p, props))
	}
	return out
}

// randomAggregateQuery filters by a box or none, one or two values of
// category, actor or claimed_by, a fatalities range and an interval, each
// now and then.
func randomAggregateQuery(r *rand.Rand) (geodata.Query, int) {
	q := geodata.Query{Layer: "incidents", Props: map[string][]string{}, Ranges: map[string]geodata.Range{}}
	zoom := r.IntN(9)
	if r.IntN(4) > 0 {
		w := 0.5 + r.Float64()*8
		x, y := 61+r.Float64()*10, 32+r.Float64()*4
		q.BBox = bound(x-w, y-w/2, x+w, y+w/2)
	}
	values := map[string][]string{"category": {"attack", "plot", "unrest", "clash"}, "actor": {"ISKP", "TTP", "Taliban"}, "claimed_by": {"ISKP", "TTP", "Taliban"}}
	for _, name := range []string{"category", "actor", "claimed_by"} {
		if r.IntN(3) == 0 {
			vs := values[name]
			q.Props[name] = append(q.Props[name], vs[r.IntN(len(vs))])
			if r.IntN(2) == 0 {
				q.Props[name] = append(q.Props[name], vs[r.IntN(len(vs))])
			}
		}
	}
	if r.IntN(4) == 0 {
		q.Ranges["fatalities"] = geodata.Range{Min: ptr(float64(r.IntN(8)))}
	}
	if r.IntN(3) == 0 {
		start := time.Date(2020, time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC).AddDate(r.IntN(3), 0, 0)
		q.Interval = &geodata.Interval{Start: start, End: start.AddDate(0, 1+r.IntN(8), 0)}
	}
	return q, zoom
}

func checkAggregateClusters(t *testing.T, ctx context.Context, s Store, q geodata.Query, zoom int, listed []geodata.Feature, what string) {
	t.Helper()
	got, err := s.Clusters(ctx, q, zoom)
	if err != nil {
		t.Fatalf("%s: Clusters: %v", what, err)
	}
	deg := geodata.CellDegrees(zoom)
	want := map[[2]int]map[string]int{}
	for _, f := range listed {
		c := f.Geometry.Bound().Center()
		cell := [2]int{int((c[0] + 180) / deg), int((c[1] + 90) / deg)}
		if want[cell] == nil {
			want[cell] = map[string]int{}
		}
		want[cell][""]++
		if cat, ok := f.Properties["category"].(string); ok {
			want[cell][cat]++
		}
	}
	if len(got) != len(want) {
		t.Fatalf("%s: %d clusters, the pages list features in %d cells", what, len(got), len(want))
	}
	for _, c := range got {
		w := want[c.Cell]
		if c.Count != w[""] {
			t.Fatalf("%s: cluster %v counts %d, the pages list %d there", what, c.Cell, c.Count, w[""])
		}
		for cat, n := range c.Categories {
			if w[cat] != n {
				t.Fatalf("%s: cluster %v counts %d of %s, the pages list %d", what, c.Cell, n, cat, w[cat])
			}
		}
	}
}

func checkAggregateStats(t *testing.T, ctx context.Context, s Store, q geodata.Query, listed []geodata.Feature, what string) {
	t.Helper()
	st, err := s.Stats(ctx, q)
	if err != nil {
		t.Fatalf("%s: Stats: %v", what, err)
	}
	if st.Matched != len(listed) {
		t.Fatalf("%s: stats match %d, the pages list %d", what, st.Matched, len(listed))
	}
	want := map[string]int{}
	for _, f := range listed {
		if cat, ok := f.Properties["category"].(string); ok {
			want["category="+cat]++
		}
		if list, ok := f.Properties["claimed_by"].([]any); ok {
			for _, v := range list {
				want["claimed_by="+v.(string)]++
			}
		}
		if date, ok := f.Properties["date"].(string); ok {
			want["month="+date[:7]]++
		}
	}
	got := map[string]int{}
	for _, name := range []string{"category", "claimed_by"} {
		for _, vc := range st.Facets[name] {
			got[name+"="+vc.Value] = vc.Count
		}
	}
	for _, mc := range st.Months {
		got["month="+mc.Month] = mc.Count
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Fatalf("%s: stats count %v\nthe pages list %v", what, got, want)
	}
}
