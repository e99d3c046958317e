package agg

import (
	"context"
	"iter"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// Statistics of a bbox alone add up, for the cells wholly inside it, the
// counts of a statsPyramid: per cell of one zoom, how many features it
// holds, how many hold each value of each queryable, and how many start in
// each month; only the features of the rim are counted one by one.

// statsBudget bounds a stats pyramid's counts (4 bytes each): 16 MB. The
// pyramid takes the deepest zoom up to pyramidZoom whose cells fit.
const statsBudget = 1 << 22

// statsPyramid holds its counts by row (cell), slot by slot: slot 0 the
// features, then each queryable's codes from offs[i] (code 0, none, too),
// then the months from firstMonth.
type statsPyramid struct {
	zoom       int
	cells      [][2]int
	width      int
	offs       []int
	months     int
	firstMonth int32
	counts     []uint32
}

// statsPyramid returns the index's stats pyramid, counting it on first
// use, or nil when no zoom's cells fit statsBudget. facets are the values
// of every queryable, in order.
func (ix *Index) statsPyramid(ctx context.Context, facets []*facet) (*statsPyramid, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.stats != nil || ix.noStats {
		return ix.stats, nil
	}
	sp := ix.statsShape(facets)
	if !sp.chooseZoom(ix) {
		ix.noStats = true
		return nil, nil
	}
	if err := sp.count(ctx, ix, facets, ix.all()); err != nil {
		return nil, err
	}
	ix.stats = sp
	return sp, nil
}

// all yields every position.
func (ix *Index) all() iter.Seq[int32] {
	return func(yield func(int32) bool) {
		for p := range int32(len(ix.key)) {
			if !yield(p) {
				return
			}
		}
	}
}

// Statistics filtered by one queryable alone add, for the cells wholly
// inside the bbox, stats pyramids of the values chosen (as clusters do,
// values.go), at valueStatsZoom, up to valueStatsBudget counts in all.
const (
	// valueStatsZoom: a cell is 2.8 degrees, so a region of 40 by 25
	// degrees has at most some 150, and the rim of a screen at zoom 5 or
	// less is a small part of it; larger zooms are scanned.
	valueStatsZoom   = 5
	valueStatsBudget = 1 << 20
)

// valueStats returns the stats pyramid of the features of f holding
// code, counting it on first use, or nil when the budget is spent.
func (ix *Index) valueStats(ctx context.Context, f *facet, code uint32, facets []*facet) (*statsPyramid, error) {
	key := valueKey{f.name, code}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if sp, ok := ix.valueStatsOf[key]; ok {
		return sp, nil
	}
	if ix.valueStatsCounts >= valueStatsBudget {
		return nil, nil
	}
	sp := ix.statsShape(facets)
	sp.zoom = valueStatsZoom
	if err := sp.count(ctx, ix, facets, f.holding(code)); err != nil {
		return nil, err
	}
	if ix.valueStatsOf == nil {
		ix.valueStatsOf = map[valueKey]*statsPyramid{}
	}
	ix.valueStatsOf[key] = sp
	ix.valueStatsCounts += len(sp.counts)
	return sp, nil
}

// chooseZoom picks the deepest zoom whose cells fit the budget and lists
// them.
func (sp *statsPyramid) chooseZoom(ix *Index) bool {
	for z := pyramidZoom; z >= 0; z-- {
		shift := uint(2 * (keyZoom - z))
		n := 0
		for p := range ix.key {
			if p == 0 || ix.key[p]>>shift != ix.key[p-1]>>shift {
				n++
			}
		}
		// A key cell is one cluster cell, but cells of centres clamped
		// at the edge of the world may share one: n is at most a few
		// too many.
		if n*sp.width <= statsBudget {
			sp.zoom = z
			return true
		}
	}
	return false
}

// count adds each feature at positions to the row of its cell.
func (sp *statsPyramid) count(ctx context.Context, ix *Index, facets []*facet, positions iter.Seq[int32]) error {
	deg := geodata.CellDegrees(sp.zoom)
	rows := map[[2]int]int{}
	row, n := -1, 0
	for p := range positions {
		if n++; n&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return err
			}
		}
		cell := cellOf(ix.box[p].Center(), deg)
		if row < 0 || sp.cells[row] != cell {
			r, ok := rows[cell]
			if !ok {
				r = len(sp.cells)
				rows[cell] = r
				sp.cells = append(sp.cells, cell)
				sp.counts = append(sp.counts, make([]uint32, sp.width)...)
			}
			row = r
		}
		sp.add(sp.counts[row*sp.width:(row+1)*sp.width], ix, facets, p)
	}
	return ctx.Err()
}

// add counts the feature at p into one row's slots.
func (sp *statsPyramid) add(slots []uint32, ix *Index, facets []*facet, p int32) {
	slots[0]++
	for i, f := range facets {
		f.codes(p, func(c uint32) { slots[sp.offs[i]+int(c)]++ })
	}
	if ix.dated[p] {
		slots[sp.width-sp.months+int(ix.month[p]-sp.firstMonth)]++
	}
}

// sumInto adds the rows of the cells inside in to tot.
func (sp *statsPyramid) sumInto(tot []uint32, in interior) {
	for r, cell := range sp.cells {
		if in.holds(cell) {
			for i, n := range sp.counts[r*sp.width : (r+1)*sp.width] {
				tot[i] += n
			}
		}
	}
}

// statsOfBox counts the features matching m in bbox into a row of slots:
// the interior's cells from sps (of one zoom and layout), summed, the
// rim's features one by one.
func (ix *Index) statsOfBox(ctx context.Context, sps []*statsPyramid, m *matcher, bbox orb.Bound, facets []*facet) ([]uint32, error) {
	sp := sps[0]
	c := &statsCounter{ix: ix, sp: sp, facets: facets, slots: make([]uint32, sp.width)}
	deg := geodata.CellDegrees(sp.zoom)
	in := interiorOf(bbox, deg)
	if in.empty() {
		err := m.each(ctx, c.add)
		c.flush()
		return c.slots, err
	}
	for _, sp := range sps {
		sp.sumInto(c.slots, in)
	}
	for i, part := range in.rim(bbox, deg) {
		err := m.eachIn(ctx, &part, func(p int32) {
			if in.part(cellOf(ix.box[p].Center(), deg)) == i {
				c.add(p)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	c.flush()
	return c.slots, nil
}
