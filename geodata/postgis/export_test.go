package postgis

import (
	"context"
	"fmt"
	"slices"
	"strconv"
)

// SelectLayerAt is the page of a layer at a version, for the plan test.
const SelectLayerAt = selectLayerAt

// ValuesBothWays reads the values of queryable name of a layer in the one
// pass over all its queryables and by the grouped query of that one, each
// group as a line of its text, number and sorted rids, the lines sorted.
func ValuesBothWays(ctx context.Context, db *DB, layer string, queryables []string, name string) (onePass, grouped []string, err error) {
	l := &aggLoader{db: db, layer: layer, queryables: queryables}
	groups, _, ok, err := l.memo.take(ctx, name, queryables, l.readValues)
	if err != nil || !ok {
		return nil, nil, fmt.Errorf("one pass: kept %v, %v", ok, err)
	}
	for _, g := range groups {
		onePass = append(onePass, groupLine(g.text, g.num, g.rids))
	}
	_, err = l.valuesOf(ctx, name, func(text string, num *float64, rids []int64) error {
		grouped = append(grouped, groupLine(text, num, rids))
		return nil
	})
	slices.Sort(onePass)
	slices.Sort(grouped)
	return onePass, grouped, err
}

func groupLine(text string, num *float64, rids []int64) string {
	n := "-"
	if num != nil {
		n = strconv.FormatFloat(*num, 'g', -1, 64)
	}
	return fmt.Sprintf("%q %s %v", text, n, slices.Sorted(slices.Values(rids)))
}
