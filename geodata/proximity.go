package geodata

import (
	"math"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// earthRadiusKm is the mean radius of the Earth.
const earthRadiusKm = 6371.0088

// DistanceKm returns the distance in kilometres from p to the nearest part
// of g: its points, its lines, or the boundary of its polygons (a point
// inside a polygon is as far from it as from its edge). To measure many
// points against one geometry, make a Measure once.
func DistanceKm(g orb.Geometry, p orb.Point) float64 {
	return NewMeasure(g).DistanceKm(p)
}

// Measure measures distances from points to one geometry. It keeps the
// geometry as segments in runs of consecutive ones, each run and segment
// with its bounding box, so a cheap box test rules most of them out: a
// border's consecutive segments lie close together, so the runs' boxes
// are tight.
type Measure struct {
	segs []segment
	runs []run
	// rings is set when every segment belongs to a polygon ring, so
	// Contains can count crossings.
	rings bool
}

// runLength is how many consecutive segments share a box.
const runLength = 32

type run struct {
	box        orb.Bound
	start, end int
}

type segment struct {
	a, b orb.Point
	box  orb.Bound
}

// NewMeasure prepares g for measuring. A nil g is infinitely far away.
func NewMeasure(g orb.Geometry) *Measure {
	m := &Measure{}
	if g != nil {
		addSegments(m, g)
		switch g.(type) {
		case orb.Polygon, orb.MultiPolygon, orb.Ring, orb.Bound:
			m.rings = true
		}
	}
	for start := 0; start < len(m.segs); start += runLength {
		r := run{start: start, end: min(start+runLength, len(m.segs)), box: m.segs[start].box}
		for _, s := range m.segs[r.start:r.end] {
			r.box = r.box.Union(s.box)
		}
		m.runs = append(m.runs, r)
	}
	return m
}

func addSegments(m *Measure, g orb.Geometry) {
	line := func(pts []orb.Point) {
		for i := 0; i+1 < len(pts); i++ {
			m.segs = append(m.segs, segment{a: pts[i], b: pts[i+1], box: orb.MultiPoint{pts[i], pts[i+1]}.Bound()})
		}
	}
	switch g := g.(type) {
	case orb.Point:
		m.segs = append(m.segs, segment{a: g, b: g, box: g.Bound()})
	case orb.MultiPoint:
		for _, p := range g {
			addSegments(m, p)
		}
	case orb.LineString:
		line(g)
	case orb.MultiLineString:
		for _, l := range g {
			line(l)
		}
	case orb.Ring:
		line(g)
	case orb.Polygon:
		for _, r := range g {
			line(r)
		}
	case orb.MultiPolygon:
		for _, poly := range g {
			addSegments(m, poly)
		}
	case orb.Collection:
		for _, c := range g {
			addSegments(m, c)
		}
	case orb.Bound:
		addSegments(m, g.ToPolygon())
	}
}

// DistanceKm returns the distance in kilometres from p to the geometry. It
// measures in an equirectangular projection centred on p, which is within
// about 1% of the great-circle distance out to several hundred kilometres.
func (m *Measure) DistanceKm(p orb.Point) float64 {
	return m.nearestKm(p, math.Inf(1), false)
}

// WithinKm reports whether DistanceKm(p) <= km, looking only at the
// segments whose boxes lie within km of p and stopping at the first
// within it: on a border of thousands of segments, a few of them.
func (m *Measure) WithinKm(p orb.Point, km float64) bool {
	return m.nearestKm(p, km, true) <= km
}

// Within reports whether g lies within km of the geometry, as
// GeometryKm(g) <= km does.
func (m *Measure) Within(g orb.Geometry, km float64) bool {
	if p, ok := g.(orb.Point); ok {
		return m.WithinKm(p, km)
	}
	return m.GeometryKm(g) <= km
}

// nearestKm returns the distance from p to the nearest segment when it is
// at most bound, and some distance above bound otherwise; with first, any
// distance within bound, the first found.
func (m *Measure) nearestKm(p orb.Point, bound float64, first bool) float64 {
	rad := math.Pi / 180
	kx := earthRadiusKm * rad * math.Cos(p[1]*rad)
	ky := earthRadiusKm * rad
	toKm := func(q orb.Point) orb.Point {
		return orb.Point{wrapLon(q[0]-p[0]) * kx, (q[1] - p[1]) * ky}
	}
	// A box's distance is a lower bound for what lies in it.
	boxKm2 := func(b orb.Bound) float64 {
		dx, dy := 0.0, 0.0
		if d := b.Min[0] - p[0]; d > 0 {
			dx = d * kx
		} else if d := p[0] - b.Max[0]; d > 0 {
			dx = d * kx
		}
		if d := b.Min[1] - p[1]; d > 0 {
			dy = d * ky
		} else if d := p[1] - b.Max[1]; d > 0 {
			dy = d * ky
		}
		return dx*dx + dy*dy
	}
	best := math.Inf(1)
	// far2 is the square of the distance past which nothing can matter:
	// the bound (a hair over, for rounding), then the best found.
	far2 := bound * (1 + 1e-12)
	far2 *= far2
	measure := func(r run) bool {
		for _, s := range m.segs[r.start:r.end] {
			if boxKm2(s.box) > far2 {
				continue
			}
			if d := planar.DistanceFromSegment(toKm(s.a), toKm(s.b), orb.Point{}); d < best {
				best = d
				if first && best <= bound {
					return true
				}
				far2 = min(far2, best*best)
			}
		}
		return false
	}
	// With no bound, the run whose box is nearest goes first: what it
	// holds bounds the distance at once, so the box test rules out most
	// other runs. (With one, the bound does that from the start.)
	near := -1
	if math.IsInf(bound, 1) {
		nearKm2 := math.Inf(1)
		for i, r := range m.runs {
			if d := boxKm2(r.box); d < nearKm2 {
				near, nearKm2 = i, d
			}
		}
	}
	if near >= 0 && measure(m.runs[near]) {
		return best
	}
	for i, r := range m.runs {
		if i == near || boxKm2(r.box) > far2 {
			continue
		}
		if measure(r) {
			return best
		}
	}
	return best
}

// Contains reports whether p lies inside the polygons the Measure was made
// from (even-odd rule, so holes are outside); false for other geometries.
func (m *Measure) Contains(p orb.Point) bool {
	if !m.rings {
		return false
	}
	inside := false
	for _, r := range m.runs {
		if r.box.Max[0] < p[0] || r.box.Min[1] > p[1] || r.box.Max[1] < p[1] {
			continue
		}
		for _, s := range m.segs[r.start:r.end] {
			a, b := s.a, s.b
			if (a[1] > p[1]) != (b[1] > p[1]) {
				x := a[0] + (p[1]-a[1])*(b[0]-a[0])/(b[1]-a[1])
				if x > p[0] {
					inside = !inside
				}
			}
		}
	}
	return inside
}

func wrapLon(d float64) float64 {
	switch {
	case d > 180:
		return d - 360
	case d < -180:
		return d + 360
	}
	return d
}

// IntersectBounds returns the box two boxes share, and false when they
// share none (touching edges share a line, which counts).
func IntersectBounds(a, b orb.Bound) (orb.Bound, bool) {
	out := orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}
	return out, out.Min[0] <= out.Max[0] && out.Min[1] <= out.Max[1]
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
	AnnotateBorderDistanceWith(NewMeasure(afghanistan), features)
}

