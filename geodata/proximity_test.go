package geodata_test

import (
	"math"
	"math/rand/v2"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

func TestDistanceKm(t *testing.T) {
	// A meridian segment at 67E from 30N to 40N.
	line := orb.LineString{{67, 30}, {67, 40}}
	square := orb.Polygon{{{66, 36}, {68, 36}, {68, 38}, {66, 38}, {66, 36}}}
	tests := []struct {
		name string
		g    orb.Geometry
		p    orb.Point
		want float64
	}{
		{"east of a meridian line", line, orb.Point{68, 35}, geo.Distance(orb.Point{67, 35}, orb.Point{68, 35})},
		{"beyond the end of the line", line, orb.Point{67, 41}, geo.Distance(orb.Point{67, 40}, orb.Point{67, 41})},
		{"on the line", line, orb.Point{67, 33}, 0},
		{"inside a polygon: distance to its edge", square, orb.Point{67, 37.5}, geo.Distance(orb.Point{67, 38}, orb.Point{67, 37.5})},
		{"outside a polygon", square, orb.Point{69, 37}, geo.Distance(orb.Point{68, 37}, orb.Point{69, 37})},
		{"to a point", orb.Point{69.17, 34.53}, orb.Point{67.28, 37.22}, geo.Distance(orb.Point{69.17, 34.53}, orb.Point{67.28, 37.22})},
	}
	for _, tc := range tests {
		got := geodata.DistanceKm(tc.g, tc.p)
		want := tc.want / 1000
		if math.Abs(got-want) > 0.01*want+0.01 {
			t.Errorf("%s: DistanceKm = %.2f km, want %.2f km (within 1%%)", tc.name, got, want)
		}
	}
}

func TestExpandKmCoversDistance(t *testing.T) {
	b := orb.Bound{Min: orb.Point{60, 29}, Max: orb.Point{75, 38.5}}
	grown := geodata.ExpandKm(b, 100)
	for _, p := range []orb.Point{{75.9, 38.5}, {60, 39.3}, {59.1, 29}} {
		if d := geodata.DistanceKm(b.ToPolygon(), p); d <= 100 && !grown.Contains(p) {
			t.Errorf("point %v is %.1f km from the box but outside the grown box %v", p, d, grown)
		}
	}
}

func TestAnnotateBorderDistance(t *testing.T) {
	afg := orb.MultiPolygon{{{{60, 29}, {75, 29}, {75, 38}, {60, 38}, {60, 29}}}}
	features := []geodata.Feature{
		{ID: "in", Geometry: orb.Point{67, 37}, Properties: map[string]any{}},
		{ID: "out", Geometry: orb.Point{67, 39}, Properties: map[string]any{}},
		{ID: "line", Geometry: orb.LineString{{1, 1}, {2, 2}}, Properties: map[string]any{}},
	}
	geodata.AnnotateBorderDistance(features, afg)
	if got := features[0].Properties["afghan_border_side"]; got != "inside" {
		t.Errorf("point inside: side = %v, want inside", got)
	}
	if got := features[1].Properties["afghan_border_side"]; got != "outside" {
		t.Errorf("point outside: side = %v, want outside", got)
	}
	if km, _ := features[0].Properties["afghan_border_km"].(float64); math.Abs(km-111.2) > 1.5 {
		t.Errorf("point 1 degree inside: afghan_border_km = %v, want about 111", km)
	}
	if _, ok := features[2].Properties["afghan_border_km"]; ok {
		t.Error("a line was annotated; only points should be")
	}
}

func TestMeasureContains(t *testing.T) {
	withHole := orb.Polygon{
		{{0, 0}, {10, 0}, {10, 10}, {0, 10}, {0, 0}},
		{{4, 4}, {4, 6}, {6, 6}, {6, 4}, {4, 4}},
	}
	m := geodata.NewMeasure(orb.MultiPolygon{withHole, {{{20, 0}, {22, 0}, {22, 2}, {20, 0}}}})
	tests := []struct {
		p    orb.Point
		want bool
	}{
		{orb.Point{1, 1}, true},
		{orb.Point{5, 5}, false}, // in the hole
		{orb.Point{11, 5}, false},
		{orb.Point{21.5, 0.5}, true}, // second polygon
		{orb.Point{-1, 5}, false},
	}
	for _, tc := range tests {
		if got := m.Contains(tc.p); got != tc.want {
			t.Errorf("Contains(%v) = %v, want %v", tc.p, got, tc.want)
		}
	}
	if geodata.NewMeasure(orb.LineString{{0, 0}, {1, 1}}).Contains(orb.Point{0.5, 0.5}) {
		t.Error("a line contains nothing")
	}
}

// WithinKm answers as DistanceKm does, for points near and far from a
// long ragged line and a polygon, and at exactly the distance.
func TestWithinKmAgreesWithDistanceKm(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 9))
	var line orb.LineString
	for i := range 2000 {
		line = append(line, orb.Point{60 + float64(i)*0.007, 35 + 0.3*math.Sin(float64(i)/15) + r.Float64()*0.01})
	}
	targets := map[string]*geodata.Measure{
		"line":    geodata.NewMeasure(line),
		"polygon": geodata.NewMeasure(orb.Polygon{{{60, 29}, {75, 29}, {75, 38.5}, {60, 38.5}, {60, 29}}}),
	}
	for name, m := range targets {
		for range 3000 {
			p := orb.Point{58 + r.Float64()*20, 27 + r.Float64()*14}
			km := r.Float64() * 300
			d := m.DistanceKm(p)
			if got, want := m.WithinKm(p, km), d <= km; got != want {
				t.Errorf("%s: WithinKm(%v, %g) = %v; DistanceKm %g", name, p, km, got, d)
			}
			if !m.WithinKm(p, d) {
				t.Errorf("%s: WithinKm(%v, its own distance %g) = false", name, p, d)
			}
			if !m.Within(p, d) {
				t.Errorf("%s: Within(%v, %g) = false", name, p, d)
			}
		}
	}
}

