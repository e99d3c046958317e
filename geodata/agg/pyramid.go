package agg

import (
	"cmp"
	"context"
	"iter"
	"maps"
	"math"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// pyramidZoom is the deepest zoom whose cells the index sums ahead, for
// clusters with no filter but a bbox: at zoom 8 a cell is 0.35 degrees,
// so a region of 40 by 25 degrees has at most some 8,000 of them.
const pyramidZoom = 8

// pyramid is the clusters of some features (the whole layer's, or those
// holding one value) at each zoom from 0 to its depth, by cell: a screen
// at a low zoom takes the cells that lie wholly inside its bbox from here
// and scans only the features of its rim.
type pyramid []map[[2]int]*cellSum

// pyramid returns the index's pyramid, summing it on first use.
func (ix *Index) pyramid(ctx context.Context, cats *facet) (pyramid, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.pyr != nil {
		return ix.pyr, nil
	}
	py, err := ix.sumPyramid(ctx, pyramidZoom, func(yield func(int32) bool) {
		for p := range ix.rid {
			if !yield(int32(p)) {
				return
			}
		}
	}, cats)
	if err != nil {
		return nil, err
	}
	ix.pyr = py
	return py, nil
}

// sumPyramid sums the features at positions into the cells of zooms 0 to
// depth.
func (ix *Index) sumPyramid(ctx context.Context, depth int, positions iter.Seq[int32], cats *facet) (pyramid, error) {
	py := make(pyramid, depth+1)
	deep := map[[2]int]*cellSum{}
	deg := geodata.CellDegrees(depth)
	n := 0
	// Features in key order fall mostly in the cell the last one did.
	shift := uint(2 * (keyZoom - depth))
	var s *cellSum
	lastKey := uint64(math.MaxUint64)
	for p := range positions {
		if n++; n&4095 == 0 && ctx.Err() != nil {
			break
		}
		b := ix.box[p]
		c := b.Center()
		if ix.key[p]>>shift != lastKey {
			cell := cellOf(c, deg)
			if s = deep[cell]; s == nil {
				s = newCellSum(cell, b, cats)
				deep[cell] = s
			}
			lastKey = ix.key[p] >> shift
		}
		s.add(p, b, c, cats)
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	py[depth] = deep
	// A cell of zoom z-1 is four of zoom z: degrees double from the same
	// origin, so the parent of column c is c/2.
	// Children are merged in order of their cells, so that the sums of
	// every build round alike.
	for z := depth - 1; z >= 0; z-- {
		up := map[[2]int]*cellSum{}
		for _, cell := range slices.SortedFunc(maps.Keys(py[z+1]), compareCells) {
			s := py[z+1][cell]
			parent := [2]int{cell[0] / 2, cell[1] / 2}
			if u := up[parent]; u != nil {
				u.merge(s)
			} else {
				up[parent] = s.clone(parent)
			}
		}
		py[z] = up
	}
	return py, nil
}

func compareCells(a, b [2]int) int {
	return cmp.Or(cmp.Compare(a[1], b[1]), cmp.Compare(a[0], b[0]))
}

// cells is how many cells py holds at all its zooms.
func (py pyramid) cells() int {
	n := 0
	for _, level := range py {
		n += len(level)
	}
	return n
}

// cellOf returns the cluster cell of centre c for cells of deg degrees.
func cellOf(c orb.Point, deg float64) [2]int {
	return [2]int{int(math.Max(0, c[0]+180) / deg), int(math.Max(0, c[1]+90) / deg)}
}

func newCellSum(cell [2]int, b orb.Bound, cats *facet) *cellSum {
	s := &cellSum{c: geodata.Cluster{Cell: cell, Bound: b}}
	if cats != nil {
		s.cats = make([]int, len(cats.dict)+1)
	}
	return s
}

// merge adds the sums of o.
func (s *cellSum) merge(o *cellSum) {
	s.c.Count += o.c.Count
	s.x += o.x
	s.y += o.y
	s.c.Bound = s.c.Bound.Union(o.c.Bound)
	for i, n := range o.cats {
		s.cats[i] += n
	}
}

// clone copies s as the sums of cell.
func (s *cellSum) clone(cell [2]int) *cellSum {
	c := *s
	c.c.Cell = cell
	c.cats = append([]int(nil), s.cats...)
	return &c
}

// interior is the cells of a zoom that lie wholly inside a bbox: columns
// c0 to c1 and rows r0 to r1, none when c0 > c1 or r0 > r1.
type interior struct{ c0, c1, r0, r1 int }

func interiorOf(b orb.Bound, deg float64) interior {
	return interior{
		c0: int(math.Ceil((b.Min[0] + 180) / deg)), c1: int(math.Floor((b.Max[0]+180)/deg)) - 1,
		r0: int(math.Ceil((b.Min[1] + 90) / deg)), r1: int(math.Floor((b.Max[1]+90)/deg)) - 1,
	}
}

func (in interior) empty() bool { return in.c0 > in.c1 || in.r0 > in.r1 }

func (in interior) holds(cell [2]int) bool {
	return cell[0] >= in.c0 && cell[0] <= in.c1 && cell[1] >= in.r0 && cell[1] <= in.r1
}

// rim returns the parts of b outside the interior's cells, each widened
// by a little so that no centre on a cell's edge falls between them.
func (in interior) rim(b orb.Bound, deg float64) []orb.Bound {
	eps := deg * 1e-6
	x0, x1 := float64(in.c0)*deg-180, float64(in.c1+1)*deg-180
	y0, y1 := float64(in.r0)*deg-90, float64(in.r1+1)*deg-90
	return []orb.Bound{
		{Min: b.Min, Max: orb.Point{x0 + eps, b.Max[1]}},
		{Min: orb.Point{x1 - eps, b.Min[1]}, Max: b.Max},
		{Min: orb.Point{x0 - eps, b.Min[1]}, Max: orb.Point{x1 + eps, y0 + eps}},
		{Min: orb.Point{x0 - eps, y1 - eps}, Max: orb.Point{x1 + eps, b.Max[1]}},
	}
}

// part says which part of the rim a cell belongs to, in the order of rim,
// or -1 for a cell of the interior.
func (in interior) part(cell [2]int) int {
	switch {
	case cell[0] < in.c0:
		return 0
	case cell[0] > in.c1:
		return 1
	case cell[1] < in.r0:
		return 2
	case cell[1] > in.r1:
		return 3
	}
	return -1
}
