package sqlite

import (
	"context"
	"path/filepath"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// openTest opens a new database file in a temporary directory and closes
// it when the test ends.
func openTest(t testing.TB) (*DB, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "casmap.db")
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatalf("Open(%q): %v", path, err)
	}
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db, path
}

// seeded opens a new database filled with testData.
func seeded(t testing.TB) *DB {
	t.Helper()
	db, _ := openTest(t)
	if ok, err := db.Seed(context.Background(), testData(), false); err != nil || !ok {
		t.Fatalf("Seed = %v, %v; want true, nil", ok, err)
	}
	return db
}

func sources() []any {
	return []any{map[string]any{"title": "Test source", "publisher": "casmap", "url": "https://example.org", "date": "2023-01-01"}}
}

// feature builds a feature with sources and the given extra properties.
func feature(id string, g orb.Geometry, props map[string]any) geodata.Feature {
	p := map[string]any{"sources": sources()}
	for k, v := range props {
		p[k] = v
	}
	return geodata.Feature{ID: id, Geometry: g, Properties: p}
}

func square(minx, miny, maxx, maxy float64) orb.Polygon {
	return orb.Polygon{{{minx, miny}, {maxx, miny}, {maxx, maxy}, {minx, maxy}, {minx, miny}}}
}

// testData is a small region: two border polygons, a pipeline line, an
// empty railways layer and incidents, dated and not.
func testData() []geodata.LayerData {
	return []geodata.LayerData{
		{
			Layer: geodata.Layer{
				ID: "borders", Title: "Country borders", GeometryKind: "Polygon",
				Style:      geodata.Style{Color: "#5b5b5b", FillColor: "#f2efe6", Weight: 1.2, Fill: 0.6},
				Queryables: []string{"iso_a3", "name"},
			},
			Features: []geodata.Feature{
				feature("AFG", square(60, 29, 75, 38.5), map[string]any{"iso_a3": "AFG", "name": "Afghanistan"}),
				feature("TJK", square(67, 36.5, 75, 41), map[string]any{"iso_a3": "TJK", "name": "Tajikistan"}),
			},
		},
		{
			Layer: geodata.Layer{ID: "tapi", Title: "TAPI gas pipeline", GeometryKind: "LineString", Style: geodata.Style{Color: "#d35400", Dash: "10 6"}},
			Features: []geodata.Feature{
				feature("tapi-af", orb.LineString{{62.2, 35.2}, {62.2, 34.3}, {65.7, 31.6}, {66.5, 30.2}}, map[string]any{"section": "Afghanistan"}),
			},
		},
		{
			Layer: geodata.Layer{ID: "railways", Title: "Railways", GeometryKind: "LineString, Point", Queryables: []string{"parity"}},
		},
		{
			Layer: geodata.Layer{ID: "incidents", Title: "Incidents", GeometryKind: "Point",
				Queryables: []string{"category", "actor", "claimed_by", "fatalities", "confirmed"}},
			Features: []geodata.Feature{
				feature("kabul-2022-09-05", orb.Point{69.17, 34.53}, map[string]any{
					"date": "2022-09-05", "category": "attack", "actor": "ISKP", "claimed_by": []any{"ISKP"}, "fatalities": 6.0, "confirmed": true}),
				feature("khorog-2022-05", orb.Point{71.55, 37.49}, map[string]any{
					"date": "2022-05-16", "date_end": "2022-05-18", "category": "crackdown", "actor": "Tajik security forces", "fatalities": "21"}),
				feature("dushanbe-2023-01", orb.Point{68.78, 38.56}, map[string]any{
					"date": "2023-01-10", "category": "plot", "actor": "ISKP", "claimed_by": []any{}, "fatalities": nil, "confirmed": false}),
				feature("herat-undated", orb.Point{62.2, 34.35}, map[string]any{"category": "unrest"}),
			},
		},
	}
}

// ids returns the ids of fs in order.
func ids(fs []geodata.Feature) []string {
	out := make([]string, len(fs))
	for i, f := range fs {
		out[i] = f.ID
	}
	return out
}

// allIDs returns the ids of every feature of layer.
func allIDs(t testing.TB, db *DB, layer string) []string {
	t.Helper()
	page, err := geodata.ReadPage(context.Background(), db, geodata.Query{Layer: layer, Limit: geodata.MaxLimit})
	if err != nil {
		t.Fatalf("Features(%s): %v", layer, err)
	}
	got := ids(page.Features)
	slices.Sort(got)
	return got
}

func version(t testing.TB, db *DB) geodata.Version {
	t.Helper()
	v, err := db.Version(context.Background())
	if err != nil {
		t.Fatalf("Version: %v", err)
	}
	return v
}

// checkRTree fails the test unless the R*Tree holds exactly one row per
// feature with the feature's box, layer and dates.
func checkRTree(t testing.TB, db *DB) {
	t.Helper()
	const q = `SELECT
	(SELECT count(*) FROM features),
	(SELECT count(*) FROM features_rtree),
	(SELECT count(*) FROM features_rtree_of AS f JOIN features_rtree AS r ON r.rid = f.rid
		WHERE r.minx <= f.minx AND r.maxx >= f.maxx AND r.miny <= f.miny AND r.maxy >= f.maxy
			AND r.minl = f.minl AND r.maxl = f.maxl AND r.mint <= f.mint AND r.maxt >= f.maxt)`
	var nf, nr, nmatch int
	if err := db.r.QueryRow(q).Scan(&nf, &nr, &nmatch); err != nil {
		t.Fatalf("count rtree: %v", err)
	}
	if nr != nf || nmatch != nf {
		t.Errorf("rtree rows = %d (%d covering their feature), want %d", nr, nmatch, nf)
	}
}
