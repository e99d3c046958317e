package geodata_test

import (
	"fmt"
	"math"
	"net/url"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// vertices counts the points of g.
func vertices(g orb.Geometry) int {
	n := 0
	for range geodata.Points(g) {
		n++
	}
	return n
}

// ringsValid reports whether every ring of g is closed with at least four
// points and every polygon has its outer ring.
func ringsValid(g orb.Geometry) bool {
	switch g := g.(type) {
	case orb.Polygon:
		if len(g) == 0 {
			return false
		}
		for _, r := range g {
			if len(r) < 4 || !r.Closed() {
				return false
			}
		}
	case orb.MultiPolygon:
		if len(g) == 0 {
			return false
		}
		for _, p := range g {
			if !ringsValid(p) {
				return false
			}
		}
	}
	return true
}

func seedLayer(t *testing.T, id string) []geodata.Feature {
	t.Helper()
	layers, err := seed.Load()
	if err != nil {
		t.Fatal(err)
	}
	for _, l := range layers {
		if l.Layer.ID == id {
			return l.Features
		}
	}
	t.Fatalf("no seed layer %s", id)
	return nil
}

// TestSimplifySeedLayers checks that simplifying the curated polygons and
// lines draws far fewer vertices while borders keep their area within a few
// per cent at the first view's zoom.
func TestSimplifySeedLayers(t *testing.T) {
	tests := []struct {
		layer        string
		zoom         int
		maxShare     float64 // most vertices kept, as a share of the original
		maxAreaDrift float64 // largest relative change of any feature's area
	}{
		{"borders", 3, 0.10, 0.25},
		{"borders", 5, 0.25, 0.03},
		{"borders", 8, 0.80, 0.005},
		{"gbao", 5, 0.50, 0.03},
		{"railways", 5, 0.95, 0},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%s at zoom %d", tc.layer, tc.zoom), func(t *testing.T) {
			features := seedLayer(t, tc.layer)
			before := 0
			for _, f := range features {
				before += vertices(f.Geometry)
			}
			simplified := geodata.SimplifyFeatures(features, tc.zoom)
			after, worst := 0, 0.0
			for i, f := range simplified {
				after += vertices(f.Geometry)
				if !ringsValid(f.Geometry) {
					t.Errorf("%s/%s at zoom %d: a ring has fewer than 4 points or is open", tc.layer, f.ID, tc.zoom)
				}
				if f.ID != features[i].ID {
					t.Errorf("feature %d: id = %s, want %s", i, f.ID, features[i].ID)
				}
				if tc.maxAreaDrift == 0 {
					continue
				}
				a, b := geo.Area(features[i].Geometry), geo.Area(f.Geometry)
				drift := math.Abs(b-a) / a
				worst = max(worst, drift)
				if drift > tc.maxAreaDrift {
					t.Errorf("%s/%s at zoom %d: area changed by %.2f%%, want at most %.2f%%", tc.layer, f.ID, tc.zoom, 100*drift, 100*tc.maxAreaDrift)
				}
			}
			if share := float64(after) / float64(before); share > tc.maxShare {
				t.Errorf("%s at zoom %d: %d of %d vertices kept (%.0f%%), want at most %.0f%%", tc.layer, tc.zoom, after, before, 100*share, 100*tc.maxShare)
			}
			t.Logf("%s at zoom %d: %d -> %d vertices, largest area change %.2f%%", tc.layer, tc.zoom, before, after, 100*worst)
		})
	}
}

func TestSimplifyShapes(t *testing.T) {
	// A square of 1 degree with a hole of 0.001 degree and a zig-zag edge.
	square := orb.Ring{{0, 0}, {0.5, 0.0001}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}
	speck := orb.Ring{{0.5, 0.5}, {0.501, 0.5}, {0.501, 0.501}, {0.5, 0.5}}
	tiny := orb.Ring{{5, 5}, {5.0001, 5}, {5.0001, 5.0001}, {5, 5}}
	tests := []struct {
		name string
		in   orb.Geometry
		zoom int
		want orb.Geometry
	}{
		{"point", orb.Point{1, 2}, 0, orb.Point{1, 2}},
		{"line keeps its ends", orb.LineString{{0, 0}, {0.5, 0.0001}, {1, 0}}, 5, orb.LineString{{0, 0}, {1, 0}}},
		{"hole that collapses is dropped", orb.Polygon{square, speck}, 5, orb.Polygon{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}},
		{"tiny polygon keeps its outer ring", orb.Polygon{tiny}, 0, orb.Polygon{tiny}},
		{"collapsed part is dropped", orb.MultiPolygon{{square}, {tiny}}, 5, orb.MultiPolygon{{{{0, 0}, {1, 0}, {1, 1}, {0, 1}, {0, 0}}}}},
		{"all parts collapse: largest kept", orb.MultiPolygon{{tiny}, {speck}}, 0, orb.MultiPolygon{{speck}}},
		{"full detail at zoom 22", orb.Polygon{square}, 22, orb.Polygon{square}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			in := orb.Clone(tc.in)
			got := geodata.Simplify(in, tc.zoom)
			if !orb.Equal(got, tc.want) {
				t.Errorf("Simplify(%v, %d) = %v, want %v", tc.in, tc.zoom, got, tc.want)
			}
			if !orb.Equal(in, tc.in) {
				t.Errorf("Simplify changed its input to %v", in)
			}
		})
	}
}

func TestParseZoom(t *testing.T) {
	polygons := geodata.Layer{ID: "borders", GeometryKind: "MultiPolygon"}
	points := geodata.Layer{ID: "places", GeometryKind: "Point"}
	tests := []struct {
		name    string
		layer   geodata.Layer
		value   string
		want    int
		wantErr string
	}{
		{"zero", polygons, "0", 0, ""},
		{"first view", polygons, "5", 5, ""},
		{"deepest", polygons, "22", 22, ""},
		{"too deep", polygons, "23", 0, "from 0 to 22"},
		{"negative", polygons, "-1", 0, "from 0 to 22"},
		{"fraction", polygons, "5.5", 0, "whole number"},
		{"empty", polygons, "", 0, "whole number"},
		{"points", points, "5", 0, "lines and polygons"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q, err := geodata.ParseItemsQuery(tc.layer, url.Values{"zoom": {tc.value}})
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("zoom=%q: err = %v, want one containing %q", tc.value, err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("zoom=%q: %v", tc.value, err)
			}
			if q.Zoom == nil || *q.Zoom != tc.want {
				t.Errorf("zoom=%q: Zoom = %v, want %d", tc.value, q.Zoom, tc.want)
			}
		})
	}
}
