// Package agg keeps an aggregate of one layer in memory for one
// generation of the data: each feature's box, dates and queryable values,
// ordered along a Morton curve of the map, so that clusters at any zoom,
// statistics and tile counts are sums over the features of the area asked
// for, in memory, with the same filters as the items API. Both stores
// build it from what they read; it never reads a store itself.
//
// What a query costs is kept near what it returns by sums made once per
// generation, on first use: cluster pyramids of the whole layer, of each
// value of a queryable and of each month (pyramid.go, values.go), counts
// of every value by cell for statistics (statspyr.go), and lists of the
// features holding each rare value or starting in each month (drive.go);
// what they do not cover is scanned a block of features at a time
// (block.go). At a million incidents they add some 16 MB to the index's
// 100 (BenchmarkScale/heap-after-all in geodata/sqlite).
package agg

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"iter"
	"math"
	"slices"
	"sync"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// ErrStale is returned when the store moved on to another generation while
// the index was still loading a part of itself: the caller builds a new one.
var ErrStale = errors.New("agg: the data changed while the index was loading")

// Row is what the index needs of one feature.
type Row struct {
	RID int64
	Box orb.Bound
	// Start and End are the feature's date span in unix seconds, when
	// Dated.
	Start, End int64
	Dated      bool
}

// Loader reads one layer for an index, each call from one consistent
// snapshot, and says which generation of the data it read.
type Loader interface {
	// Rows calls yield for every feature of the layer.
	Rows(ctx context.Context, yield func(Row) error) (gen int64, err error)
	// Values calls yield once for each value of the queryable name, with
	// the value's text, its number when it is one, and the rids of the
	// features that hold it.
	Values(ctx context.Context, name string, yield func(text string, num *float64, rids []int64) error) (gen int64, err error)
}

// Index is the aggregate of one layer at one generation. It is safe for
// concurrent use; values of a queryable are loaded the first time a query
// needs them.
type Index struct {
	gen        int64
	queryables []string
	loader     Loader
	// The features, by position in key order.
	key   []uint64
	rid   []int64
	box   []orb.Bound
	start []int64
	end   []int64
	dated []bool
	// month is the year*12+month of start, for statistics; firstMonth
	// and lastMonth the range they span (lastMonth < firstMonth if none).
	month                 []int32
	firstMonth, lastMonth int32
	// byRid lists positions in rid order, to place loaded values.
	byRid []int32
	// span is the largest width and height of a feature's box: how far
	// outside a bbox the centre of a feature meeting it can lie.
	span orb.Point

	mu     sync.Mutex
	facets map[string]*facet
	// pyr is the clusters of the whole layer, summed on first use.
	pyr pyramid
	// values are the clusters of the features holding one value, summed
	// on first use for clusters filtered by that value alone, up to
	// valueCellBudget cells in all (valueCells).
	values     map[valueKey]pyramid
	valueCells int
	// stats is the statistics of the whole layer by cell, summed on
	// first use; noStats says they would not fit statsBudget.
	stats   *statsPyramid
	noStats bool
	// valueStatsOf are the stats pyramids of single values, summed on
	// first use, valueStatsCounts counts in all.
	valueStatsOf     map[valueKey]*statsPyramid
	valueStatsCounts int
	// times lists the dated features by month, made on first use.
	times *timeOrder
	// listedCost is what a feature of a sparse list costs against one
	// scanned (tests lower it, to take lists).
	listedCost float64
}

