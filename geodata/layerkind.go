package geodata

import (
	"iter"

	"github.com/paulmach/orb"
)

// CheckGeometryKind returns an error when layer l cannot hold geometry g,
// by the rule CheckWrite applies (layerTakes): the store checks it again
// on every row it writes.
func CheckGeometryKind(l Layer, g orb.Geometry) error {
	if g == nil {
		return Invalidf("geometry is missing")
	}
	if !layerTakes(l.GeometryKind, g) {
		return Invalidf("layer %s holds %s geometries, not a %s", l.ID, l.GeometryKind, g.GeoJSONType())
	}
	return nil
}

// Each returns features as a stream that never fails, for callers that
// hold them in memory.
func Each(features []Feature) iter.Seq2[Feature, error] {
	return func(yield func(Feature, error) bool) {
		for _, f := range features {
			if !yield(f, nil) {
				return
			}
		}
	}
}