// AnnotateBorderDistanceWith is AnnotateBorderDistance with Afghanistan's
// border made ready once, for a stream of features.
func AnnotateBorderDistanceWith(border *Measure, features []Feature) {
	if border == nil || len(border.segs) == 0 {
		return
	}
	for i := range features {
		p, ok := features[i].Geometry.(orb.Point)
		if !ok {
			continue
		}
		side := "outside"
		if border.Contains(p) {
			side = "inside"
		}
		features[i].Properties["afghan_border_km"] = math.Round(border.DistanceKm(p)*10) / 10
		features[i].Properties["afghan_border_side"] = side
	}
}

// Boxes returns the bounding boxes of the geometry's runs of segments:
// together they cover it, tightly, so a search for what lies near it can
// look around each instead of around the whole geometry's box.
func (m *Measure) Boxes() []orb.Bound {
	out := make([]orb.Bound, len(m.runs))
	for i, r := range m.runs {
		out[i] = r.box
	}
	return out
}

// Segments returns how many segments the Measure holds, a measure of what
// it costs in memory.
func (m *Measure) Segments() int { return len(m.segs) }

// GeometryKm returns the distance in kilometres between g and the
// geometry: 0 when they touch or cross; else the nearest approach, which
// for lines and polygons is at a vertex of one of them. (A point inside a
// polygon is as far from it as from its edge, as for DistanceKm.)
func (m *Measure) GeometryKm(g orb.Geometry) float64 {
	if p, ok := g.(orb.Point); ok {
		return m.DistanceKm(p)
	}
	other := NewMeasure(g)
	best := math.Inf(1)
	for p := range Points(g) {
		best = math.Min(best, m.DistanceKm(p))
	}
	for _, s := range m.segs {
		best = math.Min(best, math.Min(other.DistanceKm(s.a), other.DistanceKm(s.b)))
	}
	if best > 0 && m.crosses(other) {
		return 0
	}
	return best
}

// crosses reports whether a segment of m crosses one of o.
func (m *Measure) crosses(o *Measure) bool {
	for _, r := range m.runs {
		for _, q := range o.runs {
			if !r.box.Intersects(q.box) {
				continue
			}
			for _, s := range m.segs[r.start:r.end] {
				for _, t := range o.segs[q.start:q.end] {
					if s.box.Intersects(t.box) && segmentsCross(s.a, s.b, t.a, t.b) {
						return true
					}
				}
			}
		}
	}
	return false
}

// segmentsCross reports whether segments ab and cd share a point.
func segmentsCross(a, b, c, d orb.Point) bool {
	side := func(p, q, r orb.Point) float64 {
		return (q[0]-p[0])*(r[1]-p[1]) - (q[1]-p[1])*(r[0]-p[0])
	}
	d1, d2 := side(c, d, a), side(c, d, b)
	d3, d4 := side(a, b, c), side(a, b, d)
	return (d1 > 0) != (d2 > 0) && (d3 > 0) != (d4 > 0) && d1 != 0 && d2 != 0 && d3 != 0 && d4 != 0
}

// Bound is the bounding box of the measured geometry.
func (m *Measure) Bound() orb.Bound {
	if len(m.runs) == 0 {
		return orb.Bound{Min: orb.Point{1, 1}, Max: orb.Point{-1, -1}}
	}
	b := m.runs[0].box
	for _, r := range m.runs[1:] {
		b = b.Union(r.box)
	}
	return b
}
