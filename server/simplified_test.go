package server_test

import (
	"encoding/json"
	"math"
	"net/http"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/server"
	"github.com/paulmach/orb"
)

// wigglyLayers is one river of 60 points that zigzag by a hundredth of a
// degree: simplified away at a low zoom, all there at a close one.
func wigglyLayers() []geodata.LayerData {
	line := make(orb.LineString, 60)
	for i := range line {
		line[i] = orb.Point{60 + 0.1*float64(i), 37 + 0.01*math.Mod(float64(i), 2)}
	}
	src := []any{map[string]any{"title": "Test", "publisher": "Test", "url": "https://example.org/r", "date": "2022-05-01"}}
	return []geodata.LayerData{{
		Layer:    geodata.Layer{ID: "rivers", Title: "Rivers", GeometryKind: "LineString"},
		Features: []geodata.Feature{{ID: "amu", Geometry: line, Properties: map[string]any{"name": "Amu", "sources": src}}},
	}}
}

// TestItemsSayWhetherGeometryIsSimplified: a page asked for with zoom says
// in X-Geometry-Simplified whether any geometry lost points, on the cached
// path (small pages) and the spooled one (large pages) alike; "false" only
// when the geometry is the stored one, and no header without zoom.
func TestItemsSayWhetherGeometryIsSimplified(t *testing.T) {
	h := server.New(testConfig(), newSeededDB(t, wigglyLayers()), nil, discardLogger())
	points := func(target string) (int, string) {
		rec := do(t, h, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status = %d, want 200: %s", target, rec.Code, rec.Body.String())
		}
		var fc struct {
			Features []struct {
				Geometry struct {
					Coordinates [][]float64 `json:"coordinates"`
				} `json:"geometry"`
			} `json:"features"`
		}
		if err := json.Unmarshal(rec.Body.Bytes(), &fc); err != nil || len(fc.Features) != 1 {
			t.Fatalf("GET %s: want one feature, got %v (%v)", target, len(fc.Features), err)
		}
		return len(fc.Features[0].Geometry.Coordinates), rec.Header().Get("X-Geometry-Simplified")
	}
	stored, header := points("/api/collections/rivers/items")
	if stored != 60 || header != "" {
		t.Fatalf("without zoom: %d points, X-Geometry-Simplified %q; want 60 and none", stored, header)
	}
	for _, tc := range []struct {
		name, query, want string
	}{
		{"far out, cached page", "zoom=2&limit=10", "true"},
		{"far out, spooled page", "zoom=2&limit=5000", "true"},
		{"close in, cached page", "zoom=22&limit=10", "false"},
		{"close in, spooled page", "zoom=22&limit=5000", "false"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			target := "/api/collections/rivers/items?" + tc.query
			n, got := points(target)
			if got != tc.want {
				t.Errorf("GET %s: X-Geometry-Simplified = %q, want %q", target, got, tc.want)
			}
			if whole := n == stored; whole != (tc.want == "false") {
				t.Errorf("GET %s: %d of %d points, but the header says simplified %s", target, n, stored, got)
			}
		})
	}
}
