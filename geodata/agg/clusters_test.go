package agg

import (
	"context"
	"math"
	"math/rand/v2"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// rowsLoader serves rows and one queryable, category, from memory.
type rowsLoader struct {
	rows []Row
	cats map[string][]int64
}

func (l rowsLoader) Rows(_ context.Context, yield func(Row) error) (int64, error) {
	for _, r := range l.rows {
		if err := yield(r); err != nil {
			return 0, err
		}
	}
	return 1, nil
}

func (l rowsLoader) Values(_ context.Context, name string, yield func(string, *float64, []int64) error) (int64, error) {
	if name == categoryProp {
		for _, text := range sortedNames(l.cats) {
			if err := yield(text, nil, l.cats[text]); err != nil {
				return 0, err
			}
		}
	}
	return 1, nil
}

// randomLayer makes n features, most of them points bunched around a few
// towns, some boxes, with a category each.
func randomLayer(r *rand.Rand, n int) rowsLoader {
	l := rowsLoader{cats: map[string][]int64{}}
	towns := []orb.Point{{69.17, 34.53}, {62.2, 34.35}, {68.78, 38.56}, {65.7, 31.6}}
	names := []string{"attack", "plot", "unrest"}
	for i := range n {
		t := towns[r.IntN(len(towns))]
		c := orb.Point{t[0] + r.NormFloat64()*2, t[1] + r.NormFloat64()*1.5}
		b := orb.Bound{Min: c, Max: c}
		if i%10 == 0 {
			b.Max = orb.Point{c[0] + r.Float64(), c[1] + r.Float64()*0.5}
		}
		rid := int64(i + 1)
		l.rows = append(l.rows, Row{RID: rid, Box: b})
		cat := names[r.IntN(len(names))]
		l.cats[cat] = append(l.cats[cat], rid)
	}
	return l
}

// Clusters of a bbox alone, whether its cells come from the pyramid or
// from the features, are what counting every feature meeting the bbox
// by the cell of its centre gives.
func TestClustersMatchACountOfEveryFeature(t *testing.T) {
	ctx := context.Background()
	r := rand.New(rand.NewPCG(3, 8))
	l := randomLayer(r, 5000)
	ix, err := Build(ctx, l, []string{categoryProp})
	if err != nil {
		t.Fatal(err)
	}
	catOf := map[int64][]string{}
	for name, rids := range l.cats {
		for _, rid := range rids {
			catOf[rid] = append(catOf[rid], name)
		}
	}
	fromPyramid := 0
	for i := range 300 {
		zoom := r.IntN(11)
		w := r.Float64() * 40 / float64(int(1)<<(zoom/2))
		x, y := 58+r.Float64()*20, 28+r.Float64()*14
		bbox := orb.Bound{Min: orb.Point{x - w, y - w/2}, Max: orb.Point{x + w, y + w/2}}
		q := geodata.Query{Layer: "incidents", BBox: &bbox}
		if planOf(t, ix, q, zoom) == "layer-pyramid" {
			fromPyramid++
		}
		got, err := ix.Clusters(ctx, q, zoom)
		if err != nil {
			t.Fatal(err)
		}
		var meeting []Row
		for _, row := range l.rows {
			if row.Box.Intersects(bbox) {
				meeting = append(meeting, row)
			}
		}
		want := bruteClusters(meeting, catOf, geodata.CellDegrees(zoom))
		if len(got) != len(want) {
			t.Fatalf("query %d (zoom %d, bbox %v): %d clusters, want %d", i, zoom, bbox, len(got), len(want))
		}
		for j, c := range got {
			w := want[j]
			if c.Cell != w.Cell || c.Count != w.Count || c.Bound != w.Bound || !sameCounts(c.Categories, w.Categories) ||
				math.Abs(c.Center[0]-w.Center[0]) > 1e-9 || math.Abs(c.Center[1]-w.Center[1]) > 1e-9 {
				t.Fatalf("query %d (zoom %d, bbox %v): cluster %d = %+v, want %+v", i, zoom, bbox, j, c, w)
			}
		}
	}
	if fromPyramid < 50 {
		t.Errorf("only %d of 300 queries took cells from the pyramid", fromPyramid)
	}
}

func sameCounts(a, b map[string]int) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if b[k] != v {
			return false
		}
	}
	return true
}
