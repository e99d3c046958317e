package agg

import (
	"cmp"
	"context"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// Near is a proximity filter as a store hands it to the index: the
// target's boxes grown by the distance, and a test of a feature's box
// that measures a point exactly and keeps a shape for the store to
// measure from its geometry.
type Near struct {
	Boxes []orb.Bound
	Keep  func(orb.Bound) bool
}

// passes reports whether the feature at p is near, as far as the index
// can tell: nil passes everything.
func (n *Near) passes(b orb.Bound) bool {
	return n == nil || meetsAny(b, n.Boxes) && n.Keep(b)
}

// RidsNear returns, in no particular order (Smallest pages them), the
// rids of the features that match q (its bbox, interval, values and
// ranges; never its near) and pass near, and true; or false when the areas of near's boxes hold more than maxScan
// features.
func (ix *Index) RidsNear(ctx context.Context, q geodata.Query, near Near, maxScan int) ([]int64, bool, error) {
	var ranges []keyRange
	for _, b := range near.Boxes {
		if q.BBox != nil {
			var ok bool
			if b, ok = geodata.IntersectBounds(b, *q.BBox); !ok {
				continue
			}
		}
		ranges = append(ranges, ix.cover(&b, nil)...)
	}
	slices.SortFunc(ranges, func(a, b keyRange) int { return cmp.Compare(a.lo, b.lo) })
	ranges = mergeRanges(ranges)
	n := 0
	for _, r := range ranges {
		lo, _ := slices.BinarySearch(ix.key, r.lo)
		hi, _ := slices.BinarySearch(ix.key, r.hi)
		if n += hi - lo; n > maxScan {
			return nil, false, nil
		}
	}
	q.Near = nil
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return nil, false, err
	}
	var rids []int64
	seen := 0
	for _, r := range ranges {
		i, _ := slices.BinarySearch(ix.key, r.lo)
		for ; i < len(ix.key) && ix.key[i] < r.hi; i++ {
			if seen++; seen&4095 == 0 {
				if err := ctx.Err(); err != nil {
					return nil, false, err
				}
			}
			if p := int32(i); m.match(p) && near.passes(ix.box[p]) {
				rids = append(rids, ix.rid[p])
			}
		}
	}
	return rids, true, nil
}

// Points reports whether every feature of the index is a point (its box
// is the point), so that passing Near's Keep is the whole test.
func (ix *Index) Points() bool { return ix.span == orb.Point{} }

// meetsAny reports whether b meets one of boxes.
func meetsAny(b orb.Bound, boxes []orb.Bound) bool {
	for _, o := range boxes {
		if b.Max[0] >= o.Min[0] && b.Min[0] <= o.Max[0] && b.Max[1] >= o.Min[1] && b.Min[1] <= o.Max[1] {
			return true
		}
	}
	return false
}
