package agg

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// memLoader serves rows and any queryables from memory: by name, each
// value's text and the rids holding it (and by rid, the values held).
type memLoader struct {
	rows   []Row
	values map[string]map[string][]int64
	holds  map[int64]map[string][]string
}

func (l memLoader) Rows(_ context.Context, yield func(Row) error) (int64, error) {
	for _, r := range l.rows {
		if err := yield(r); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

func (l memLoader) Values(_ context.Context, name string, yield func(string, *float64, []int64) error) (int64, error) {
	for _, text := range sortedNames(l.values[name]) {
		var num *float64
		if v, err := strconv.ParseFloat(text, 64); err == nil {
			num = &v
		}
		if err := yield(text, num, l.values[name][text]); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

// held returns the values of name the feature rid holds.
func (l memLoader) held(name string, rid int64) []string {
	return l.holds[rid][name]
}

var bruteQueryables = []string{"category", "actor", "confidence", "fatalities", "place"}

// richLayer makes n features bunched around a few towns, some of them
// boxes, most dated (some over days, a few over long spans), with a
// category (a few two), one or two actors, a confidence, for most
// fatalities, and one or two of 300 places.
func richLayer(r *rand.Rand, n int) memLoader {
	l := memLoader{values: map[string]map[string][]int64{}, holds: map[int64]map[string][]string{}}
	for _, name := range bruteQueryables {
		l.values[name] = map[string][]int64{}
	}
	add := func(name, text string, rid int64) {
		if rids := l.values[name][text]; len(rids) == 0 || rids[len(rids)-1] != rid {
			l.values[name][text] = append(rids, rid)
			if l.holds[rid] == nil {
				l.holds[rid] = map[string][]string{}
			}
			l.holds[rid][name] = append(l.holds[rid][name], text)
		}
	}
	towns := []orb.Point{{69.17, 34.53}, {62.2, 34.35}, {68.78, 38.56}, {65.7, 31.6}}
	cats := []string{"attack", "plot", "unrest", "clash"}
	actors := []string{"ISKP", "TTP", "Taliban", "Government", "Unknown", "Rare"}
	conf := []string{"confirmed", "reported", "claimed"}
	t0 := time.Date(2019, 1, 1, 0, 0, 0, 0, time.UTC).Unix()
	for i := range n {
		rid := int64(i + 1)
		t := towns[r.IntN(len(towns))]
		c := orb.Point{t[0] + r.NormFloat64()*2, t[1] + r.NormFloat64()*1.5}
		row := Row{RID: rid, Box: orb.Bound{Min: c, Max: c}}
		if i%10 == 0 {
			row.Box.Max = orb.Point{c[0] + r.Float64(), c[1] + r.Float64()*0.5}
		}
		if i%20 != 0 {
			row.Dated, row.Start = true, t0+r.Int64N(5*365*86400)
			if i%3 == 0 {
				// At midnight, where intervals start and end.
				row.Start -= row.Start % 86400
			}
			row.End = row.Start
			switch {
			case i%50 == 1:
				row.End += r.Int64N(400 * 86400)
			case i%5 == 2:
				row.End += r.Int64N(20 * 86400)
			}
		}
		l.rows = append(l.rows, row)
		add("category", cats[r.IntN(len(cats))], rid)
		if i%17 == 0 {
			add("category", cats[r.IntN(len(cats))], rid)
		}
		add("actor", actors[min(r.IntN(len(actors)+3), len(actors)-2)], rid)
		if i%7 == 0 {
			add("actor", actors[r.IntN(len(actors))], rid)
		}
		if i%300 == 0 {
			add("actor", "Rare", rid)
		}
		add("confidence", conf[r.IntN(len(conf))], rid)
		if i%4 != 0 {
			add("fatalities", strconv.Itoa(r.IntN(30)), rid)
		}
		// More values than a byte holds.
		add("place", fmt.Sprintf("p%d", r.IntN(300)), rid)
		if i%11 == 0 {
			add("place", fmt.Sprintf("p%d", r.IntN(300)), rid)
		}
	}
	return l
}

// randomQuery makes a query of random filters: none, one or two property
// filters of one or more values, a fatalities range, an interval, over a
// random box at a random zoom or over everything.
func randomQuery(r *rand.Rand, l memLoader) (geodata.Query, int) {
	q := geodata.Query{Layer: "incidents", Props: map[string][]string{}, Ranges: map[string]geodata.Range{}}
	zoom := r.IntN(11)
	if r.IntN(6) > 0 {
		w := r.Float64() * 40 / float64(int(1)<<(zoom/2))
		x, y := 58+r.Float64()*20, 28+r.Float64()*14
		q.BBox = &orb.Bound{Min: orb.Point{x - w, y - w/2}, Max: orb.Point{x + w, y + w/2}}
	}
	if r.IntN(8) == 0 {
		q.Interval = randomInterval(r)
		return q, zoom
	}
	for _, name := range []string{"category", "actor", "confidence", "place"} {
		if r.IntN(3) > 0 {
			continue
		}
		texts := sortedNames(l.values[name])
		for range 1 + r.IntN(3) {
			q.Props[name] = append(q.Props[name], texts[r.IntN(len(texts))])
		}
	}
	if r.IntN(4) == 0 {
		lo, hi := float64(r.IntN(20)), float64(10+r.IntN(20))
		rg := geodata.Range{Min: &lo}
		if r.IntN(2) == 0 {
			rg.Max = &hi
		}
		q.Ranges["fatalities"] = rg
	}
	if r.IntN(4) == 0 {
		q.Interval = randomInterval(r)
	}
	return q, zoom
}

// randomInterval is up to 20 months from a day of 2019-2023, open at
// either end now and then.
func randomInterval(r *rand.Rand) *geodata.Interval {
	start := time.Date(2019+r.IntN(5), time.Month(1+r.IntN(12)), 1+r.IntN(28), 0, 0, 0, 0, time.UTC)
	if r.IntN(3) == 0 {
		start = start.AddDate(0, 0, 1-start.Day())
	}
	iv := &geodata.Interval{Start: start, End: start.AddDate(0, r.IntN(20), r.IntN(30))}
	switch r.IntN(6) {
	case 0:
		iv.Start = time.Time{}
	case 1:
		iv.End = time.Time{}
	}
	return iv
}

// bruteMatch says whether the feature of row meets q, by reading q as the
// items API defines it.
func bruteMatch(l memLoader, row Row, q geodata.Query) bool {
	if q.BBox != nil && !row.Box.Intersects(*q.BBox) {
		return false
	}
	if iv := q.Interval; iv != nil && (!row.Dated || !iv.Overlaps(time.Unix(row.Start, 0), time.Unix(row.End, 0))) {
		return false
	}
	for name, want := range q.Props {
		if !slices.ContainsFunc(l.held(name, row.RID), func(v string) bool { return slices.Contains(want, v) }) {
			return false
		}
	}
	for name, rg := range q.Ranges {
		if !slices.ContainsFunc(l.held(name, row.RID), func(v string) bool {
			n, err := strconv.ParseFloat(v, 64)
			return err == nil && rg.Contains(n)
		}) {
			return false
		}
	}
	return true
}

// planOf says how the index answers clusters of q at zoom: which
// pyramid its interior comes from, and how it finds the features it
// looks at one by one.
func planOf(t *testing.T, ix *Index, q geodata.Query, zoom int) string {
	m, err := ix.newMatcher(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	kind := ix.pyramidKind(q, m, zoom)
	if kind != scanAll && !interiorOf(boxOf(q), geodata.CellDegrees(zoom)).empty() {
		return map[int]string{layerPyramid: "layer-pyramid", valuePyramids: "value-pyramids", monthPyramids: "month-pyramids"}[kind]
	}
	rs, n := ix.positions(q.BBox, q.BBox)
	if d, ok := m.cheapest(rs, n); ok {
		return "listed-" + d.name
	}
	return "scan"
}

// Clusters, stats and counts under any mix of filters, from whichever
// pyramid or list the index takes them (or scanned, once its budgets are
// spent), are what a loop over every feature gives: features of several
// values, numbers, long spans, no dates and boxes included.
func TestFilteredAggregatesMatchEveryFeature(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(5, 9))
	l := richLayer(r, 10000)
	ix, err := Build(ctx, l, bruteQueryables)
	if err != nil {
		t.Fatal(err)
	}
	// A second index takes lists wherever they hold fewer features than
	// the area, as a larger layer would.
	listing, err := Build(ctx, l, bruteQueryables)
	if err != nil {
		t.Fatal(err)
	}
	listing.listedCost = 1
	// A third has spent its budgets: no value pyramid, no stats pyramid.
	spent, err := Build(ctx, l, bruteQueryables)
	if err != nil {
		t.Fatal(err)
	}
	spent.valueCells, spent.valueStatsCounts, spent.noStats = valueCellBudget, valueStatsBudget, true
	plans := map[string]int{}
	for i := range 900 {
		ix := []*Index{ix, listing, spent}[i%3]
		q, zoom := randomQuery(r, l)
		plans[planOf(t, ix, q, zoom)]++
		var match []Row
		for _, row := range l.rows {
			if bruteMatch(l, row, q) {
				match = append(match, row)
			}
		}
		what := fmt.Sprintf("query %d (zoom %d, bbox %v, props %v, ranges %v, interval %v)", i, zoom, q.BBox, q.Props, q.Ranges, q.Interval)
		checkClusters(t, ctx, ix, l, q, zoom, match, what)
		checkStats(t, ctx, ix, l, q, match, what)
		n, err := ix.Count(ctx, q)
		if err != nil || n != len(match) {
			t.Fatalf("%s: count %d (%v), want %d", what, n, err, len(match))
		}
	}
	t.Logf("plans: %v", plans)
	for _, ix := range []*Index{ix, listing} {
		if ix.stats == nil || len(ix.values) == 0 || len(ix.valueStatsOf) == 0 {
			t.Errorf("stats pyramid %v, %d value pyramids, %d value stats pyramids: each should be taken", ix.stats != nil, len(ix.values), len(ix.valueStatsOf))
		}
	}
	if spent.stats != nil || len(spent.values) > 0 || len(spent.valueStatsOf) > 0 {
		t.Errorf("an index past its budgets summed pyramids")
	}
	for _, plan := range []string{"layer-pyramid", "value-pyramids", "month-pyramids", "listed-category", "listed-actor", "listed-fatalities", "listed-place", "listed-datetime", "scan"} {
		if plans[plan] < 5 {
			t.Errorf("plan %s taken %d times of 900: %v", plan, plans[plan], plans)
		}
	}
}

func checkClusters(t *testing.T, ctx context.Context, ix *Index, l memLoader, q geodata.Query, zoom int, match []Row, what string) {
	t.Helper()
	got, err := ix.Clusters(ctx, q, zoom)
	if err != nil {
		t.Fatal(err)
	}
	catOf := map[int64][]string{}
	for _, row := range match {
		catOf[row.RID] = l.held("category", row.RID)
	}
	want := bruteClusters(match, catOf, geodata.CellDegrees(zoom))
	if len(got) != len(want) {
		t.Fatalf("%s: %d clusters, want %d", what, len(got), len(want))
	}
	for j, c := range got {
		w := want[j]
		if c.Cell != w.Cell || c.Count != w.Count || c.Bound != w.Bound || !sameCounts(c.Categories, w.Categories) ||
			math.Abs(c.Center[0]-w.Center[0]) > 1e-9 || math.Abs(c.Center[1]-w.Center[1]) > 1e-9 {
			t.Fatalf("%s: cluster %d = %+v, want %+v", what, j, c, w)
		}
	}
}

// bruteClusters is clusters of the matching rows by brute force.
func bruteClusters(rows []Row, catOf map[int64][]string, deg float64) []geodata.Cluster {
	byCell := map[[2]int]*geodata.Cluster{}
	sums := map[[2]int]orb.Point{}
	for _, row := range rows {
		c := row.Box.Center()
		cell := cellOf(c, deg)
		cl := byCell[cell]
		if cl == nil {
			cl = &geodata.Cluster{Cell: cell, Bound: row.Box, Categories: map[string]int{}}
			byCell[cell] = cl
		}
		cl.Count++
		cl.Bound = cl.Bound.Union(row.Box)
		for _, cat := range catOf[row.RID] {
			cl.Categories[cat]++
		}
		sums[cell] = orb.Point{sums[cell][0] + c[0], sums[cell][1] + c[1]}
	}
	out := make([]geodata.Cluster, 0, len(byCell))
	for cell, cl := range byCell {
		cl.Center = orb.Point{sums[cell][0] / float64(cl.Count), sums[cell][1] / float64(cl.Count)}
		out = append(out, *cl)
	}
	slices.SortFunc(out, func(a, b geodata.Cluster) int {
		if a.Cell[1] != b.Cell[1] {
			return a.Cell[1] - b.Cell[1]
		}
		return a.Cell[0] - b.Cell[0]
	})
	return out
}

func checkStats(t *testing.T, ctx context.Context, ix *Index, l memLoader, q geodata.Query, match []Row, what string) {
	t.Helper()
	got, err := ix.Stats(ctx, q)
	if err != nil {
		t.Fatal(err)
	}
	if got.Matched != len(match) {
		t.Fatalf("%s: stats matched %d, want %d", what, got.Matched, len(match))
	}
	months := map[string]int{}
	for _, row := range match {
		if row.Dated {
			months[time.Unix(row.Start, 0).UTC().Format("2006-01")]++
		}
	}
	if len(got.Months) != len(months) {
		t.Fatalf("%s: %d months, want %d", what, len(got.Months), len(months))
	}
	for _, mc := range got.Months {
		if months[mc.Month] != mc.Count {
			t.Fatalf("%s: month %s counts %d, want %d", what, mc.Month, mc.Count, months[mc.Month])
		}
	}
	for _, name := range bruteQueryables {
		want := map[string]int{}
		for _, row := range match {
			for _, v := range l.held(name, row.RID) {
				want[v]++
			}
		}
		gotName := map[string]int{}
		for _, vc := range got.Facets[name] {
			gotName[vc.Value] = vc.Count
		}
		if !sameCounts(gotName, want) {
			t.Fatalf("%s: facet %s = %v, want %v", what, name, gotName, want)
		}
	}
}

// Queries at once on a new index, each summing what it needs on first
// use while others read it, answer what the same queries answer one at a
// time on another.
func TestFirstUsesAtOnceAgree(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(7, 1))
	l := richLayer(r, 5000)
	type query struct {
		q    geodata.Query
		zoom int
	}
	var qs []query
	for range 64 {
		q, zoom := randomQuery(r, l)
		qs = append(qs, query{q, zoom})
	}
	answer := func(ix *Index, q query) string {
		cl, err := ix.Clusters(ctx, q.q, q.zoom)
		if err != nil {
			t.Error(err)
		}
		st, err := ix.Stats(ctx, q.q)
		if err != nil {
			t.Error(err)
		}
		return fmt.Sprintf("%v %v", cl, st)
	}
	one, err := Build(ctx, l, bruteQueryables)
	if err != nil {
		t.Fatal(err)
	}
	want := make([]string, len(qs))
	for i, q := range qs {
		want[i] = answer(one, q)
	}
	many, err := Build(ctx, l, bruteQueryables)
	if err != nil {
		t.Fatal(err)
	}
	got := make([]string, len(qs))
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := w; i < len(qs); i += 8 {
				got[i] = answer(many, qs[i])
			}
		})
	}
	wg.Wait()
	for i := range qs {
		if got[i] != want[i] {
			t.Errorf("query %d at once: %s, one at a time: %s", i, got[i], want[i])
		}
	}
}
