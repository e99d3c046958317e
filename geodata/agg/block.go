package agg

import (
	"context"
	"math/bits"
)

// A scan tests a query's filters a block of 64 features at a time, one
// filter over the whole block before the next: each test then reads one
// column of the index (a facet's codes, or the dates) in order, and the
// boxes are read only for features that passed every other test.

// scan calls fn for each feature of rs that matches m.
func (m *matcher) scan(ctx context.Context, rs []posRange, fn func(p int32)) error {
	blocks := 0
	for _, r := range rs {
		for lo := r.lo; lo < r.hi; lo += 64 {
			if blocks++; blocks&63 == 0 {
				if err := ctx.Err(); err != nil {
					return err
				}
			}
			hi := min(lo+64, r.hi)
			for set := m.block(lo, hi); set != 0; set &= set - 1 {
				if p := lo + int32(bits.TrailingZeros64(set)); r.inside || m.inBox(p) {
					fn(p)
				}
			}
		}
	}
	return nil
}

// block returns which features of [lo, hi), at most 64, pass m's
// property and date filters: bit i for the feature at lo+i.
func (m *matcher) block(lo, hi int32) uint64 {
	set := ^uint64(0) >> (64 - uint(hi-lo))
	for i := range m.props {
		if set &= m.props[i].block(lo, hi); set == 0 {
			return 0
		}
	}
	if m.iv != nil {
		ix := m.ix
		var in uint64
		for i, d := range ix.dated[lo:hi] {
			p := lo + int32(i)
			if d && ix.end[p] >= m.from && ix.start[p] <= m.to {
				in |= 1 << uint(i)
			}
		}
		set &= in
	}
	return set
}

// block returns which features of [lo, hi) hold one of t's codes. It
// shifts t.bit in rather than branch on it: which features pass is as
// good as random to the processor.
func (t *facetTest) block(lo, hi int32) uint64 {
	var set uint64
	if small := t.f.small; small != nil {
		for i, c := range small[lo:hi] {
			if c == smallMulti {
				if t.f.first(lo+int32(i), t.ok) != 0 {
					set |= 1 << uint(i)
				}
				continue
			}
			set |= uint64(t.bit[c]) << uint(i)
		}
		return set
	}
	for i, c := range t.f.code[lo:hi] {
		if c == multiCode {
			if t.f.first(lo+int32(i), t.ok) != 0 {
				set |= 1 << uint(i)
			}
			continue
		}
		set |= uint64(t.bit[c]) << uint(i)
	}
	return set
}

// inBox reports whether the feature at p meets m's bbox.
func (m *matcher) inBox(p int32) bool {
	b := m.bbox
	if b == nil {
		return true
	}
	fb := m.ix.box[p]
	return !(fb.Max[0] < b.Min[0] || fb.Min[0] > b.Max[0] || fb.Max[1] < b.Min[1] || fb.Min[1] > b.Max[1])
}
