package sqlite

import (
	"context"
	"database/sql"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// withVersions gives each layer of data the version "v1-<id>", except those
// named in changed, which get "v2-<id>".
func withVersions(data []geodata.LayerData, changed ...string) []geodata.LayerData {
	for i := range data {
		id := data[i].Layer.ID
		data[i].Version = "v1-" + id
		if slices.Contains(changed, id) {
			data[i].Version = "v2-" + id
		}
	}
	return data
}

// layerRows is what the file holds for one layer: its metadata row and
// every feature row (rowid, origin, properties) in rowid order. Two reads
// are equal only if nothing of the layer was rewritten.
func layerRows(t *testing.T, db *DB, layer string) []string {
	t.Helper()
	var meta string
	if err := db.r.QueryRow(`SELECT title || '|' || updated || '|' || seed_version FROM layers WHERE id = ?`, layer).Scan(&meta); err != nil {
		t.Fatalf("read layer %s: %v", layer, err)
	}
	out := []string{meta}
	rows, err := db.r.Query(`SELECT rid || '|' || origin || '|' || properties FROM features WHERE layer = ? ORDER BY rid`, layer)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		out = append(out, s)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

func seedVersionsOf(t *testing.T, db *DB) map[string]string {
	t.Helper()
	v, err := db.SeedVersions(context.Background())
	if err != nil {
		t.Fatalf("SeedVersions: %v", err)
	}
	return v
}

// TestSeedLayersReplacesChanged is a data release reaching a database that
// holds the previous one, with features a person imported.
func TestSeedLayersReplacesChanged(t *testing.T) {
	ctx := context.Background()
	db, path := openTest(t)
	if got := seedVersionsOf(t, db); len(got) != 0 {
		t.Fatalf("SeedVersions of a new database = %v, want none", got)
	}
	written, err := db.SeedLayers(ctx, withVersions(testData()), false)
	if want := []string{"borders", "tapi", "railways", "incidents"}; err != nil || !slices.Equal(written, want) {
		t.Fatalf("first SeedLayers = %v, %v; want %v", written, err, want)
	}
	imports := []geodata.Feature{
		feature("user-1", orb.Point{65.7, 31.6}, map[string]any{"date": "2024-03-01", "category": "attack"}),
		feature("dushanbe-2023-01", orb.Point{68.8, 38.6}, map[string]any{"date": "2023-01-11", "category": "plot", "note": "corrected"}),
	}
	if err := db.Import(ctx, "incidents", imports); err != nil {
		t.Fatalf("Import: %v", err)
	}
	untouched := map[string][]string{}
	for _, id := range []string{"borders", "tapi", "railways"} {
		untouched[id] = layerRows(t, db, id)
	}
	before := version(t, db)

	// The next release: incidents revised, a power layer added.
	next := withVersions(testData(), "incidents")
	inc := &next[3]
	inc.Layer.Title = "Incidents (revised)"
	inc.Features = slices.DeleteFunc(inc.Features, func(f geodata.Feature) bool { return f.ID == "kabul-2022-09-05" })
	inc.Features = append(inc.Features, feature("new-seed", orb.Point{66, 36}, map[string]any{"date": "2021-08-15", "category": "military"}))
	next = append(next, geodata.LayerData{
		Layer:    geodata.Layer{ID: "power", Title: "Power lines", GeometryKind: "LineString"},
		Features: []geodata.Feature{feature("casa-1000", orb.LineString{{69, 38}, {69.2, 34.5}}, nil)},
		Version:  "v1-power",
	})

	// Another process opens the file, as the next start would.
	db2, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db2.Close()
	written, err = db2.SeedLayers(ctx, next, false)
	if want := []string{"incidents", "power"}; err != nil || !slices.Equal(written, want) {
		t.Fatalf("SeedLayers of the next release = %v, %v; want %v", written, err, want)
	}
	if version(t, db) == before {
		t.Error("data version unchanged after layers were replaced")
	}
	for id, rows := range untouched {
		if got := layerRows(t, db, id); !slices.Equal(got, rows) {
			t.Errorf("layer %s was rewritten although its version did not change:\nbefore %q\nafter  %q", id, rows, got)
		}
	}
	wantIDs := []string{"dushanbe-2023-01", "herat-undated", "khorog-2022-05", "new-seed", "user-1"}
	if got := allIDs(t, db, "incidents"); !slices.Equal(got, wantIDs) {
		t.Errorf("incidents after the release = %v, want %v", got, wantIDs)
	}
	if f, err := db.Feature(ctx, "incidents", "dushanbe-2023-01"); err != nil || f.Properties["note"] != "corrected" {
		t.Errorf("imported copy of a seed id after the release = %v, %v; want the imported one", f.Properties, err)
	}
	if l, err := db.Layer(ctx, "incidents"); err != nil || l.Title != "Incidents (revised)" {
		t.Errorf("incidents layer after the release = %q, %v; want the new title", l.Title, err)
	}
	if got := allIDs(t, db, "power"); !slices.Equal(got, []string{"casa-1000"}) {
		t.Errorf("new layer power = %v, want [casa-1000]", got)
	}
	wantVersions := map[string]string{"borders": "v1-borders", "tapi": "v1-tapi", "railways": "v1-railways",
		"incidents": "v2-incidents", "power": "v1-power"}
	if got := seedVersionsOf(t, db); !maps.Equal(got, wantVersions) {
		t.Errorf("SeedVersions = %v, want %v", got, wantVersions)
	}
	checkRTree(t, db)

	// The same release again changes nothing, not even the data version.
	after := version(t, db)
	if written, err := db2.SeedLayers(ctx, next, false); err != nil || len(written) != 0 {
		t.Errorf("SeedLayers of the release it holds = %v, %v; want nothing written", written, err)
	}
	if got := version(t, db); got != after {
		t.Errorf("data version after a no-op SeedLayers = %q, want %q", got, after)
	}
	// Forced, every layer is written again, imports still kept.
	if written, err := db2.SeedLayers(ctx, next, true); err != nil || len(written) != len(next) {
		t.Errorf("forced SeedLayers = %v, %v; want all %d layers", written, err, len(next))
	}
	if got := allIDs(t, db, "incidents"); !slices.Equal(got, wantIDs) {
		t.Errorf("incidents after a forced seed = %v, want %v", got, wantIDs)
	}
}

// TestSeedLayersOneTransaction fails the write of the second changed layer
// inside the transaction and checks the first was not replaced either.
func TestSeedLayersOneTransaction(t *testing.T) {
	ctx := context.Background()
	db, _ := openTest(t)
	if _, err := db.SeedLayers(ctx, withVersions(testData()), false); err != nil {
		t.Fatal(err)
	}
	tapi, v := layerRows(t, db, "tapi"), version(t, db)
	if _, err := db.w.Exec(`CREATE TRIGGER test_fail BEFORE INSERT ON features WHEN new.layer = 'railways'
		BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`); err != nil {
		t.Fatal(err)
	}
	next := withVersions(testData(), "tapi", "railways")
	next[1].Features[0].Properties["section"] = "Herat-Kandahar"
	next[2].Features = []geodata.Feature{feature("hairatan-mazar", orb.LineString{{67.4, 37.2}, {67.1, 36.7}}, nil)}
	written, err := db.SeedLayers(ctx, next, false)
	if err == nil || !strings.Contains(err.Error(), "railways") {
		t.Fatalf("SeedLayers with a failing insert = %v, %v; want an error naming railways", written, err)
	}
	if got := layerRows(t, db, "tapi"); !slices.Equal(got, tapi) {
		t.Errorf("tapi changed although the seed failed:\nbefore %q\nafter  %q", tapi, got)
	}
	if got := version(t, db); got != v {
		t.Errorf("data version after a failed seed = %q, want %q", got, v)
	}
	if got := seedVersionsOf(t, db); got["tapi"] != "v1-tapi" || got["railways"] != "v1-railways" {
		t.Errorf("SeedVersions after a failed seed = %v, want the old ones", got)
	}
	if _, err := db.w.Exec(`DROP TRIGGER test_fail`); err != nil {
		t.Fatal(err)
	}
	if written, err := db.SeedLayers(ctx, next, false); err != nil || !slices.Equal(written, []string{"tapi", "railways"}) {
		t.Errorf("SeedLayers once the fault is gone = %v, %v; want [tapi railways]", written, err)
	}
	checkRTree(t, db)
}

// TestSeedLayersUpgradesOldDatabase builds a database file as the
// migrations before seed versions left it, with a seeded and an imported
// feature, and checks that opening it and seeding replaces the seed once.
func TestSeedLayersUpgradesOldDatabase(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "old.db")
	makeOldDatabase(t, path)
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatalf("Open of a database without seed versions: %v", err)
	}
	defer db.Close()
	if got := seedVersionsOf(t, db); !maps.Equal(got, map[string]string{"tapi": ""}) {
		t.Fatalf("SeedVersions of the old database = %v, want tapi with none", got)
	}
	data := withVersions(testData())
	written, err := db.SeedLayers(ctx, data, false)
	if err != nil || len(written) != len(data) {
		t.Fatalf("SeedLayers on the old database = %v, %v; want every layer", written, err)
	}
	if got, want := allIDs(t, db, "tapi"), []string{"tapi-af", "user-pipe"}; !slices.Equal(got, want) {
		t.Errorf("tapi after the upgrade = %v, want %v (old seed feature gone, import kept)", got, want)
	}
	if l, err := db.Layer(ctx, "tapi"); err != nil || l.Title != "TAPI gas pipeline" {
		t.Errorf("tapi layer after the upgrade = %q, %v; want the new title", l.Title, err)
	}
	if written, err := db.SeedLayers(ctx, data, false); err != nil || len(written) != 0 {
		t.Errorf("second SeedLayers = %v, %v; want nothing written", written, err)
	}
}

