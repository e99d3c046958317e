package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// TestHilbertCurve checks the curve's defining properties on small grids:
// every cell gets a distinct distance, and cells one step apart on the
// curve are neighbours on the grid.
func TestHilbertCurve(t *testing.T) {
	for _, side := range []uint32{2, 4, 16, 64} {
		t.Run(fmt.Sprint(side), func(t *testing.T) {
			at := make([][2]uint32, side*side)
			seen := make([]bool, side*side)
			for x := range side {
				for y := range side {
					d := hilbert(x, y, side)
					if d >= uint64(side*side) || seen[d] {
						t.Fatalf("hilbert(%d, %d) = %d: out of range or repeated", x, y, d)
					}
					seen[d], at[d] = true, [2]uint32{x, y}
				}
			}
			for d := 1; d < len(at); d++ {
				a, b := at[d-1], at[d]
				if dist := absDiff(a[0], b[0]) + absDiff(a[1], b[1]); dist != 1 {
					t.Errorf("steps %d and %d of the curve are cells %v and %v, %d apart", d-1, d, a, b, dist)
				}
			}
		})
	}
}

func absDiff(a, b uint32) uint32 {
	if a > b {
		return a - b
	}
	return b - a
}

func TestHilbertKey(t *testing.T) {
	tests := []struct {
		name string
		a, b orb.Geometry
		less bool
	}{
		{"south-west corner first", orb.Point{-180, -90}, orb.Point{0, 0}, true},
		{"clamped", orb.Point{-500, -100}, orb.Point{-180, -90}, false},
		{"nil is zero", nil, orb.Point{-180, -90}, false},
		{"box by its centre", orb.Bound{Min: orb.Point{68, 34}, Max: orb.Point{70, 36}}.ToPolygon(), orb.Point{69, 35}, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			ka, kb := HilbertKey(tc.a), HilbertKey(tc.b)
			if got := ka < kb; got != tc.less {
				t.Errorf("HilbertKey(%v) = %d, HilbertKey(%v) = %d; less = %v, want %v", tc.a, ka, tc.b, kb, got, tc.less)
			}
			if !tc.less && ka != kb {
				t.Errorf("HilbertKey(%v) = %d, want the same as HilbertKey(%v) = %d", tc.a, ka, tc.b, kb)
			}
		})
	}
}

// TestImportStoresInSpatialOrder checks that rows come back, in storage
// order, as an import in spatial (Hilbert) order would give them,
// whatever order they came in: a file out of order is sorted whole; one
// that goes out of order after a chunk keeps the chunk and sorts the
// rest; one in order but for strays (far along the curve, or back along
// it) keeps its order past them, and the strays come after the rest, in
// order.
func TestImportStoresInSpatialOrder(t *testing.T) {
	// A zig-zag over the region, far from Hilbert order.
	zigzag := func(i int) orb.Point { return orb.Point{52 + float64((i*37)%29), 29 + float64((i*11)%19)} }
	byKey := func(a, b geodata.Feature) int { return cmp.Compare(HilbertKey(a.Geometry), HilbertKey(b.Geometry)) }
	inOrder := func(n, sorted int) []geodata.Feature {
		var fs []geodata.Feature
		for i := range n {
			fs = append(fs, feature(fmt.Sprintf("b-%05d", i), zigzag(i), map[string]any{"category": "attack"}))
		}
		slices.SortStableFunc(fs[:sorted], byKey)
		return fs
	}
	// strays puts features at the first (back) and the last (far) point
	// on the curve into an ordered file, before the features numbered at.
	strays := func(fs []geodata.Feature, first, last []int) []geodata.Feature {
		lo, hi := fs[0].Geometry, fs[len(fs)-1].Geometry
		put := func(at []int, g orb.Geometry, name string) {
			for k, i := range slices.Backward(at) {
				fs = slices.Insert(fs, i, feature(fmt.Sprintf("%s-%d", name, k), g, map[string]any{"category": "attack"}))
			}
		}
		put(last, hi, "far")
		put(first, lo, "back")
		return fs
	}
	n := importChunk + 500
	tests := []struct {
		name  string
		fs    []geodata.Feature
		kept  int                  // how many come first, in the file's order, but for strays
		stray func(id string) bool // the strays, which come after the rest
	}{
		{"out of order", inOrder(spatialImportMin, 0), 0, nil},
		{"out of order after a chunk", inOrder(n, importChunk+100), importChunk, nil},
		{"in order but for strays", strays(inOrder(n, n), []int{6000}, []int{0, 0, 0, 4000, 8000}), n,
			func(id string) bool { return !strings.HasPrefix(id, "b-") }},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			if err := db.Import(context.Background(), "railways", tc.fs); err != nil {
				t.Fatalf("Import: %v", err)
			}
			page, err := geodata.ReadPage(context.Background(), db, geodata.Query{Layer: "railways", Limit: len(tc.fs)})
			if err != nil {
				t.Fatal(err)
			}
			if page.Matched != len(tc.fs) {
				t.Fatalf("Matched = %d, want %d", page.Matched, len(tc.fs))
			}
			var ordered, strayed []geodata.Feature
			for _, f := range tc.fs {
				if tc.stray != nil && tc.stray(f.ID) {
					strayed = append(strayed, f)
				} else {
					ordered = append(ordered, f)
				}
			}
			first, rest := ordered[:tc.kept], slices.Concat(ordered[tc.kept:], strayed)
			slices.SortStableFunc(rest, byKey)
			for i, f := range slices.Concat(first, rest) {
				got := page.Features[i]
				if i >= len(first) {
					// Features at one point on the curve may come in any order.
					if HilbertKey(got.Geometry) != HilbertKey(f.Geometry) {
						t.Fatalf("feature %d stored is %s at %v, want one at %v (%s)", i+1, got.ID, got.Geometry, f.Geometry, f.ID)
					}
					continue
				}
				if got.ID != f.ID {
					t.Fatalf("feature %d stored is %s, want %s", i+1, got.ID, f.ID)
				}
			}
			checkRTree(t, db)
		})
	}
}

