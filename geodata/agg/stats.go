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
	var sp *statsPyramid
	if q.Interval == nil && len(m.props) == 0 {
		if sp, err = ix.statsPyramid(ctx, facets); err != nil {
			return geodata.Stats{}, err
		}
	}
	var slots []uint32
	if sp != nil {
		slots, err = ix.statsOfBox(ctx, sp, m, boxOf(q), facets)
	} else {
		sp = ix.statsShape(facets)
		slots = make([]uint32, sp.width)
		err = m.each(ctx, func(p int32) { sp.add(slots, ix, facets, p) })
	}
	if err != nil {
		return geodata.Stats{}, err
	}
	return sp.stats(slots, ix.queryables, facets), nil
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
