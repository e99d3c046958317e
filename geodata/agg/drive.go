package agg

import (
	"context"
	"math"
	"slices"

	"github.com/paulmach/orb"
)

// A filtered query need not look at every feature of its area: the
// features holding each value of a queryable are listed in key order
// (facet.post), and so are the dated features starting in each month
// (timeOrder). matcher.cheapest picks, for an area, whichever lists of
// one filter hold fewest features; each feature they yield is still
// tested against all of the query's filters.

// posRange is the positions [lo, hi) of the index; inside says their
// features lie wholly inside the bbox they were found for.
type posRange struct {
	lo, hi int32
	inside bool
}

// positions returns the positions of the features whose box may meet area
// (all when area is nil), ascending, and how many they are, marking those
// wholly inside within (see cover).
func (ix *Index) positions(area, within *orb.Bound) ([]posRange, int) {
	var rs []posRange
	n := 0
	for _, r := range ix.cover(area, within) {
		lo, _ := slices.BinarySearch(ix.key, r.lo)
		hi, _ := slices.BinarySearch(ix.key, r.hi)
		if hi > lo {
			rs = append(rs, posRange{int32(lo), int32(hi), r.inside})
			n += hi - lo
		}
	}
	return rs, n
}

// driver is the lists of positions, each ascending, that hold every
// feature matching one filter. A feature in several of them is yielded
// from the first only: skip(p, i) says it is not its list i.
type driver struct {
	name  string
	lists [][]int32
	n     int
	skip  func(p int32, i int) bool
}

// cost is about what finding matches among the n features of rs through
// d costs, in features scanned. The listed features are taken to lie in
// the area as densely as anywhere else; one costs about what the scan of
// the features between it and the last costs, up to listed when they lie
// far apart (each then misses the processor's caches); and each list costs
// a binary search per range.
func (d driver) cost(rs []posRange, n, total int, listed float64) float64 {
	c := float64(len(rs)*len(d.lists)) * 8
	for _, list := range d.lists {
		c += float64(n) * min(1, listed*float64(len(list))/float64(max(1, total)))
	}
	return c
}

// listedCost is what a feature taken from a sparse list costs against one
// scanned in order, as measured at a million features.
const listedCost = 16

// cheapest returns the driver that finds the matches among the n features
// of rs for least, or false when scanning rs costs less.
func (m *matcher) cheapest(rs []posRange, n int) (driver, bool) {
	var best driver
	cost := float64(n)
	try := func(d driver) {
		if c := d.cost(rs, n, m.ix.Len(), m.ix.listedCost); c < cost {
			best, cost = d, c
		}
	}
	for i := range m.props {
		if d, ok := m.props[i].driver(); ok {
			try(d)
		}
	}
	if m.times != nil {
		try(m.times.driver(m.ix, m.from, m.to))
	}
	return best, best.lists != nil
}

// driver lists the features holding t's codes, or false when a code is
// held by too many to be listed.
func (t *facetTest) driver() (driver, bool) {
	d := driver{name: t.f.name, n: t.posted}
	for _, c := range t.codes {
		if t.f.post[c] == nil && t.f.count[c] > 0 {
			return driver{}, false
		}
		d.lists = append(d.lists, t.f.post[c])
	}
	if len(t.codes) > 1 && len(t.f.multi) > 0 {
		d.skip = func(p int32, i int) bool { return t.f.at(p) == multiCode && t.f.first(p, t.ok) != t.codes[i] }
	}
	return d, true
}

// eachListed calls fn for each feature of rs listed by d that matches m,
// once each.
func (m *matcher) eachListed(ctx context.Context, d driver, rs []posRange, fn func(p int32)) error {
	seen := 0
	for li, list := range d.lists {
		i := 0
		for _, r := range rs {
			j, _ := slices.BinarySearch(list[i:], r.lo)
			for i += j; i < len(list) && list[i] < r.hi; i++ {
				if seen++; seen&4095 == 0 {
					if err := ctx.Err(); err != nil {
						return err
					}
				}
				p := list[i]
				if d.skip != nil && d.skip(p, li) {
					continue
				}
				if m.match(p) {
					fn(p)
				}
			}
		}
	}
	return nil
}

// shortSpan is the longest span (32 days, in seconds) of a feature listed
// by the month it starts in; longer ones are listed apart.
const shortSpan = 32 * 86400

// timeOrder lists the dated features in key order: those of a short span
// by the month they start in (from the index's firstMonth), the rest
// together.
type timeOrder struct {
	months [][]int32
	long   []int32
}

// timeOrder returns the index's dated features by month, listing them on
// first use.
func (ix *Index) timeOrder(ctx context.Context) (*timeOrder, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.times != nil {
		return ix.times, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	t := &timeOrder{months: make([][]int32, max(0, ix.lastMonth-ix.firstMonth+1))}
	for p, d := range ix.dated {
		switch {
		case !d:
		case ix.end[p]-ix.start[p] > shortSpan:
			t.long = append(t.long, int32(p))
		default:
			i := ix.month[p] - ix.firstMonth
			t.months[i] = append(t.months[i], int32(p))
		}
	}
	ix.times = t
	return t, nil
}

// driver lists the dated features that may overlap [from, to]: the long
// ones, and the short ones that start from shortSpan before from to to.
func (t *timeOrder) driver(ix *Index, from, to int64) driver {
	lo, hi := 0, len(t.months)
	if from != math.MinInt64 {
		lo = max(lo, monthOf(from-shortSpan)-int(ix.firstMonth))
	}
	if to != math.MaxInt64 {
		hi = min(hi, monthOf(to)-int(ix.firstMonth)+1)
	}
	d := driver{name: "datetime", lists: [][]int32{t.long}, n: len(t.long)}
	for _, list := range t.months[max(0, lo):max(0, lo, hi)] {
		if len(list) > 0 {
			d.lists = append(d.lists, list)
			d.n += len(list)
		}
	}
	return d
}

// residual is driver without the months [a, b], whose features the
// caller has counted already.
func (t *timeOrder) residual(ix *Index, from, to int64, a, b int32) driver {
	d := t.driver(ix, from, to)
	lists := d.lists[:1]
	d.n = len(t.long)
	for _, list := range d.lists[1:] {
		if ym := ix.month[list[0]]; ym < a || ym > b {
			lists = append(lists, list)
			d.n += len(list)
		}
	}
	d.lists = lists
	d.skip = func(p int32, i int) bool { return i == 0 && ix.month[p] >= a && ix.month[p] <= b }
	return d
}