// makeOldDatabase writes a file at schema version 2 by hand: one tapi
// layer with a seed feature "old-seed" and an imported "user-pipe".
func makeOldDatabase(t *testing.T, path string) {
	t.Helper()
	ctx := context.Background()
	migrations, err := loadMigrations()
	if err != nil {
		t.Fatal(err)
	}
	raw, err := sql.Open("sqlite", dsn(path))
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	raw.SetMaxOpenConns(1)
	for _, m := range migrations[:2] {
		if _, err := raw.Exec(m.sql); err != nil {
			t.Fatalf("migration %s: %v", m.name, err)
		}
	}
	stmts := []string{
		`PRAGMA user_version = 2`,
		`INSERT INTO meta (id, dbid, generation) VALUES (1, 'old', 7)`,
		`INSERT INTO layers (id, title, updated) VALUES ('tapi', 'TAPI (old)', '2024-01-01T00:00:00Z')`,
	}
	for _, s := range stmts {
		if _, err := raw.Exec(s); err != nil {
			t.Fatalf("%s: %v", s, err)
		}
	}
	seedRow, err := encodeFeatures([]geodata.Feature{feature("old-seed", orb.LineString{{62, 35}, {63, 34}}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	importRow, err := encodeFeatures([]geodata.Feature{feature("user-pipe", orb.LineString{{64, 33}, {65, 32}}, nil)})
	if err != nil {
		t.Fatal(err)
	}
	tx, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	// Rows as the old schema holds them: no statement of today's write
	// path, which keeps tables the old schema lacks.
	insertRows := func(stmt string, rows []featureRow) error {
		for _, r := range rows {
			if _, err := tx.ExecContext(ctx, stmt, "tapi", r.id, r.properties, r.geometry,
				r.minx, r.miny, r.maxx, r.maxy, r.start, r.end); err != nil {
				return err
			}
		}
		return nil
	}
	if err := insertRows(insertSeedFeature, seedRow); err != nil {
		t.Fatal(err)
	}
	const insertImported = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?)`
	if err := insertRows(insertImported, importRow); err != nil {
		t.Fatal(err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
}
