package geodata

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"
)

// ZoomTolerance returns the simplification tolerance, in degrees, for a web
// map at zoom: half a pixel of a world 256·2^zoom pixels wide. Finer detail
// than that cannot be seen at that zoom.
func ZoomTolerance(zoom int) float64 {
	return 0.5 * 360 / (256 * math.Exp2(float64(zoom)))
}

// SimplifyFeatures returns features with their geometries simplified for
// zoom (see Simplify). The features themselves are left as they were.
func SimplifyFeatures(features []Feature, zoom int) []Feature {
	out := make([]Feature, len(features))
	for i, f := range features {
		f.Geometry = Simplify(f.Geometry, zoom)
		out[i] = f
	}
	return out
}

// Simplify returns g simplified with Douglas-Peucker at ZoomTolerance(zoom),
// leaving g unchanged. Lines keep their end points. Polygons stay drawable:
// a ring that would fall below four points is dropped, a polygon keeps its
// outer ring (unsimplified if it is that small), and a multipolygon whose
// every part collapses keeps its largest part. Points are returned as they
// are. Simplification can make a ring cross itself; that is the price of
// drawing less, and the full geometry is a request without zoom away.
func Simplify(g orb.Geometry, zoom int) orb.Geometry {
	dp := simplify.DouglasPeucker(ZoomTolerance(zoom))
	switch g := g.(type) {
	case orb.LineString:
		return dp.LineString(g.Clone())
	case orb.MultiLineString:
		return dp.MultiLineString(g.Clone())
	case orb.Ring:
		p, _ := simplifyPolygon(dp, orb.Polygon{g})
		return p[0]
	case orb.Polygon:
		if len(g) == 0 {
			return orb.Polygon{}
		}
		p, _ := simplifyPolygon(dp, g)
		return p
	case orb.MultiPolygon:
		return simplifyMultiPolygon(dp, g)
	case orb.Collection:
		out := make(orb.Collection, len(g))
		for i, part := range g {
			out[i] = Simplify(part, zoom)
		}
		return out
	}
	return g
}

// SimplifyWhole is Simplify that also reports whether g came back whole,
// with every point it had: Douglas-Peucker keeps a subset of the points,
// so the same count is the same geometry. Whole at one zoom is whole at
// every closer zoom, whose tolerance is smaller.
func SimplifyWhole(g orb.Geometry, zoom int) (orb.Geometry, bool) {
	s := Simplify(g, zoom)
	return s, pointCount(s) == pointCount(g)
}

// pointCount is the number of points in g.
func pointCount(g orb.Geometry) int {
	n := 0
	for range Points(g) {
		n++
	}
	return n
}

// minRing is the fewest points of a closed ring that encloses an area.
const minRing = 4

// simplifyPolygon simplifies each ring of p (which has at least its outer
// ring) into a new polygon, and reports whether the outer ring survived:
// if it would collapse it is kept as it was. Holes that collapse are
// dropped.
func simplifyPolygon(dp *simplify.DouglasPeuckerSimplifier, p orb.Polygon) (orb.Polygon, bool) {
	outer, ok := simplifyRing(dp, p[0])
	if !ok {
		outer = p[0].Clone()
	}
	out := orb.Polygon{outer}
	for _, hole := range p[1:] {
		if r, ok := simplifyRing(dp, hole); ok {
			out = append(out, r)
		}
	}
	return out, ok
}

// simplifyMultiPolygon drops the parts whose outer ring collapses, keeping
// the largest part if none would be left.
func simplifyMultiPolygon(dp *simplify.DouglasPeuckerSimplifier, mp orb.MultiPolygon) orb.MultiPolygon {
	out := make(orb.MultiPolygon, 0, len(mp))
	largest, largestArea := -1, -1.0
	for i, p := range mp {
		if len(p) == 0 {
			continue
		}
		if a := math.Abs(planar.Area(p[0])); a > largestArea {
			largest, largestArea = i, a
		}
		if s, ok := simplifyPolygon(dp, p); ok {
			out = append(out, s)
		}
	}
	if len(out) == 0 && largest >= 0 {
		s, _ := simplifyPolygon(dp, mp[largest])
		out = append(out, s)
	}
	return out
}

// simplifyRing returns a simplified copy of r and whether it still
// encloses an area.
func simplifyRing(dp *simplify.DouglasPeuckerSimplifier, r orb.Ring) (orb.Ring, bool) {
	s := dp.Ring(r.Clone())
	if len(s) < minRing || planar.Area(s) == 0 {
		return nil, false
	}
	return s, true
}
