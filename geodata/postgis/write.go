package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"iter"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

const (
	anyLayer    = `SELECT EXISTS (SELECT 1 FROM layers)`
	upsertLayer = `INSERT INTO layers
	(id, title, description, geometry_kind, style, attribution, license, queryables, updated, seed_version)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)
ON CONFLICT (id) DO UPDATE SET
	title = excluded.title, description = excluded.description,
	geometry_kind = excluded.geometry_kind, style = excluded.style,
	attribution = excluded.attribution, license = excluded.license,
	queryables = excluded.queryables, updated = excluded.updated, seed_version = excluded.seed_version
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

// Seed is SeedLayers, reporting only whether it wrote anything.
func (db *DB) Seed(ctx context.Context, data []geodata.LayerData, force bool) (bool, error) {
	written, err := db.SeedLayers(ctx, data, force)
	return len(written) > 0, err
}

const selectSeedVersions = `SELECT id, seed_version FROM layers`

// SeedVersions returns the seed version each layer was last seeded with,
// by layer id ("" for data without one). A new database has none.
func (db *DB) SeedVersions(ctx context.Context) (map[string]string, error) {
	out, err := seedVersions(ctx, db.pool)
	if err != nil {
		return nil, wrap(ctx, err, "read seed versions")
	}
	return out, nil
}

func seedVersions(ctx context.Context, q querier) (map[string]string, error) {
	rows, err := q.Query(ctx, selectSeedVersions)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var id, v string
		if err := rows.Scan(&id, &v); err != nil {
			return nil, err
		}
		out[id] = v
	}
	return out, rows.Err()
}

// SeedLayers brings the database's seeded layers up to date with data. In
// one transaction it writes each layer of data that the database lacks or
// holds with another seed version (every layer when force is set): the
// layer's metadata and version, and its seed features in place of the old
// ones. Imported features stay, and a seed feature with the id of an
// imported one is skipped: a person's copy wins. Layers whose version is
// unchanged are left as they are, as are layers data does not name. The
// data version changes only when a layer was written. It returns the ids
// of the layers it wrote, in data's order; none for empty data.
func (db *DB) SeedLayers(ctx context.Context, data []geodata.LayerData, force bool) ([]string, error) {
	if len(data) == 0 {
		return nil, nil
	}
	seen := make(map[string]bool, len(data))
	for i, ld := range data {
		if ld.Layer.ID == "" {
			return nil, geodata.Invalidf("seed layer %d has no id", i+1)
		}
		if seen[ld.Layer.ID] {
			return nil, geodata.Invalidf("seed layer %q appears twice", ld.Layer.ID)
		}
		seen[ld.Layer.ID] = true
	}
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return nil, wrap(ctx, err, "seed")
	}
	defer tx.Rollback(context.Background())
	// The bump comes first: its lock makes seeders take turns, so the
	// versions read next are those the one before committed.
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return nil, wrap(ctx, err, "seed")
	}
	held, err := seedVersions(ctx, tx)
	if err != nil {
		return nil, wrap(ctx, err, "seed")
	}
	now := time.Now()
	var written []string
	for _, ld := range data {
		if v, ok := held[ld.Layer.ID]; ok && v == ld.Version && !force {
			continue
		}
		if err := seedLayer(ctx, tx, ld, now); err != nil {
			return nil, wrap(ctx, err, "seed layer %s", ld.Layer.ID)
		}
		written = append(written, ld.Layer.ID)
	}
	if len(written) == 0 {
		return nil, nil
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return nil, wrap(ctx, err, "seed")
	}
	return written, nil
}

// seedLayer writes one layer's metadata and swaps its seed features.
func seedLayer(ctx context.Context, tx pgx.Tx, ld geodata.LayerData, now time.Time) error {
	if ld.Layer.Updated.IsZero() {
		ld.Layer.Updated = now
	}
	if err := upsertLayerRow(ctx, tx, ld); err != nil {
		return err
	}
	if _, err := tx.Exec(ctx, deleteSeedFeatures, ld.Layer.ID); err != nil {
		return err
	}
	// The seed's kinds are the seed tests' to hold.
	if _, err := writeFeatures(ctx, tx, geodata.Layer{ID: ld.Layer.ID}, geodata.OriginSeed, slicesSeq(ld.Features), false, nil); err != nil {
		return err
	}
	_, err := tx.Exec(ctx, refreshLayer, ld.Layer.ID, ld.Layer.Updated)
	return err
}

// upsertLayerRow writes a layer's metadata and seed version, and when its
// queryables changed, its features' queryable values.
func upsertLayerRow(ctx context.Context, tx pgx.Tx, ld geodata.LayerData) error {
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
	var before []byte
	if err := tx.QueryRow(ctx, upsertLayer, l.ID, l.Title, l.Description, l.GeometryKind,
		string(style), l.Attribution, l.License, string(qjson), l.Updated, ld.Version).Scan(&before); err != nil {
		return err
	}
	if before != nil && !sameJSONList(before, queryables) {
		if _, err := tx.Exec(ctx, requery, l.ID, string(qjson)); err != nil {
			return err
		}
	}
	return nil
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
// all of them in one transaction or none.
func (db *DB) Import(ctx context.Context, layer string, features []geodata.Feature) error {
	_, err := db.ImportStream(ctx, layer, slicesSeq(features))
	return err
}

// ImportStream is Import for a stream of any length: features are read
// one at a time (an error from the stream aborts the import) and sent by
// COPY to a staging table, then written in one transaction, in spatial
// order when there are many, or not at all. An empty stream changes
// nothing. It returns how many features it wrote.
func (db *DB) ImportStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error) {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	defer tx.Rollback(context.Background())
	l := geodata.Layer{ID: layer}
	err = tx.QueryRow(ctx, selectKind, layer).Scan(&l.GeometryKind)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, geodata.NotFoundf("layer %q does not exist", layer)
	}
	if err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	// The version is bumped once the rows are staged, before they move
	// into features (the history records the generation it makes).
	var snap *versionSnap
	n, err := writeFeatures(ctx, tx, l, geodata.OriginImport, features, true, func() (err error) {
		snap, err = db.bump(ctx, tx)
		return err
	})
	if err != nil {
		if errors.Is(err, geodata.ErrInvalid) && ctx.Err() == nil {
			return 0, err
		}
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	if n == 0 {
		return 0, nil
	}
	if _, err := tx.Exec(ctx, refreshLayer, layer, time.Now()); err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return 0, wrap(ctx, err, "import into %s", layer)
	}
	return n, nil
}

const selectKind = `SELECT geometry_kind FROM layers WHERE id = $1`

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
	var kind string
	if err := tx.QueryRow(ctx, selectKind, layer).Scan(&kind); errors.Is(err, pgx.ErrNoRows) {
		return geodata.NotFoundf("layer %q does not exist", layer)
	} else if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	var old bounds
	err = tx.QueryRow(ctx, selectBounds, layer, id).Scan(&old.minx, &old.miny, &old.maxx, &old.maxy, &old.start, &old.end)
	if errors.Is(err, pgx.ErrNoRows) {
		return geodata.NotFoundf("feature %q not found in layer %q", id, layer)
	}
	if err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	if _, err := tx.Exec(ctx, deleteFeature, layer, id); err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	if err := keepLayer(ctx, tx, layer, &old, nil); err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return wrap(ctx, err, "delete %s/%s", layer, id)
	}
	return nil
}
