package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

const (
	anyLayer    = `SELECT EXISTS (SELECT 1 FROM layers)`
	upsertLayer = `INSERT INTO layers
	(id, title, description, geometry_kind, style, attribution, license, queryables, updated)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
ON CONFLICT (id) DO UPDATE SET
	title = excluded.title, description = excluded.description,
	geometry_kind = excluded.geometry_kind, style = excluded.style,
	attribution = excluded.attribution, license = excluded.license,
	queryables = excluded.queryables, updated = excluded.updated
RETURNING (SELECT queryables FROM layers WHERE id = $1)`
	// requery recomputes the queryable values of a layer's features after
	// its queryables changed.
	requery            = `UPDATE features SET qprops = casmap_qprops(properties, $2) WHERE layer = $1`
	deleteSeedFeatures = `DELETE FROM features WHERE layer = $1 AND origin = 'seed'`
	// refreshLayer keeps a layer's count, extent and time span, and
	// records when it changed.
	refreshLayer = `UPDATE layers AS l SET updated = $2, feature_count = s.n,
	minx = s.minx, miny = s.miny, maxx = s.maxx, maxy = s.maxy, t_start = s.t_start, t_end = s.t_end
FROM (SELECT count(*) AS n, min(minx) AS minx, min(miny) AS miny, max(maxx) AS maxx, max(maxy) AS maxy,
	min(t_start) AS t_start, max(t_end) AS t_end FROM features WHERE layer = $1) AS s
WHERE l.id = $1`
	selectQueryables = `SELECT queryables FROM layers WHERE id = $1`
)

// HasLayers reports whether the database holds any layer yet, so a caller
// can skip preparing seed data that Seed would not use.
func (db *DB) HasLayers(ctx context.Context) (bool, error) {
	var found bool
	if err := db.pool.QueryRow(ctx, anyLayer).Scan(&found); err != nil {
		return false, wrap(ctx, err, "look for layers")
	}
	return found, nil
}

// Seed fills the database from data. When the database already has layers
// and force is false it does nothing and returns false. Otherwise, in one
// transaction, it writes each layer's metadata and replaces the layer's
// seed features with data's, keeping features that were imported; a seed
// feature with the id of an imported one is skipped. It returns true when
// it wrote, which it never does for empty data.
func (db *DB) Seed(ctx context.Context, data []geodata.LayerData, force bool) (bool, error) {
	if len(data) == 0 {
		return false, nil
	}
	seen := make(map[string]bool, len(data))
	for i, ld := range data {
		if ld.Layer.ID == "" {
			return false, geodata.Invalidf("seed layer %d has no id", i+1)
		}
		if seen[ld.Layer.ID] {
			return false, geodata.Invalidf("seed layer %q appears twice", ld.Layer.ID)
		}
		seen[ld.Layer.ID] = true
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return false, wrap(ctx, err, "seed")
	}
	defer tx.Rollback(context.Background())
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return false, wrap(ctx, err, "seed")
	}
	var seeded bool
	if err := tx.QueryRow(ctx, anyLayer).Scan(&seeded); err != nil {
		return false, wrap(ctx, err, "seed")
	}
	if seeded && !force {
		return false, nil
	}
	now := time.Now()
	for _, ld := range data {
		if err := seedLayer(ctx, tx, ld, now); err != nil {
			return false, wrap(ctx, err, "seed layer %s", ld.Layer.ID)
		}
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return false, wrap(ctx, err, "seed")
	}
	return true, nil
}

// seedLayer writes one layer's metadata and swaps its seed features.
func seedLayer(ctx context.Context, tx pgx.Tx, ld geodata.LayerData, now time.Time) error {
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
	var before []byte
	if err := tx.QueryRow(ctx, upsertLayer, l.ID, l.Title, l.Description, l.GeometryKind,
		string(style), l.Attribution, l.License, string(qjson), updated).Scan(&before); err != nil {
		return err
	}
	if before != nil && !sameJSONList(before, queryables) {
		if _, err := tx.Exec(ctx, requery, l.ID, string(qjson)); err != nil {
			return err
		}
	}
	if _, err := tx.Exec(ctx, deleteSeedFeatures, l.ID); err != nil {
		return err
	}
	if _, err := writeFeatures(ctx, tx, l.ID, "seed", slicesSeq(ld.Features), false); err != nil {
		return err
	}
	_, err = tx.Exec(ctx, refreshLayer, l.ID, updated)
	return err
}

// sameJSONList reports whether the JSON list b holds exactly names.
func sameJSONList(b []byte, names []string) bool {
	var have []string
	if json.Unmarshal(b, &have) != nil || len(have) != len(names) {
		return false
	}
	for i := range have {
		if have[i] != names[i] {
			return false
		}
	}
	return true
}

// Import adds features to an existing layer, replacing any with the same
// id, and marks them as imported so a later re-seed keeps them. It writes
// all of them in one transaction or none, in the order given.
func (db *DB) Import(ctx context.Context, layer string, features []geodata.Feature) error {
	_, err := db.importSeq(ctx, layer, slicesSeq(features), false)
	return err
}

// ImportBatch is Import for bulk loads: it stores the features in spatial
// order (PostGIS's own order of geometries), so a bbox query reads few
// pages.
func (db *DB) ImportBatch(ctx context.Context, layer string, features []geodata.Feature) error {
	_, err := db.importSeq(ctx, layer, slicesSeq(features), true)
	return err
}

// importSeq is Import over a stream of features.
func (db *DB) importSeq(ctx context.Context, layer string, features featureSeq, spatial bool) (int, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	defer tx.Rollback(context.Background())
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	var queryables []byte
	err = tx.QueryRow(ctx, selectQueryables, layer).Scan(&queryables)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, geodata.NotFoundf("layer %q does not exist", layer)
	}
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	n, err := writeFeatures(ctx, tx, layer, "import", features, spatial)
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	if _, err := tx.Exec(ctx, refreshLayer, layer, time.Now()); err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	return n, nil
}

const deleteFeature = `DELETE FROM features WHERE layer = $1 AND id = $2`

// Delete removes one feature, whatever its origin. It returns an error
// wrapping geodata.ErrNotFound when the layer or the feature does not
// exist.
func (db *DB) Delete(ctx context.Context, layer, id string) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	defer tx.Rollback(context.Background())
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	var queryables []byte
	if err := tx.QueryRow(ctx, selectQueryables, layer).Scan(&queryables); errors.Is(err, pgx.ErrNoRows) {
		return geodata.NotFoundf("layer %q does not exist", layer)
	} else if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	tag, err := tx.Exec(ctx, deleteFeature, layer, id)
	if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	if tag.RowsAffected() == 0 {
		return geodata.NotFoundf("feature %q not found in layer %q", id, layer)
	}
	if _, err := tx.Exec(ctx, refreshLayer, layer, time.Now()); err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	return nil
}
