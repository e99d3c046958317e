package agg

import (
	"cmp"
	"context"
	"fmt"
	"slices"

	"github.com/casmap/casmap/geodata"
)

// Stats counts the features matching q by the value of each queryable and
// by the month their date starts in.
func (ix *Index) Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error) {
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return geodata.Stats{}, err
	}
	facets := make([]*facet, len(ix.queryables))
	counts := make([][]int, len(ix.queryables))
	for i, name := range ix.queryables {
		if facets[i], err = ix.facet(ctx, name); err != nil {
			return geodata.Stats{}, err
		}
		counts[i] = make([]int, len(facets[i].dict)+1)
	}
	months := map[int32]int{}
	st := geodata.Stats{Facets: map[string][]geodata.ValueCount{}}
	err = m.each(ctx, func(p int32) {
		st.Matched++
		for i, f := range facets {
			f.codes(p, func(c uint32) { counts[i][c]++ })
		}
		if ix.dated[p] {
			months[ix.month[p]]++
		}
	})
	if err != nil {
		return geodata.Stats{}, err
	}
	for i, name := range ix.queryables {
		var vc []geodata.ValueCount
		for code, n := range counts[i] {
			if code > 0 && n > 0 {
				vc = append(vc, geodata.ValueCount{Value: facets[i].dict[code-1].text, Count: n})
			}
		}
		slices.SortFunc(vc, func(a, b geodata.ValueCount) int {
			return cmp.Or(cmp.Compare(b.Count, a.Count), cmp.Compare(a.Value, b.Value))
		})
		st.Facets[name] = vc
	}
	for ym, n := range months {
		st.Months = append(st.Months, geodata.MonthCount{Month: fmt.Sprintf("%04d-%02d", ym/12, ym%12+1), Count: n})
	}
	slices.SortFunc(st.Months, func(a, b geodata.MonthCount) int { return cmp.Compare(a.Month, b.Month) })
	return st, nil
}