// Build reads a layer's rows through loader into a new Index. queryables
// are the properties its queries may filter on.
func Build(ctx context.Context, loader Loader, queryables []string) (*Index, error) {
	ix := &Index{loader: loader, queryables: slices.Clone(queryables), facets: map[string]*facet{}, listedCost: listedCost}
	gen, err := loader.Rows(ctx, func(r Row) error {
		ix.rid = append(ix.rid, r.RID)
		ix.box = append(ix.box, r.Box)
		ix.start = append(ix.start, r.Start)
		ix.end = append(ix.end, r.End)
		ix.dated = append(ix.dated, r.Dated)
		ix.span[0] = math.Max(ix.span[0], r.Box.Max[0]-r.Box.Min[0])
		ix.span[1] = math.Max(ix.span[1], r.Box.Max[1]-r.Box.Min[1])
		return nil
	})
	if err != nil {
		return nil, err
	}
	ix.gen = gen
	ix.sortByKey()
	ix.month = make([]int32, len(ix.rid))
	ix.firstMonth, ix.lastMonth = 0, -1
	for i, d := range ix.dated {
		if !d {
			continue
		}
		ix.month[i] = int32(monthOf(ix.start[i]))
		if ix.lastMonth < ix.firstMonth {
			ix.firstMonth, ix.lastMonth = ix.month[i], ix.month[i]
		}
		ix.firstMonth, ix.lastMonth = min(ix.firstMonth, ix.month[i]), max(ix.lastMonth, ix.month[i])
	}
	return ix, nil
}

// Gen is the generation of the data the index holds.
func (ix *Index) Gen() int64 { return ix.gen }

// Len is the number of features the index holds.
func (ix *Index) Len() int { return len(ix.rid) }

// sortByKey orders the features by the Morton key of their box centres.
func (ix *Index) sortByKey() {
	n := len(ix.rid)
	keys := make([]uint64, n)
	order := make([]int32, n)
	for i := range n {
		keys[i], order[i] = keyOf(ix.box[i].Center()), int32(i)
	}
	slices.SortFunc(order, func(a, b int32) int {
		return cmp.Or(cmp.Compare(keys[a], keys[b]), cmp.Compare(ix.rid[a], ix.rid[b]))
	})
	ix.key = make([]uint64, n)
	rid, box := make([]int64, n), make([]orb.Bound, n)
	start, end, dated := make([]int64, n), make([]int64, n), make([]bool, n)
	for i, j := range order {
		ix.key[i], rid[i], box[i] = keys[j], ix.rid[j], ix.box[j]
		start[i], end[i], dated[i] = ix.start[j], ix.end[j], ix.dated[j]
	}
	ix.rid, ix.box, ix.start, ix.end, ix.dated = rid, box, start, end, dated
	ix.byRid = make([]int32, n)
	for i := range ix.byRid {
		ix.byRid[i] = int32(i)
	}
	slices.SortFunc(ix.byRid, func(a, b int32) int { return cmp.Compare(ix.rid[a], ix.rid[b]) })
}

// position returns where the feature rid is, or false when the index does
// not hold it.
func (ix *Index) position(rid int64) (int32, bool) {
	i, ok := slices.BinarySearchFunc(ix.byRid, rid, func(p int32, rid int64) int { return cmp.Compare(ix.rid[p], rid) })
	if !ok {
		return 0, false
	}
	return ix.byRid[i], true
}

// facet is one queryable's values: a dictionary and, per feature, the code
// of its value (0 for none; multiCode when it holds several, listed in
// multi); and, per code, the positions of the features that hold it, in
// key order (post), so that a filter by a value looks at its features
// alone.
type facet struct {
	name string
	dict []facetValue // code-1 is the index
	// code holds the codes while loading, and after when the dictionary
	// is too large for small, a byte a feature (smallMulti for multiCode).
	code  []uint32
	small []uint8
	size  int
	multi map[int32][]uint32
	// post lists by code the features holding it, for codes held by few
	// (nil for others), and count how many hold each: both nil until a
	// filter needs them.
	post  [][]int32
	count []int
}

type facetValue struct {
	text  string
	num   float64
	isNum bool
}

const multiCode = math.MaxUint32

// facet returns the values of name, loading them on first use.
func (ix *Index) facet(ctx context.Context, name string) (*facet, error) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if f, ok := ix.facets[name]; ok {
		return f, nil
	}
	f := &facet{name: name, code: make([]uint32, len(ix.rid)), size: len(ix.rid), multi: map[int32][]uint32{}}
	gen, err := ix.loader.Values(ctx, name, func(text string, num *float64, rids []int64) error {
		v := facetValue{text: text}
		if num != nil {
			v.num, v.isNum = *num, true
		}
		f.dict = append(f.dict, v)
		code := uint32(len(f.dict))
		for _, rid := range rids {
			p, ok := ix.position(rid)
			if !ok {
				return ErrStale
			}
			f.add(p, code)
		}
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("agg: load %s: %w", name, err)
	}
	if gen != ix.gen {
		return nil, ErrStale
	}
	f.narrow()
	ix.facets[name] = f
	return f, nil
}

