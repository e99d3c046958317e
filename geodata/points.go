package geodata

import (
	"iter"

	"github.com/paulmach/orb"
)

// Points yields every vertex of g, in order: the points of a multipoint,
// the vertices of lines and of polygon rings, the parts of a collection.
func Points(g orb.Geometry) iter.Seq[orb.Point] {
	return func(yield func(orb.Point) bool) {
		eachPoint(g, yield)
	}
}

// eachPoint calls yield for the vertices of g and reports whether it went
// through all of them (yield returning false stops it).
func eachPoint(g orb.Geometry, yield func(orb.Point) bool) bool {
	all := func(pts []orb.Point) bool {
		for _, p := range pts {
			if !yield(p) {
				return false
			}
		}
		return true
	}
	switch g := g.(type) {
	case orb.Point:
		return yield(g)
	case orb.MultiPoint:
		return all(g)
	case orb.LineString:
		return all(g)
	case orb.Ring:
		return all(g)
	case orb.MultiLineString:
		for _, l := range g {
			if !all(l) {
				return false
			}
		}
	case orb.Polygon:
		for _, r := range g {
			if !all(r) {
				return false
			}
		}
	case orb.MultiPolygon:
		for _, p := range g {
			if !eachPoint(p, yield) {
				return false
			}
		}
	case orb.Collection:
		for _, c := range g {
			if !eachPoint(c, yield) {
				return false
			}
		}
	}
	return true
}
