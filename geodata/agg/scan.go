package agg

import (
	"cmp"
	"context"
	"math"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// The index orders features by the Morton key of the zoom-16 cluster cell
// (90/2^16 degrees a side, from -180/-90) of their box centre: every cell
// of any zoom up to 16 is then one range of keys, so the features of an
// area are a few ranges of the index, found by binary search.
const (
	keyZoom = 16
	keyDeg  = 90.0 / (1 << keyZoom)
	// maxRanges bounds the ranges an area is covered with; a coarser
	// cover only means a few more features checked against the bbox.
	maxRanges = 256
)

// keyOf returns the key of centre c.
func keyOf(c orb.Point) uint64 {
	return morton(cellNum(c[0]+180, keyDeg, 1<<(keyZoom+2)), cellNum(c[1]+90, keyDeg, 1<<(keyZoom+1)))
}

// cellNum is the number of the cell of size deg an offset from -180 or -90
// falls in, clamped to [0, n).
func cellNum(offset, deg float64, n uint64) uint64 {
	if !(offset > 0) {
		return 0
	}
	c := uint64(offset / deg)
	return min(c, n-1)
}

// morton interleaves the bits of x and y, x's at even positions.
func morton(x, y uint64) uint64 {
	var k uint64
	for i := range 32 {
		k |= (x>>i&1)<<(2*i) | (y>>i&1)<<(2*i+1)
	}
	return k
}

// keyRange is the keys [lo, hi). inside says every feature of theirs lies
// wholly inside the bbox the range was found for.
type keyRange struct {
	lo, hi uint64
	inside bool
}

// cover returns key ranges, ascending and disjoint, that hold every
// feature whose box may meet area (every feature when area is nil),
// marking those wholly inside within (all, when within is nil).
func (ix *Index) cover(area, within *orb.Bound) []keyRange {
	if area == nil {
		return []keyRange{{0, math.MaxUint64, within == nil}}
	}
	wide := orb.Bound{
		Min: orb.Point{area.Min[0] - ix.span[0]/2, area.Min[1] - ix.span[1]/2},
		Max: orb.Point{area.Max[0] + ix.span[0]/2, area.Max[1] + ix.span[1]/2},
	}
	for z := keyZoom; ; z-- {
		deg := keyDeg * float64(uint64(1)<<(keyZoom-z))
		cols, rows := uint64(1)<<(z+2), uint64(1)<<(z+1)
		c0, c1 := cellNum(wide.Min[0]+180, deg, cols), cellNum(wide.Max[0]+180, deg, cols)
		r0, r1 := cellNum(wide.Min[1]+90, deg, rows), cellNum(wide.Max[1]+90, deg, rows)
		if (c1-c0+1)*(r1-r0+1) > maxRanges && z > 0 {
			continue
		}
		shift := 2 * uint(keyZoom-z)
		var out []keyRange
		for r := r0; r <= r1; r++ {
			for c := c0; c <= c1; c++ {
				k := morton(c, r)
				in := within == nil || c > 0 && r > 0 && c < cols-1 && r < rows-1 && ix.boxesInside(c, r, deg, *within)
				out = append(out, keyRange{k << shift, (k + 1) << shift, in})
			}
		}
		slices.SortFunc(out, func(a, b keyRange) int { return cmp.Compare(a.lo, b.lo) })
		return mergeRanges(out)
	}
}

// boxesInside reports whether the box of every feature whose centre lies
// in the cell (c, r) of deg degrees lies inside b: the cell grown by half
// the largest box (and a little, for rounding) does.
func (ix *Index) boxesInside(c, r uint64, deg float64, b orb.Bound) bool {
	mx, my := ix.span[0]/2+deg*1e-6, ix.span[1]/2+deg*1e-6
	x0, y0 := float64(c)*deg-180, float64(r)*deg-90
	return x0-mx >= b.Min[0] && x0+deg+mx <= b.Max[0] && y0-my >= b.Min[1] && y0+deg+my <= b.Max[1]
}

// mergeRanges joins ranges, sorted by lo, that overlap (inside when both
// are), or that touch and agree on inside.
func mergeRanges(rs []keyRange) []keyRange {
	out := rs[:0]
	for _, r := range rs {
		if n := len(out); n > 0 && (out[n-1].hi > r.lo || out[n-1].hi == r.lo && out[n-1].inside == r.inside) {
			out[n-1].hi = max(out[n-1].hi, r.hi)
			out[n-1].inside = out[n-1].inside && r.inside
			continue
		}
		out = append(out, r)
	}
	return out
}

// matcher tests features against a query's filters.
type matcher struct {
	ix    *Index
	bbox  *orb.Bound
	iv    *geodata.Interval
	from  int64
	to    int64
	props []facetTest
	// times lists dated features by start when iv bounds a side.
	times *timeOrder
}

// facetTest passes a feature when one of its value codes is in ok.
type facetTest struct {
	f     *facet
	ok    []bool   // by code
	bit   []uint8  // ok as 0 or 1
	codes []uint32 // the codes ok holds
	// posted is how many features the codes' posting lists hold.
	posted int
}

func newFacetTest(f *facet, ok []bool) facetTest {
	t := facetTest{f: f, ok: ok, bit: make([]uint8, len(ok))}
	for c, yes := range ok {
		if yes {
			t.bit[c] = 1
			t.codes = append(t.codes, uint32(c))
			t.posted += f.count[c]
		}
	}
	return t
}

// newMatcher compiles q for the index, loading the values it filters on.
func (ix *Index) newMatcher(ctx context.Context, q geodata.Query) (*matcher, error) {
	if err := checkQuery(q); err != nil {
		return nil, err
	}
	m := &matcher{ix: ix, bbox: q.BBox, iv: q.Interval, from: math.MinInt64, to: math.MaxInt64}
	if iv := q.Interval; iv != nil {
		if !iv.Start.IsZero() {
			m.from = iv.Start.Unix()
		}
		if !iv.End.IsZero() {
			m.to = iv.End.Unix()
		}
	}
	for _, names := range [][]string{sortedNames(q.Props), sortedNames(q.Ranges)} {
		for _, name := range names {
			if !slices.Contains(ix.queryables, name) {
				return nil, geodata.Invalidf("%q is not a queryable of this layer; it filters on %s", name, strings.Join(ix.queryables, ", "))
			}
		}
	}
	for _, name := range sortedNames(q.Props) {
		values := q.Props[name]
		f, err := ix.posted(ctx, name)
		if err != nil {
			return nil, err
		}
		m.props = append(m.props, newFacetTest(f, f.equal(values)))
	}
	for _, name := range sortedNames(q.Ranges) {
		r := q.Ranges[name]
		f, err := ix.posted(ctx, name)
		if err != nil {
			return nil, err
		}
		m.props = append(m.props, newFacetTest(f, f.within(r)))
	}
	if m.iv != nil && (m.from != math.MinInt64 || m.to != math.MaxInt64) {
		times, err := ix.timeOrder(ctx)
		if err != nil {
			return nil, err
		}
		m.times = times
	}
	return m, nil
}

func sortedNames[V any](m map[string]V) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

// equal marks the codes of values: equal as text, or as numbers.
func (f *facet) equal(values []string) []bool {
	ok := make([]bool, len(f.dict)+1)
	for i, v := range f.dict {
		for _, want := range values {
			if v.text == want || v.isNum && numEquals(want, v.num) {
				ok[i+1] = true
			}
		}
	}
	return ok
}

// within marks the codes of numbers in r.
func (f *facet) within(r geodata.Range) []bool {
	ok := make([]bool, len(f.dict)+1)
	for i, v := range f.dict {
		ok[i+1] = v.isNum && r.Contains(v.num)
	}
	return ok
}

// match reports whether the feature at p meets every filter.
func (m *matcher) match(p int32) bool {
	ix := m.ix
	if !m.inBox(p) {
		return false
	}
	if m.iv != nil && (!ix.dated[p] || ix.end[p] < m.from || ix.start[p] > m.to) {
		return false
	}
	for _, t := range m.props {
		hit := false
		t.f.codes(p, func(c uint32) { hit = hit || t.ok[c] })
		if !hit {
			return false
		}
	}
	return true
}

// each calls fn for every feature matching m, area by area, stopping when
// ctx is done (checked every few thousand features).
func (m *matcher) each(ctx context.Context, fn func(p int32)) error {
	return m.eachIn(ctx, m.bbox, fn)
}

// eachIn calls fn for every feature matching m whose box may meet area (a
// part of m's bbox, or nil for everywhere). It looks at the features of
// the area, or those of the area listed by one filter (cheapest), whichever
// are fewest.
func (m *matcher) eachIn(ctx context.Context, area *orb.Bound, fn func(p int32)) error {
	rs, n := m.ix.positions(area, m.bbox)
	if d, ok := m.cheapest(rs, n); ok {
		return m.eachListed(ctx, d, rs, fn)
	}
	return m.scan(ctx, rs, fn)
}

// numEquals reports whether s reads as the number n.
func numEquals(s string, n float64) bool {
	v, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	return err == nil && v == n
}

// monthOf returns the UTC year and month of unix seconds t as one number.
func monthOf(t int64) int {
	u := time.Unix(t, 0).UTC()
	return u.Year()*12 + int(u.Month()) - 1
}

// Rids returns the rids of the features matching q (its bbox, interval,
// property values and ranges; never near), in no particular order
// (Smallest pages them), and true; or false
// when the area of q holds more than maxScan features, when reading
// the layer's store costs less than scanning here. It loads the values q
// filters on.
func (ix *Index) Rids(ctx context.Context, q geodata.Query, maxScan int) ([]int64, bool, error) {
	if q.Near != nil {
		return nil, false, nil
	}
	n := 0
	for _, r := range ix.cover(q.BBox, q.BBox) {
		lo, _ := slices.BinarySearch(ix.key, r.lo)
		hi, _ := slices.BinarySearch(ix.key, r.hi)
		if n += hi - lo; n > maxScan {
			return nil, false, nil
		}
	}
	m, err := ix.newMatcher(ctx, q)
	if err != nil {
		return nil, false, err
	}
	var rids []int64
	if len(q.Props) == 0 && len(q.Ranges) == 0 && q.Interval == nil {
		// A box alone matches most of the features its cover holds.
		rids = make([]int64, 0, n)
	}
	if err := m.each(ctx, func(p int32) { rids = append(rids, ix.rid[p]) }); err != nil {
		return nil, false, err
	}
	return rids, true, nil
}
