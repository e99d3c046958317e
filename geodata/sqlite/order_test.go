package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
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

// TestImportStoresInSpatialOrder checks that rows come back, in
// storage order, sorted by their Hilbert key, whatever order they came in:
// a file out of order is sorted whole, and one that goes out of order
// after a chunk or more in it keeps the chunks written before and sorts
// the rest.
func TestImportStoresInSpatialOrder(t *testing.T) {
	// A zig-zag over the region, far from Hilbert order.
	zigzag := func(i int) orb.Point { return orb.Point{52 + float64((i*37)%29), 29 + float64((i*11)%19)} }
	tests := []struct {
		name    string
		n       int
		inOrder int // how many come first, in key order
	}{
		{"out of order", spatialImportMin, 0},
		{"out of order after a chunk", importChunk + 500, importChunk + 100},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			var fs []geodata.Feature
			for i := range tc.n {
				fs = append(fs, feature(fmt.Sprintf("b-%05d", i), zigzag(i), map[string]any{"category": "attack"}))
			}
			slices.SortStableFunc(fs[:tc.inOrder], func(a, b geodata.Feature) int {
				return cmp.Compare(HilbertKey(a.Geometry), HilbertKey(b.Geometry))
			})
			if err := db.Import(context.Background(), "railways", fs); err != nil {
				t.Fatalf("Import: %v", err)
			}
			page, err := geodata.ReadPage(context.Background(), db, geodata.Query{Layer: "railways", Limit: tc.n})
			if err != nil {
				t.Fatal(err)
			}
			if page.Matched != len(fs) {
				t.Fatalf("Matched = %d, want %d", page.Matched, len(fs))
			}
			// The chunks written before the file went out of order.
			kept := tc.inOrder / importChunk * importChunk
			for i, f := range page.Features[:kept] {
				if f.ID != fs[i].ID {
					t.Fatalf("feature %d stored is %s, want %s", i+1, f.ID, fs[i].ID)
				}
			}
			rest := page.Features[kept:]
			for i := 1; i < len(rest); i++ {
				a, b := rest[i-1], rest[i]
				if HilbertKey(a.Geometry) > HilbertKey(b.Geometry) {
					t.Errorf("%s at %v is stored before %s at %v, later on the curve", a.ID, a.Geometry, b.ID, b.Geometry)
				}
			}
			checkRTree(t, db)
		})
	}
}
