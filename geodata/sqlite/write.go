package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb/encoding/wkb"
	msqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

const (
	anyLayer    = `SELECT EXISTS (SELECT 1 FROM layers)`
	upsertLayer = `INSERT INTO layers
	(id, title, description, geometry_kind, style, attribution, license, queryables, updated, seed_version)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (id) DO UPDATE SET
	title = excluded.title, description = excluded.description,
	geometry_kind = excluded.geometry_kind, style = excluded.style,
	attribution = excluded.attribution, license = excluded.license,
	queryables = excluded.queryables, updated = excluded.updated,
	seed_version = excluded.seed_version`
	deleteSeedFeatures = `DELETE FROM features WHERE layer = ? AND origin = 'seed'`
	// A seed feature whose id a person has imported stays as imported:
	// their edit wins over the curated copy.
	insertSeedFeature = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, 'seed', ?, ?, ?, ?, ?, ?, ?, ?)
ON CONFLICT (layer, id) DO NOTHING`
)

// HasLayers reports whether the database holds any layer yet, so a caller
// can skip preparing seed data that Seed would not use.
func (db *DB) HasLayers(ctx context.Context) (bool, error) {
	var found bool
	if err := db.r.QueryRowContext(ctx, anyLayer).Scan(&found); err != nil {
		return false, fmt.Errorf("sqlite: look for layers: %w", err)
	}
	return found, nil
}

// Seed is SeedLayers, reporting only whether it wrote anything.
func (db *DB) Seed(ctx context.Context, data []geodata.LayerData, force bool) (bool, error) {
	written, err := db.SeedLayers(ctx, data, force)
	return len(written) > 0, err
}

// seedLayer writes one layer's metadata and seed version and swaps its
// seed features.
func seedLayer(ctx context.Context, tx *sql.Tx, ld geodata.LayerData, rows []featureRow, now time.Time) error {
	l := ld.Layer
	style, err := json.Marshal(l.Style)
	if err != nil {
		return fmt.Errorf("style: %w", err)
	}
	queryables := l.Queryables
	if queryables == nil {
		queryables = []string{}
	}
	qjson, err := json.Marshal(queryables)
	if err != nil {
		return fmt.Errorf("queryables: %w", err)
	}
	updated := l.Updated
	if updated.IsZero() {
		updated = now
	}
	if _, err := tx.ExecContext(ctx, upsertLayer, l.ID, l.Title, l.Description, l.GeometryKind,
		string(style), l.Attribution, l.License, string(qjson), formatTime(updated), ld.Version); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, deleteSeedFeatures, l.ID); err != nil {
		return err
	}
	return writeFeatures(ctx, tx, insertSeedFeature, l.ID, rows)
}

const touchLayer = `UPDATE layers SET updated = ? WHERE id = ?`

const insertProperty = `INSERT OR IGNORE INTO layer_properties (layer_num, name) SELECT num, ? FROM layers WHERE id = ?`

// recordProperties adds property names to the layer's list.
func recordProperties(ctx context.Context, tx *sql.Tx, layer string, names map[string]bool) error {
	for _, name := range sortedKeys(names) {
		if _, err := tx.ExecContext(ctx, insertProperty, name, layer); err != nil {
			return err
		}
	}
	return nil
}

const deleteFeature = `DELETE FROM features WHERE layer = ? AND id = ?`

// Delete removes one feature, whatever its origin. It returns an error
// wrapping geodata.ErrNotFound when the layer or the feature does not
// exist.
func (db *DB) Delete(ctx context.Context, layer, id string) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", layer, id, err)
	}
	defer tx.Rollback()
	if _, err := layerNum(ctx, tx, layer); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, deleteFeature, layer, id)
	if err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", layer, id, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", layer, id, err)
	} else if n == 0 {
		return geodata.NotFoundf("feature %q not found in layer %q", id, layer)
	}
	if err := touchAndBump(ctx, tx, layer); err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", layer, id, err)
	}
	if err := db.commit(tx); err != nil {
		return fmt.Errorf("sqlite: delete %s/%s: %w", layer, id, err)
	}
	return nil
}

const selectLayerNum = `SELECT num FROM layers WHERE id = ?`

// layerNum returns the layer's number, or a not-found error when there is
// no such layer.
func layerNum(ctx context.Context, q queryer, layer string) (int64, error) {
	var num int64
	err := q.QueryRowContext(ctx, selectLayerNum, layer).Scan(&num)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, geodata.NotFoundf("layer %q does not exist", layer)
	}
	if err != nil {
		return 0, fmt.Errorf("sqlite: look up layer %s: %w", layer, err)
	}
	return num, nil
}

// touchAndBump records that layer changed now, and bumps the version.
func touchAndBump(ctx context.Context, tx *sql.Tx, layer string) error {
	if _, err := tx.ExecContext(ctx, touchLayer, formatTime(time.Now()), layer); err != nil {
		return err
	}
	return bump(ctx, tx)
}

// featureRow is a feature encoded for the features table.
type featureRow struct {
	id         string
	keys       map[string]any // the properties, for their names
	properties string
	geometry   []byte
	minx, miny float64
	maxx, maxy float64
	start, end sql.NullInt64
}

// encodeFeatures encodes every feature before a transaction starts, so bad
// input fails fast and holds no lock. Ids must be unique within the batch:
// two features with one id are a mistake in the input, not an update.
func encodeFeatures(features []geodata.Feature) ([]featureRow, error) {
	return encodeFeaturesCtx(context.Background(), features)
}

// encodeFeaturesCtx is encodeFeatures stopping when ctx ends.
func encodeFeaturesCtx(ctx context.Context, features []geodata.Feature) ([]featureRow, error) {
	out := make([]featureRow, len(features))
	seen := make(map[string]int, len(features))
	for i, f := range features {
		if i%1024 == 0 && ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if prev, dup := seen[f.ID]; dup {
			return nil, geodata.Invalidf("feature %d (id %q): id already used by feature %d", i+1, f.ID, prev)
		}
		seen[f.ID] = i + 1
		r, err := encodeFeature(f)
		if err != nil {
			return nil, geodata.Invalidf("feature %d (id %q): %s", i+1, f.ID, geodata.Message(err, err.Error()))
		}
		out[i] = r
	}
	return out, nil
}

func encodeFeature(f geodata.Feature) (featureRow, error) {
	if f.ID == "" {
		return featureRow{}, geodata.Invalidf("id is missing")
	}
	if f.Geometry == nil {
		return featureRow{}, geodata.Invalidf("geometry is missing")
	}
	b := f.Geometry.Bound()
	if b.IsEmpty() {
		return featureRow{}, geodata.Invalidf("geometry is empty")
	}
	for _, v := range []float64{b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y()} {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return featureRow{}, geodata.Invalidf("geometry has a coordinate that is not a finite number")
		}
	}
	geom, err := wkb.Marshal(f.Geometry)
	if err != nil {
		return featureRow{}, geodata.Invalidf("geometry: %v", err)
	}
	props := f.Properties
	if props == nil {
		props = map[string]any{}
	}
	pjson, err := json.Marshal(props)
	if err != nil {
		return featureRow{}, geodata.Invalidf("properties: %v", err)
	}
	r := featureRow{
		id: f.ID, keys: props, properties: string(pjson), geometry: geom,
		minx: b.Min.X(), miny: b.Min.Y(), maxx: b.Max.X(), maxy: b.Max.Y(),
	}
	if from, to, ok := geodata.TimeSpan(props); ok {
		r.start = sql.NullInt64{Int64: from.Unix(), Valid: true}
		r.end = sql.NullInt64{Int64: to.Unix(), Valid: true}
	}
	return r, nil
}

// writeFeatures runs stmt, an insert taking a layer and a featureRow's
// fields, for every row.
func writeFeatures(ctx context.Context, tx *sql.Tx, stmt, layer string, rows []featureRow) error {
	if len(rows) == 0 {
		return nil
	}
	ps, err := tx.PrepareContext(ctx, stmt)
	if err != nil {
		return err
	}
	defer ps.Close()
	props := map[string]bool{}
	for _, r := range rows {
		if _, err := ps.ExecContext(ctx, layer, r.id, r.properties, r.geometry,
			r.minx, r.miny, r.maxx, r.maxy, r.start, r.end); err != nil {
			return fmt.Errorf("feature %q: %w", r.id, err)
		}
		for k := range r.keys {
			props[k] = true
		}
	}
	return recordProperties(ctx, tx, layer, props)
}

// formatTime is how times are stored: RFC 3339 in UTC, to the second.
func formatTime(t time.Time) string {
	return t.UTC().Truncate(time.Second).Format(time.RFC3339)
}

const selectLayerKind = `SELECT id, geometry_kind FROM layers WHERE id = ?`

// layerOf returns a layer's id and geometry kind, or a not-found error.
func layerOf(ctx context.Context, q queryer, layer string) (geodata.Layer, error) {
	var l geodata.Layer
	err := q.QueryRowContext(ctx, selectLayerKind, layer).Scan(&l.ID, &l.GeometryKind)
	if errors.Is(err, sql.ErrNoRows) {
		return geodata.Layer{}, geodata.NotFoundf("layer %q does not exist", layer)
	}
	if err != nil {
		return geodata.Layer{}, fmt.Errorf("sqlite: look up layer %s: %w", layer, err)
	}
	return l, nil
}

// isConstraint reports whether err is SQLite's constraint violation.
func isConstraint(err error) bool {
	var se *msqlite.Error
	return errors.As(err, &se) && se.Code()&0xff == sqlite3.SQLITE_CONSTRAINT
}
