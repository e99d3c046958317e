package agg

import (
	"context"

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
	if err := sp.count(ctx, ix, facets); err != nil {
		return nil, err
	}
	ix.stats = sp
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

// count adds every feature to the row of its cell.
func (sp *statsPyramid) count(ctx context.Context, ix *Index, facets []*facet) error {
	deg := geodata.CellDegrees(sp.zoom)
	rows := map[[2]int]int{}
	row := -1
	for p := range ix.key {
		if p&4095 == 0 {
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
		sp.add(sp.counts[row*sp.width:(row+1)*sp.width], ix, facets, int32(p))
	}
	return nil
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

// sum adds up the rows of the cells inside in.
func (sp *statsPyramid) sum(in interior) []uint32 {
	tot := make([]uint32, sp.width)
	for r, cell := range sp.cells {
		if in.holds(cell) {
			for i, n := range sp.counts[r*sp.width : (r+1)*sp.width] {
				tot[i] += n
			}
		}
	}
	return tot
}

// statsOfBox counts the features meeting bbox into a row of slots: the
// interior's cells from sp, the rim's features one by one through m.
func (ix *Index) statsOfBox(ctx context.Context, sp *statsPyramid, m *matcher, bbox orb.Bound, facets []*facet) ([]uint32, error) {
	deg := geodata.CellDegrees(sp.zoom)
	in := interiorOf(bbox, deg)
	if in.empty() {
		tot := make([]uint32, sp.width)
		err := m.each(ctx, func(p int32) { sp.add(tot, ix, facets, p) })
		return tot, err
	}
	tot := sp.sum(in)
	for i, part := range in.rim(bbox, deg) {
		err := m.eachIn(ctx, &part, func(p int32) {
			if in.part(cellOf(ix.box[p].Center(), deg)) == i {
				sp.add(tot, ix, facets, p)
			}
		})
		if err != nil {
			return nil, err
		}
	}
	return tot, nil
}