// smallMulti stands for multiCode in facet.small.
const smallMulti = math.MaxUint8

// narrow keeps the codes a byte each when every code fits in one.
func (f *facet) narrow() {
	if len(f.dict) >= smallMulti {
		return
	}
	f.small = make([]uint8, len(f.code))
	for p, c := range f.code {
		f.small[p] = uint8(min(c, smallMulti))
	}
	f.code = nil
}

// at returns the code of the feature at p (multiCode for several).
func (f *facet) at(p int32) uint32 {
	if f.small != nil {
		if c := f.small[p]; c != smallMulti {
			return uint32(c)
		}
		return multiCode
	}
	return f.code[p]
}

// posted returns the facet of name with its posting lists, listing them
// on first use: only queryables a query filters on have them.
func (ix *Index) posted(ctx context.Context, name string) (*facet, error) {
	f, err := ix.facet(ctx, name)
	if err != nil {
		return nil, err
	}
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if f.post == nil {
		f.postings(ix.listedCost)
	}
	return f, nil
}

// postings counts the features holding each code and lists, ascending,
// the positions of those a list would be taken for: codes held by fewer
// than one feature in listed (a dense list costs more than a scan, and 4
// bytes a feature).
func (f *facet) postings(listed float64) {
	f.count = make([]int, len(f.dict)+1)
	for p := range f.size {
		f.codes(int32(p), func(c uint32) { f.count[c]++ })
	}
	f.post = make([][]int32, len(f.dict)+1)
	for c := 1; c < len(f.count); c++ {
		if float64(f.count[c])*listed < float64(f.size) {
			f.post[c] = make([]int32, 0, f.count[c])
		}
	}
	for p := range f.size {
		f.codes(int32(p), func(c uint32) {
			if f.post[c] != nil {
				f.post[c] = append(f.post[c], int32(p))
			}
		})
	}
}

// holding yields, ascending, the positions of the features holding code.
func (f *facet) holding(code uint32) iter.Seq[int32] {
	return func(yield func(int32) bool) {
		if list := f.post[code]; list != nil || f.count[code] == 0 {
			for _, p := range list {
				if !yield(p) {
					return
				}
			}
			return
		}
		for p := range int32(f.size) {
			if c := f.at(p); (c == code || c == multiCode && slices.Contains(f.multi[p], code)) && !yield(p) {
				return
			}
		}
	}
}

// first returns the first code of the feature at p for which ok holds,
// or 0: a feature of several chosen values is visited through that one.
func (f *facet) first(p int32, ok []bool) uint32 {
	var first uint32
	f.codes(p, func(c uint32) {
		if first == 0 && ok[c] {
			first = c
		}
	})
	return first
}

func (f *facet) add(p int32, code uint32) {
	switch old := f.code[p]; old {
	case 0:
		f.code[p] = code
	case multiCode:
		f.multi[p] = append(f.multi[p], code)
	default:
		f.code[p] = multiCode
		f.multi[p] = []uint32{old, code}
	}
}

// codes calls fn for each value code of the feature at p.
func (f *facet) codes(p int32, fn func(uint32)) {
	switch c := f.at(p); c {
	case 0:
	case multiCode:
		for _, c := range f.multi[p] {
			fn(c)
		}
	default:
		fn(c)
	}
}

// Queryables returns the properties the index can filter on.
func (ix *Index) Queryables() []string { return slices.Clone(ix.queryables) }

// checkQuery refuses what the index cannot answer.
func checkQuery(q geodata.Query) error {
	if q.Near != nil {
		return geodata.Invalidf("clusters and statistics cannot apply a proximity filter")
	}
	return nil
}
