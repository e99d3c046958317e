package server_test

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"testing"
	"testing/fstest"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/server"
	"github.com/paulmach/orb"
)

// testLayers is a small world: three incidents, a railway and a place.
func testLayers() []geodata.LayerData {
	src := []any{map[string]any{"title": "Test report", "publisher": "Test", "url": "https://example.org/r", "date": "2022-05-01"}}
	incident := func(id string, p orb.Point, date, category, confidence string) geodata.Feature {
		return geodata.Feature{ID: id, Geometry: p, Properties: map[string]any{
			"title": "Incident " + id, "date": date, "category": category, "confidence": confidence,
			"precision": "town", "country": "UZB", "actor": "ISKP", "fatalities": nil, "sources": src,
		}}
	}
	return []geodata.LayerData{
		{
			Layer: geodata.Layer{ID: "incidents", Title: "Incidents", GeometryKind: "Point", Queryables: []string{"category", "actor", "country", "confidence"}},
			Features: []geodata.Feature{
				incident("termez", orb.Point{67.28, 37.22}, "2022-04-18", "attack", "disputed"),
				incident("kabul", orb.Point{69.17, 34.53}, "2022-12-12", "attack", "confirmed"),
				incident("almaty", orb.Point{76.95, 43.24}, "2022-01-05", "unrest", "confirmed"),
			},
		},
		{
			Layer: geodata.Layer{ID: "railways", Title: "Railways", GeometryKind: "LineString", Queryables: []string{"status"}},
			Features: []geodata.Feature{{ID: "hairatan-mazar", Geometry: orb.LineString{{67.42, 37.21}, {67.1, 36.7}},
				Properties: map[string]any{"name": "Hairatan–Mazar-i-Sharif", "status": "operating", "sources": src}}},
		},
		{
			Layer:    geodata.Layer{ID: "places", Title: "Places", GeometryKind: "Point"},
			Features: []geodata.Feature{{ID: "x", Geometry: orb.Point{69.2, 34.5}, Properties: map[string]any{"name": `<img src=x onerror="alert(1)">`, "sources": src}}},
		},
	}
}

// newTestServer returns the real app over a real SQLite file seeded with
// testLayers, and the store for tests that change data.
func newTestServer(t testing.TB) (http.Handler, testStore) {
	t.Helper()
	db := newSeededDB(t, testLayers())
	assets := fstest.MapFS{
		"index.html":        {Data: []byte("<!doctype html><title>casmap</title>")},
		"main-ABCDEF12.js":  {Data: []byte("console.log(1)")},
		"assets/marker.png": {Data: []byte("png")},
	}
	return server.New(testConfig(), db, assets, discardLogger()), db
}

// testConfig is the configuration of the test servers: httptest's
// requests name example.com in Host, which must be served.
func testConfig() server.Config {
	return server.Config{AllowedHosts: []string{"example.com"}}
}

// newSeededDB opens a new store (see openTestStore) and seeds it with
// layers.
func newSeededDB(tb testing.TB, layers []geodata.LayerData) testStore {
	tb.Helper()
	ctx := context.Background()
	db := openTestStore(tb)
	if _, err := db.Seed(ctx, layers, false); err != nil {
		tb.Fatalf("seed: %v", err)
	}
	return db
}

func discardLogger() *slog.Logger { return slog.New(slog.NewTextHandler(io.Discard, nil)) }

// do makes one bodiless request through the real app.
func do(t *testing.T, h http.Handler, method, target string, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	return send(t, h, method, target, nil, false, header)
}

func decode(t *testing.T, rec *httptest.ResponseRecorder) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &m); err != nil {
		t.Fatalf("body is not JSON: %v\n%s", err, rec.Body.String())
	}
	return m
}
