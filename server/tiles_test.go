package server_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/tiles"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/maptile"
)

func decodeTile(t *testing.T, body []byte) mvt.Layers {
	t.Helper()
	layers, err := mvt.Unmarshal(body)
	if err != nil {
		t.Fatalf("tile is not an MVT: %v", err)
	}
	return layers
}

// TestTiles reads tiles as a map client would: the incidents in a tile
// come back where they are, with their properties, and filters apply.
func TestTiles(t *testing.T) {
	h, _ := newTestServer(t)
	// Zoom 6 tile holding Termez (67.28, 37.22).
	mt := maptile.At(orb.Point{67.28, 37.22}, 6)
	path := func(q string) string {
		return "/api/collections/incidents/tiles/WebMercatorQuad/6/" + strconv.Itoa(int(mt.Y)) + "/" + strconv.Itoa(int(mt.X)) + q
	}
	rec := do(t, h, http.MethodGet, path(""), nil)
	if rec.Code != http.StatusOK || rec.Header().Get("Content-Type") != tiles.MediaType {
		t.Fatalf("GET tile: %d %s %s", rec.Code, rec.Header().Get("Content-Type"), rec.Body)
	}
	layers := decodeTile(t, rec.Body.Bytes())
	if len(layers) != 1 || layers[0].Name != "incidents" || len(layers[0].Features) != 1 {
		t.Fatalf("tile layers = %+v, want incidents with Termez", layers)
	}
	f := layers[0].Features[0]
	if f.Properties["id"] != "termez" || f.Properties["category"] != "attack" {
		t.Errorf("feature properties = %v", f.Properties)
	}
	// The tile carries every scalar property of the feature as the API
	// has it, and none of its lists or objects.
	item := do(t, h, http.MethodGet, "/api/collections/incidents/items/termez", nil)
	var whole struct{ Properties map[string]any }
	if err := json.Unmarshal(item.Body.Bytes(), &whole); err != nil || len(whole.Properties) == 0 {
		t.Fatalf("GET termez: %v %s", err, item.Body)
	}
	for k, v := range whole.Properties {
		switch v.(type) {
		case []any, map[string]any:
			if _, ok := f.Properties[k]; ok {
				t.Errorf("tile property %s = %v; lists and objects stay out of tiles", k, f.Properties[k])
			}
		case nil:
		default:
			if got := f.Properties[k]; got != v {
				t.Errorf("tile property %s = %v (%T), the feature has %v (%T)", k, got, got, v, v)
			}
		}
	}
	layers.ProjectToWGS84(mt)
	if p, ok := layers[0].Features[0].Geometry.(orb.Point); !ok || absf(p[0]-67.28) > 0.05 || absf(p[1]-37.22) > 0.05 {
		t.Errorf("Termez drawn at %v", layers[0].Features[0].Geometry)
	}
	rec = do(t, h, http.MethodGet, path("?category=unrest"), nil)
	if l := decodeTile(t, rec.Body.Bytes()); len(l) != 1 || len(l[0].Features) != 0 {
		t.Errorf("filtered tile holds %v, want none", l)
	}
	for _, bad := range []string{
		"/api/collections/incidents/tiles/WebMercatorQuad/6/99/1",
		"/api/collections/incidents/tiles/WebMercatorQuad/40/0/0",
		"/api/collections/incidents/tiles/WebMercatorQuad/x/0/0",
		path("?bbox=1,2,3,4"),
		path("?limit=4"),
	} {
		if rec := do(t, h, http.MethodGet, bad, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("GET %s: %d, want 400", bad, rec.Code)
		}
	}
	for _, missing := range []string{"/api/collections/incidents/tiles/OtherQuad/1/0/0", "/api/collections/nope/tiles/WebMercatorQuad/1/0/0"} {
		if rec := do(t, h, http.MethodGet, missing, nil); rec.Code != http.StatusNotFound {
			t.Errorf("GET %s: %d, want 404", missing, rec.Code)
		}
	}
}

// TestTileOfManyPointsHoldsClusters: a tile holds up to tiles.MaxPoints
// features one by one; past that it holds clusters, at most 34 by 34
// (cells of 8 px, and the buffer), whose counts add up to every point in
// it. Either way no tile grows with the data.
func TestTileOfManyPointsHoldsClusters(t *testing.T) {
	world := worldOfIncidents(4)
	for _, tc := range []struct {
		name     string
		data     []geodata.LayerData
		points   int
		clusters bool
	}{
		{"at the limit", manyIncidents(tiles.MaxPoints), tiles.MaxPoints, false},
		{"one past it", manyIncidents(tiles.MaxPoints + 1), tiles.MaxPoints + 1, true},
		{"a dense region", manyIncidents(2500), 2500, true},
		{"the whole world", world, len(world[0].Features), true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newCacheServer(t, testConfig(), tc.data)
			rec := do(t, h, http.MethodGet, "/api/collections/incidents/tiles/WebMercatorQuad/0/0/0", nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("tile: %d %s", rec.Code, rec.Body)
			}
			features := decodeTile(t, rec.Body.Bytes())[0].Features
			total, ids := 0, map[any]bool{}
			for _, f := range features {
				if (f.Properties["cluster"] == true) != tc.clusters {
					t.Fatalf("%d points: feature %v; want clusters: %v", tc.points, f.Properties, tc.clusters)
				}
				if tc.clusters {
					total += int(f.Properties["count"].(float64))
				} else {
					total++
					ids[f.Properties["id"]] = true
				}
			}
			if total != tc.points || len(features) > 34*34 {
				t.Errorf("the tile holds %d points in %d features, want %d in at most %d", total, len(features), tc.points, 34*34)
			}
			if !tc.clusters && len(ids) != tc.points {
				t.Errorf("the tile holds %d distinct ids, want %d", len(ids), tc.points)
			}
		})
	}
}

// worldOfIncidents places an incident every step degrees from 180W to
// 180E and 80S to 80N, the latitudes tile 0/0/0 shows.
func worldOfIncidents(step float64) []geodata.LayerData {
	data := manyIncidents(1)
	proto := data[0].Features[0]
	data[0].Features = nil
	for lat := -80.0; lat <= 80; lat += step {
		for lon := -178.0; lon < 180; lon += step {
			f := proto
			f.ID = fmt.Sprintf("w%d", len(data[0].Features))
			f.Geometry = orb.Point{lon, lat}
			data[0].Features = append(data[0].Features, f)
		}
	}
	return data
}

func TestTileSetsDescribeTheTemplate(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/collections/incidents/tiles", nil)
	var body struct {
		TileSets []struct {
			Links []struct{ Rel, Href string }
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &body); err != nil || len(body.TileSets) != 1 {
		t.Fatalf("tilesets: %d %s", rec.Code, rec.Body)
	}
	found := false
	for _, l := range body.TileSets[0].Links {
		found = found || l.Rel == "item" && strings.HasSuffix(l.Href, "/api/collections/incidents/tiles/WebMercatorQuad/{tileMatrix}/{tileRow}/{tileCol}")
	}
	if !found {
		t.Errorf("no templated item link: %s", rec.Body)
	}
	if rec := do(t, h, http.MethodGet, "/api/tileMatrixSets/WebMercatorQuad", nil); rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), `"matrixWidth":256`) {
		t.Errorf("tile matrix set: %d %.200s", rec.Code, rec.Body)
	}
}

func absf(f float64) float64 {
	if f < 0 {
		return -f
	}
	return f
}
