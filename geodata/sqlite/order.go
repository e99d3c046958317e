package sqlite

import (
	"cmp"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// hilbertOrder is the number of bits per axis of the Hilbert grid: 2^16
// cells a side over the whole world, about 600 m across, fine enough that
// features in one cell share a page anyway.
const hilbertOrder = 16

// HilbertKey returns the position of p's bounding-box centre along a
// Hilbert curve over the whole world (longitude -180..180, latitude
// -90..90). Points near each other on the map mostly get keys near each
// other, and the grid is the same for every call, so keys from separate
// batches compare. Coordinates out of range are clamped; a nil geometry
// has key 0.
func HilbertKey(g orb.Geometry) uint64 {
	if g == nil {
		return 0
	}
	c := g.Bound().Center()
	const side = 1 << hilbertOrder
	x := gridCell((c[0]+180)/360, side)
	y := gridCell((c[1]+90)/180, side)
	return hilbert(x, y, side)
}

// gridCell maps f in [0, 1] to a cell number in [0, side).
func gridCell(f float64, side uint32) uint32 {
	switch {
	case !(f > 0): // also NaN
		return 0
	case f >= 1:
		return side - 1
	}
	return uint32(f * float64(side))
}

// hilbert returns the distance along the Hilbert curve of cell (x, y) in a
// side×side grid, side a power of two (the classic xy2d).
func hilbert(x, y, side uint32) uint64 {
	var d uint64
	for s := side / 2; s > 0; s /= 2 {
		var rx, ry uint32
		if x&s != 0 {
			rx = 1
		}
		if y&s != 0 {
			ry = 1
		}
		d += uint64(s) * uint64(s) * uint64((3*rx)^ry)
		// Rotate the quadrant so the curve inside it runs the right way.
		if ry == 0 {
			if rx == 1 {
				x = s - 1 - x&(s-1)
				y = s - 1 - y&(s-1)
			}
			x, y = y, x
		}
		x, y = x&(s-1), y&(s-1)
	}
	return d
}

// SortSpatially orders features by the HilbertKey of their geometry, in
// place and stably, so equal keys keep their input order.
func SortSpatially(features []geodata.Feature) {
	// Sort an index, not the features, so each key is computed once.
	keys := make([]uint64, len(features))
	order := make([]int, len(features))
	for i, f := range features {
		keys[i], order[i] = HilbertKey(f.Geometry), i
	}
	slices.SortStableFunc(order, func(a, b int) int { return cmp.Compare(keys[a], keys[b]) })
	sorted := make([]geodata.Feature, len(features))
	for i, j := range order {
		sorted[i] = features[j]
	}
	copy(features, sorted)
}
