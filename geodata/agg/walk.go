package agg

import (
	"cmp"
	"context"
	"slices"

	"github.com/casmap/casmap/geodata"
)

// Walker lists the features that match a query in rid order, a batch at a
// time, for a page whose area holds too many features to collect: each
// batch costs what it looks at, and a page stops looking at a budget.
type Walker struct {
	ix   *Index
	m    *matcher
	near *Near
}

// Walk prepares a walk over the features matching q (its bbox, interval,
// values and ranges; never its near) and passing near, when not nil.
func (ix *Index) Walk(ctx context.Context, q geodata.Query, near *Near) (*Walker, error) {
	q.Near = nil
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return nil, err
	}
	return &Walker{ix: ix, m: m, near: near}, nil
}

// Batch is what one step of a walk found.
type Batch struct {
	// Rids are the matches, ascending.
	Rids []int64
	// Reached is the rid the walk looked up to; Looked how many features
	// it looked at; End whether it reached the last feature.
	Reached int64
	Looked  int
	End     bool
}

// Next looks, in rid order from the first rid above after, for up to n
// matches, looking at no more than maxLook features.
func (w *Walker) Next(ctx context.Context, after int64, n, maxLook int) (Batch, error) {
	ix := w.ix
	i, _ := slices.BinarySearchFunc(ix.byRid, after+1, func(p int32, rid int64) int { return cmp.Compare(ix.rid[p], rid) })
	b := Batch{Reached: after}
	for ; i < len(ix.byRid) && len(b.Rids) < n && b.Looked < maxLook; i++ {
		if b.Looked++; b.Looked&4095 == 0 {
			if err := ctx.Err(); err != nil {
				return Batch{}, err
			}
		}
		p := ix.byRid[i]
		b.Reached = ix.rid[p]
		if w.m.match(p) && w.near.passes(ix.box[p]) {
			b.Rids = append(b.Rids, ix.rid[p])
		}
	}
	b.End = i == len(ix.byRid)
	return b, nil
}
