package geodata

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
)

// earthRadiusKm is the mean radius of the Earth.
const earthRadiusKm = 6371.0088

// DistanceKm returns the distance in kilometres from p to the nearest part
// of g: its points, its lines, or the boundary of its polygons (a point
// inside a polygon is as far from it as from its edge). It measures in an
// equirectangular projection centred on p, which is within about 1% of
// the great-circle distance out to several hundred kilometres.
func DistanceKm(g orb.Geometry, p orb.Point) float64 {
	if g == nil {
		return math.Inf(1)
	}
	local := project.Geometry(orb.Clone(g), localProjection(p))
	return planar.DistanceFrom(local, orb.Point{0, 0})
}

// localProjection maps lon/lat to kilometres east and north of centre.
func localProjection(centre orb.Point) orb.Projection {
	rad := math.Pi / 180
	kx := earthRadiusKm * rad * math.Cos(centre[1]*rad)
	ky := earthRadiusKm * rad
	return func(p orb.Point) orb.Point {
		dlon := p[0] - centre[0]
		if dlon > 180 {
			dlon -= 360
		} else if dlon < -180 {
			dlon += 360
		}
		return orb.Point{dlon * kx, (p[1] - centre[1]) * ky}
	}
}

// ExpandKm returns b grown by km on every side, in degrees, for a coarse
// prefilter before DistanceKm decides.
func ExpandKm(b orb.Bound, km float64) orb.Bound {
	kmPerDegLat := earthRadiusKm * math.Pi / 180
	dLat := km / kmPerDegLat
	maxLat := math.Min(89, math.Max(math.Abs(b.Min[1]), math.Abs(b.Max[1]))+dLat)
	dLon := km / (kmPerDegLat * math.Cos(maxLat*math.Pi/180))
	return orb.Bound{
		Min: orb.Point{math.Max(-180, b.Min[0]-dLon), math.Max(-90, b.Min[1]-dLat)},
		Max: orb.Point{math.Min(180, b.Max[0]+dLon), math.Min(90, b.Max[1]+dLat)},
	}
}

// AnnotateBorderDistance sets, on every point feature, afghan_border_km
// (its distance from Afghanistan's border, to 0.1 km) and afghan_border_side
// ("inside" or "outside"), given Afghanistan's polygon.
func AnnotateBorderDistance(features []Feature, afghanistan orb.Geometry) {
	if afghanistan == nil {
		return
	}
	for i := range features {
		p, ok := features[i].Geometry.(orb.Point)
		if !ok {
			continue
		}
		side := "outside"
		if contains(afghanistan, p) {
			side = "inside"
		}
		features[i].Properties["afghan_border_km"] = math.Round(DistanceKm(afghanistan, p)*10) / 10
		features[i].Properties["afghan_border_side"] = side
	}
}

func contains(g orb.Geometry, p orb.Point) bool {
	switch g := g.(type) {
	case orb.Polygon:
		return planar.PolygonContains(g, p)
	case orb.MultiPolygon:
		return planar.MultiPolygonContains(g, p)
	}
	return false
}
