package agg

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// categoryProp is the property clusters count features by.
const categoryProp = "category"

// Clusters groups the features matching q (its bbox, interval and
// property filters, as the items API applies them) into the cells of a
// web-map zoom (geodata.CellDegrees), one Cluster per cell that holds any,
// ordered by row then column. A feature's cell is that of its box centre.
func (ix *Index) Clusters(ctx context.Context, q geodata.Query, zoom int) ([]geodata.Cluster, error) {
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return nil, err
	}
	var cats *facet
	if slices.Contains(ix.queryables, categoryProp) {
		if cats, err = ix.facet(ctx, categoryProp); err != nil {
			return nil, err
		}
	}
	deg := geodata.CellDegrees(zoom)
	cells := map[[2]int]*cellSum{}
	// The features of one cell of a zoom up to the key's are neighbours
	// in key order, so most features add to the cell the last one did,
	// without a lookup.
	shift := uint(2 * max(0, keyZoom-zoom))
	var last *cellSum
	lastKey := uint64(math.MaxUint64)
	add := func(p int32) {
		b := ix.box[p]
		c := b.Center()
		if zoom > keyZoom || ix.key[p]>>shift != lastKey {
			cell := cellOf(c, deg)
			last = cells[cell]
			if last == nil {
				last = newCellSum(cell, b, cats)
				cells[cell] = last
			}
			lastKey = ix.key[p] >> shift
		}
		last.add(p, b, c, cats)
	}
	plan, ok, err := ix.clusterSource(ctx, q, m, zoom, cats)
	switch {
	case err != nil:
	case ok:
		err = ix.fromPyramids(ctx, m, plan, boxOf(q), zoom, cells, add)
	default:
		err = m.each(ctx, add)
	}
	if err != nil {
		return nil, err
	}
	out := make([]geodata.Cluster, 0, len(cells))
	for _, s := range cells {
		s.c.Center = orb.Point{s.x / float64(s.c.Count), s.y / float64(s.c.Count)}
		s.c.Categories = map[string]int{}
		for code, n := range s.cats {
			if code > 0 && n > 0 {
				s.c.Categories[cats.dict[code-1].text] = n
			}
		}
		out = append(out, s.c)
	}
	slices.SortFunc(out, func(a, b geodata.Cluster) int {
		return cmp.Or(cmp.Compare(a.Cell[1], b.Cell[1]), cmp.Compare(a.Cell[0], b.Cell[0]))
	})
	return out, nil
}

// fromPyramids fills cells with the sums of the plan's cells inside its
// interior of bbox and the features its residual adds there, and adds
// the features of the rim around them one by one.
func (ix *Index) fromPyramids(ctx context.Context, m *matcher, plan clusterPlan, bbox orb.Bound, zoom int, cells map[[2]int]*cellSum, add func(int32)) error {
	in := plan.in
	for _, py := range plan.pys {
		for cell, s := range py[zoom] {
			if !in.holds(cell) {
				continue
			}
			if have := cells[cell]; have != nil {
				have.merge(s)
			} else {
				cells[cell] = s.clone(cell)
			}
		}
	}
	deg := geodata.CellDegrees(zoom)
	if plan.residual != nil {
		err := plan.residual(ctx, func(p int32) {
			if in.part(cellOf(ix.box[p].Center(), deg)) < 0 {
				add(p)
			}
		})
		if err != nil {
			return err
		}
	}
	for i, part := range in.rim(bbox, deg) {
		// Each feature of the rim is added by the one part its centre
		// belongs to.
		err := m.eachIn(ctx, &part, func(p int32) {
			if in.part(cellOf(ix.box[p].Center(), deg)) == i {
				add(p)
			}
		})
		if err != nil {
			return err
		}
	}
	return nil
}

// cellSum adds up the features of one cluster cell.
type cellSum struct {
	c    geodata.Cluster
	x, y float64
	cats []int
}

// add counts the feature at p, its box b and centre c.
func (s *cellSum) add(p int32, b orb.Bound, c orb.Point, cats *facet) {
	s.c.Count++
	s.x += c[0]
	s.y += c[1]
	if b.Min[0] < s.c.Bound.Min[0] || b.Min[1] < s.c.Bound.Min[1] || b.Max[0] > s.c.Bound.Max[0] || b.Max[1] > s.c.Bound.Max[1] {
		s.c.Bound = s.c.Bound.Union(b)
	}
	if cats != nil {
		cats.codes(p, func(code uint32) { s.cats[code]++ })
	}
}

// Count returns how many features match q.
func (ix *Index) Count(ctx context.Context, q geodata.Query) (int, error) {
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return 0, err
	}
	n := 0
	err = m.each(ctx, func(int32) { n++ })
	return n, err
}