// TestSpatialRunSetsStraysAside checks which features of a batch the
// import writes as they come and which it sets aside: strays far along
// the curve or back along it, alone or a few together, go aside and the
// run goes on past them; a batch in no order goes aside whole and does
// not hold back the next.
func TestSpatialRunSetsStraysAside(t *testing.T) {
	const far, size = 1 << 40, importChunk + orderWindow
	sorted := func(i int) uint64 { return uint64(1000 + i) }
	tests := []struct {
		name string
		key  func(i int) uint64 // of the ith feature, from 1
		late []int
		next uint64 // where on the curve the features after the batch start
	}{
		{"in order", sorted, nil, 2 * far},
		{"far strays first", func(i int) uint64 { return cmp.Or(map[int]uint64{1: far, 2: far, 3: far}[i], sorted(i)) }, []int{1, 2, 3}, 2 * far},
		{"a stray back along the curve", func(i int) uint64 { return cmp.Or(map[int]uint64{500: 1}[i], sorted(i)) }, []int{500}, 2 * far},
		{"ten far strays together", func(i int) uint64 {
			if i > 4000 && i <= 4010 {
				return far + uint64(i)
			}
			return sorted(i)
		}, []int{4001, 4002, 4003, 4004, 4005, 4006, 4007, 4008, 4009, 4010}, 2 * far},
		// Far along the curve and in no order: those after it, back at
		// its start, are in order all the same.
		{"no order", func(i int) uint64 { return far + uint64((i*7919)%8209) }, seq(1, importChunk), 1000},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var run spatialRun
			for i := 1; i <= size; i++ {
				run.add(i, tc.key(i))
			}
			if !run.ready() {
				t.Fatal("not ready with a batch and a window")
			}
			upto, late := run.decide(false)
			if upto != importChunk {
				t.Errorf("decided up to %d, want %d", upto, importChunk)
			}
			if want := tc.late; !slices.Equal(late, want) {
				t.Errorf("set aside %d: %v, want %d: %v", len(late), late[:min(len(late), 12)], len(want), want[:min(len(want), 12)])
			}
			// The window left, then features in order after it, at the end:
			// none of those is held back by what came before.
			for i := size + 1; i <= size+100; i++ {
				run.add(i, tc.next+uint64(i))
			}
			upto, late = run.decide(true)
			if upto != size+100 || slices.ContainsFunc(late, func(n int) bool { return n > size }) {
				t.Errorf("at the end: decided up to %d, set aside %v; want %d, and none past %d", upto, late, size+100, size)
			}
		})
	}
}

// seq returns the numbers from a to b.
func seq(a, b int) []int {
	var s []int
	for i := a; i <= b; i++ {
		s = append(s, i)
	}
	return s
}
