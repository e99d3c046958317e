package agg

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/casmap/casmap/geodata"
)

// Stats counts the features matching q by the value of each queryable and
// by the month their date starts in. With no filter but a bbox, the cells
// wholly inside it come from the stats pyramid.
func (ix *Index) Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error) {
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return geodata.Stats{}, err
	}
	facets := make([]*facet, len(ix.queryables))
	for i, name := range ix.queryables {
		if facets[i], err = ix.facet(ctx, name); err != nil {
			return geodata.Stats{}, err
		}
	}
	sps, err := ix.statsSource(ctx, q, m, facets)
	if err != nil {
		return geodata.Stats{}, err
	}
	var slots []uint32
	if sps != nil {
		slots, err = ix.statsOfBox(ctx, sps, m, boxOf(q), facets)
	} else {
		c := &statsCounter{ix: ix, sp: ix.statsShape(facets), facets: facets}
		c.slots = make([]uint32, c.sp.width)
		err = m.each(ctx, c.add)
		c.flush()
		slots = c.slots
	}
	if err != nil {
		return geodata.Stats{}, err
	}
	return ix.statsShape(facets).stats(slots, ix.queryables, facets), nil
}

// statsSource returns the stats pyramids statistics of q sum for the
// cells wholly inside its bbox: the layer's with no filter, the chosen
// values' with a filter by one queryable alone; or nil, to scan.
func (ix *Index) statsSource(ctx context.Context, q geodata.Query, m *matcher, facets []*facet) ([]*statsPyramid, error) {
	if q.Interval != nil {
		return nil, nil
	}
	if len(m.props) == 0 {
		sp, err := ix.statsPyramid(ctx, facets)
		if sp == nil || err != nil {
			return nil, err
		}
		return []*statsPyramid{sp}, nil
	}
	t := &m.props[0]
	if len(m.props) > 1 || len(t.codes) == 0 || t.posted < min(valuePyramidMin, ix.Len()/32) || len(t.codes) > 1 && len(t.f.multi) > 0 ||
		interiorOf(boxOf(q), geodata.CellDegrees(valueStatsZoom)).empty() {
		return nil, nil
	}
	var sps []*statsPyramid
	for _, c := range t.codes {
		sp, err := ix.valueStats(ctx, t.f, c, facets)
		if sp == nil || err != nil {
			return nil, err
		}
		sps = append(sps, sp)
	}
	return sps, nil
}

// statsCounter counts features into slots laid out as sp's a batch at a
// time, one column of the index after another.
type statsCounter struct {
	ix     *Index
	sp     *statsPyramid
	facets []*facet
	slots  []uint32
	batch  []int32
}

func (c *statsCounter) add(p int32) {
	if c.batch == nil {
		c.batch = make([]int32, 0, 4096)
	}
	if c.batch = append(c.batch, p); len(c.batch) == cap(c.batch) {
		c.flush()
	}
}

// flush counts the batch.
func (c *statsCounter) flush() {
	slots, batch := c.slots, c.batch
	slots[0] += uint32(len(batch))
	for i, f := range c.facets {
		row := slots[c.sp.offs[i]:]
		for _, p := range batch {
			if f.small != nil && f.small[p] != smallMulti {
				row[f.small[p]]++
				continue
			}
			f.codes(p, func(code uint32) { row[code]++ })
		}
	}
	if c.sp.months > 0 {
		months := slots[c.sp.width-c.sp.months:]
		for _, p := range batch {
			if c.ix.dated[p] {
				months[c.ix.month[p]-c.sp.firstMonth]++
			}
		}
	}
	c.batch = batch[:0]
}

// statsShape lays out the slots of statistics, without cells.
func (ix *Index) statsShape(facets []*facet) *statsPyramid {
	sp := &statsPyramid{width: 1}
	for _, f := range facets {
		sp.offs = append(sp.offs, sp.width)
		sp.width += len(f.dict) + 1
	}
	sp.firstMonth, sp.months = ix.firstMonth, int(ix.lastMonth-ix.firstMonth)+1
	sp.width += sp.months
	return sp
}

// stats reads counts laid out as sp's slots.
func (sp *statsPyramid) stats(slots []uint32, names []string, facets []*facet) geodata.Stats {
	st := geodata.Stats{Matched: int(slots[0]), Facets: map[string][]geodata.ValueCount{}}
	for i, name := range names {
		var vc []geodata.ValueCount
		for code, n := range slots[sp.offs[i]+1 : sp.offs[i]+len(facets[i].dict)+1] {
			if n > 0 {
				vc = append(vc, geodata.ValueCount{Value: facets[i].dict[code].text, Count: int(n)})
			}
		}
		slices.SortFunc(vc, func(a, b geodata.ValueCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		st.Facets[name] = vc
	}
	for i, n := range slots[sp.width-sp.months:] {
		if n > 0 {
			ym := int(sp.firstMonth) + i
			st.Months = append(st.Months, geodata.MonthCount{Month: fmt.Sprintf("%04d-%02d", ym/12, ym%12+1), Count: int(n)})
		}
	}
	return st
}