func TestIntersectBounds(t *testing.T) {
	box := func(x0, y0, x1, y1 float64) orb.Bound {
		return orb.Bound{Min: orb.Point{x0, y0}, Max: orb.Point{x1, y1}}
	}
	tests := []struct {
		name string
		a, b orb.Bound
		want orb.Bound
		ok   bool
	}{
		{"overlap", box(0, 0, 2, 2), box(1, 1, 3, 3), box(1, 1, 2, 2), true},
		{"inside", box(0, 0, 10, 10), box(2, 3, 4, 5), box(2, 3, 4, 5), true},
		{"touching edges share a line", box(0, 0, 1, 1), box(1, 0, 2, 1), box(1, 0, 1, 1), true},
		{"apart", box(0, 0, 1, 1), box(2, 2, 3, 3), orb.Bound{}, false},
	}
	for _, tt := range tests {
		got, ok := geodata.IntersectBounds(tt.a, tt.b)
		if ok != tt.ok || ok && got != tt.want {
			t.Errorf("%s: IntersectBounds = %v, %v; want %v, %v", tt.name, got, ok, tt.want, tt.ok)
		}
	}
}

// TestDistanceKmIsTheNearestSegment checks the pruned search against
// measuring every segment of a wiggly line, one by one, from points near
// it and far from it (where the first run found matters most).
func TestDistanceKmIsTheNearestSegment(t *testing.T) {
	r := rand.New(rand.NewPCG(11, 3))
	var line orb.LineString
	for i := range 3000 {
		line = append(line, orb.Point{60 + float64(i)*0.005, 35 + 2*math.Sin(float64(i)/40) + r.Float64()*0.02})
	}
	m := geodata.NewMeasure(line)
	for range 2000 {
		p := orb.Point{20 + r.Float64()*80, 10 + r.Float64()*50}
		want := math.Inf(1)
		for i := 0; i+1 < len(line); i++ {
			want = math.Min(want, geodata.DistanceKm(orb.LineString{line[i], line[i+1]}, p))
		}
		if got := m.DistanceKm(p); math.Abs(got-want) > 1e-9*want {
			t.Fatalf("DistanceKm(%v) = %.9f km, the nearest of every segment is %.9f km", p, got, want)
		}
	}
}
