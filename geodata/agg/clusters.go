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
	err = m.each(ctx, func(p int32) {
		b := ix.box[p]
		c := b.Center()
		if zoom > keyZoom || ix.key[p]>>shift != lastKey {
			cell := [2]int{int(math.Max(0, c[0]+180) / deg), int(math.Max(0, c[1]+90) / deg)}
			last = cells[cell]
			if last == nil {
				last = &cellSum{c: geodata.Cluster{Cell: cell, Bound: b}}
				if cats != nil {
					last.cats = make([]int, len(cats.dict)+1)
				}
				cells[cell] = last
			}
			lastKey = ix.key[p] >> shift
		}
		last.add(p, b, c, cats)
	})
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
