package agg

import (
	"context"
	"iter"
	"math"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// Clusters filtered by one queryable alone (category=attack, or
// confidence=confirmed,reported, or fatalities=5/..) sum, for the cells
// wholly inside the bbox, the pyramids of the values the filter chooses:
// one per (queryable, value), summed from the value's posting list the
// first time a query needs it. Summing several values' cells is exact
// only when no feature holds two of them, so a choice of several values
// of a queryable some feature holds several of is scanned instead.
const (
	// valuePyramidZoom is the deepest zoom of a value's pyramid. Past it
	// a screen is small enough to scan through the posting lists; at
	// zoom 6 a cell is 1.4 degrees, so a region of 40 by 25 degrees has
	// at most some 500 of them.
	valuePyramidZoom = 6
	// valueCellBudget bounds the cells of all value pyramids of an index
	// (each cell some 200 bytes with its map entry): about 13 MB. Past
	// it, filtered clusters are scanned.
	valueCellBudget = 1 << 16
	// valuePyramidMin is the fewest features a filter must choose (or a
	// 32nd of the layer, if fewer) for its values' pyramids to be summed:
	// fewer cost less to scan through their posting lists than the
	// pyramids' cells cost to keep.
	valuePyramidMin = 8192
)

// valueKey names one value of one queryable, or (name monthsKey) the
// month features start in.
type valueKey struct {
	name string
	code uint32
}

const monthsKey = "\x00month"

// clusterPlan is where clusters take the cells wholly inside a bbox (in)
// from: the sums of pys, and the features residual yields (those matching
// that pys do not hold; it may yield others, outside in, too).
type clusterPlan struct {
	pys      []pyramid
	in       interior
	residual func(ctx context.Context, fn func(p int32)) error
}

// clusterSource plans clusters of q at zoom; ok is false when every
// feature is to be scanned.
func (ix *Index) clusterSource(ctx context.Context, q geodata.Query, m *matcher, zoom int, cats *facet) (plan clusterPlan, ok bool, err error) {
	kind := ix.pyramidKind(q, m, zoom)
	if kind == scanAll {
		return plan, false, nil
	}
	plan.in = interiorOf(boxOf(q), geodata.CellDegrees(zoom))
	if plan.in.empty() {
		return plan, false, nil
	}
	add := func(py pyramid, err error) bool {
		plan.pys = append(plan.pys, py)
		return err == nil && py != nil
	}
	switch kind {
	case layerPyramid:
		return plan, add(ix.pyramid(ctx, cats)), err
	case monthPyramids:
		a, b := ix.wholeMonths(m.from, m.to)
		for ym := a; ym <= b; ym++ {
			if !add(ix.monthPyramid(ctx, ym, cats)) {
				return plan, false, ctx.Err()
			}
		}
		plan.residual = func(ctx context.Context, fn func(int32)) error { return m.eachOutside(ctx, a, b, fn) }
		return plan, true, nil
	}
	t := &m.props[0]
	for _, c := range t.codes {
		if !add(ix.valuePyramid(ctx, t.f, c, cats)) {
			return plan, false, ctx.Err()
		}
	}
	return plan, true, nil
}

// Kinds of pyramid a clusters query can take cells from.
const (
	scanAll = iota
	layerPyramid
	valuePyramids
	monthPyramids
)

// pyramidKind says which pyramids clusters of q at zoom may take cells
// from, before any is summed.
func (ix *Index) pyramidKind(q geodata.Query, m *matcher, zoom int) int {
	switch {
	case q.Interval != nil && (len(m.props) > 0 || zoom > valuePyramidZoom):
		return scanAll
	case q.Interval != nil:
		if m.times == nil {
			return scanAll
		}
		if a, b := ix.wholeMonths(m.from, m.to); a > b {
			return scanAll
		}
		return monthPyramids
	case len(m.props) == 0 && zoom <= pyramidZoom:
		return layerPyramid
	case len(m.props) != 1 || zoom > valuePyramidZoom || m.props[0].posted < min(valuePyramidMin, ix.Len()/32):
		return scanAll
	}
	if t := m.props[0]; len(t.codes) > 1 && len(t.f.multi) > 0 {
		return scanAll
	}
	return valuePyramids
}

// boxOf is q's bbox, or the whole world.
func boxOf(q geodata.Query) orb.Bound {
	if q.BBox != nil {
		return *q.BBox
	}
	return orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
}

// valuePyramid returns the pyramid of the features of f holding code,
// summing it on first use, or nil when the index's budget of value cells
// is spent.
func (ix *Index) valuePyramid(ctx context.Context, f *facet, code uint32, cats *facet) (pyramid, error) {
	return ix.cachedPyramid(ctx, valueKey{f.name, code}, cats, f.holding(code))
}

// monthPyramid returns the pyramid of the features starting in month ym,
// as valuePyramid.
func (ix *Index) monthPyramid(ctx context.Context, ym int32, cats *facet) (pyramid, error) {
	t := ix.times
	return ix.cachedPyramid(ctx, valueKey{monthsKey, uint32(ym)}, cats, func(yield func(int32) bool) {
		for _, p := range t.months[ym-ix.firstMonth] {
			if !yield(p) {
				return
			}
		}
		for _, p := range t.long {
			if ix.month[p] == ym && !yield(p) {
				return
			}
		}
	})
}

// cachedPyramid returns the pyramid of key, summing it from positions on
// first use, or nil when the budget of value cells is spent.
func (ix *Index) cachedPyramid(ctx context.Context, key valueKey, cats *facet, positions iter.Seq[int32]) (pyramid, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if py, ok := ix.values[key]; ok {
		return py, nil
	}
	if ix.valueCells >= valueCellBudget {
		return nil, nil
	}
	py, err := ix.sumPyramid(ctx, valuePyramidZoom, positions, cats)
	if err != nil {
		return nil, err
	}
	if ix.values == nil {
		ix.values = map[valueKey]pyramid{}
	}
	ix.values[key] = py
	ix.valueCells += py.cells()
	return py, nil
}

// wholeMonths returns the months [a, b] of the index that lie wholly
// inside [from, to] (none when a > b): every feature starting in one of
// them overlaps [from, to].
func (ix *Index) wholeMonths(from, to int64) (a, b int32) {
	a, b = ix.firstMonth, ix.lastMonth
	if from != math.MinInt64 {
		a = max(a, int32(monthOf(from-1))+1)
	}
	if to != math.MaxInt64 {
		b = min(b, int32(monthOf(to+1))-1)
	}
	return a, b
}

// eachOutside calls fn for each feature of m's bbox that matches m and
// does not start in the months [a, b], through the dates' lists or a
// scan, whichever costs less.
func (m *matcher) eachOutside(ctx context.Context, a, b int32, fn func(p int32)) error {
	ix := m.ix
	d := m.times.residual(ix, m.from, m.to, a, b)
	rs, n := ix.positions(m.bbox, m.bbox)
	if d.cost(rs, n, ix.Len(), ix.listedCost) < float64(n) {
		return m.eachListed(ctx, d, rs, fn)
	}
	return m.scan(ctx, rs, func(p int32) {
		if ix.month[p] < a || ix.month[p] > b {
			fn(p)
		}
	})
}
