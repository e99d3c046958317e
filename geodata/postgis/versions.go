package postgis

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

// A Version is "<8 hex digits naming the database>-<generation>" (see
// Version); the history answers for generations from meta.history_since
// on.

const selectGenerations = `SELECT generation, history_since FROM meta WHERE id = 1`

// parseVersion returns the generation v names, checking it is a version
// of this database that the history covers, as q sees the data.
func (db *DB) parseVersion(ctx context.Context, q querier, v geodata.Version) (int64, error) {
	id, genText, ok := strings.Cut(string(v), "-")
	gen, err := strconv.ParseInt(genText, 10, 64)
	if !ok || err != nil || gen < 0 {
		return 0, geodata.Invalidf("version %q is not a data version (they look like 1a2b3c4d-42)", truncate(string(v), 60))
	}
	var current, since int64
	if err := q.QueryRow(ctx, selectGenerations).Scan(&current, &since); err != nil {
		return 0, wrap(ctx, err, "read version")
	}
	dbid := db.version.dbid
	switch {
	case id != dbid:
		return 0, geodata.NotFoundf("version %s is of another database (this one's versions start %s-)", truncate(string(v), 60), dbid)
	case gen > current:
		return 0, geodata.NotFoundf("version %s is newer than the data (now %s-%d)", v, dbid, current)
	case gen < since:
		return 0, geodata.NotFoundf("version %s is older than the history, which starts at %s-%d", v, dbid, since)
	}
	return gen, nil
}

const changedSince = `SELECT EXISTS (SELECT 1 FROM feature_history WHERE layer = $1 AND id = $2 AND gen > $3)`

// ChangedSince reports whether the feature was created, replaced or
// deleted after version v.
func (db *DB) ChangedSince(ctx context.Context, layer, id string, v geodata.Version) (bool, error) {
	tx, err := db.readTx(ctx)
	if err != nil {
		return false, wrap(ctx, err, "history of %s/%s", layer, id)
	}
	defer tx.Rollback(context.Background())
	gen, err := db.parseVersion(ctx, tx, v)
	if errors.Is(err, geodata.ErrNotFound) {
		// Not a version this history can speak for: the writer's copy
		// cannot be shown current.
		return true, nil
	}
	if err != nil {
		return false, err
	}
	var changed bool
	if err := tx.QueryRow(ctx, changedSince, layer, id, gen).Scan(&changed); err != nil {
		return false, wrap(ctx, err, "history of %s/%s", layer, id)
	}
	return changed, nil
}

const firstChangeAfter = `SELECT $2::text, before_properties, before_geometry FROM feature_history
WHERE layer = $1 AND id = $2 AND gen > $3 ORDER BY gen LIMIT 1`

// FeatureAt returns the feature as it was at version v: the before-image
// of its first change after v, or else the current row.
func (db *DB) FeatureAt(ctx context.Context, layer, id string, v geodata.Version) (geodata.Feature, error) {
	if _, err := db.Layer(ctx, layer); err != nil {
		return geodata.Feature{}, err
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		return geodata.Feature{}, wrap(ctx, err, "read %s/%s at %s", layer, id, v)
	}
	defer tx.Rollback(context.Background())
	gen, err := db.parseVersion(ctx, tx, v)
	if err != nil {
		return geodata.Feature{}, err
	}
	var props, geom []byte
	var fid string
	err = tx.QueryRow(ctx, firstChangeAfter, layer, id, gen).Scan(&fid, &props, &geom)
	if errors.Is(err, pgx.ErrNoRows) {
		err = tx.QueryRow(ctx, selectFeature, layer, id).Scan(&fid, &props, &geom)
	}
	if errors.Is(err, pgx.ErrNoRows) || (err == nil && props == nil) {
		return geodata.Feature{}, geodata.NotFoundf("feature %q did not exist in layer %q at version %s", id, layer, v)
	}
	if err != nil {
		return geodata.Feature{}, wrap(ctx, err, "read %s/%s at %s", layer, id, v)
	}
	return decodeFeature(id, props, geom)
}

// selectLayerAt is one page of a layer at generation $3, in id order
// after $2: current rows with no change after $3, merged with the
// before-images of the first change after $3 of the rows that changed
// (those that existed then). The first arm walks features by (layer, id)
// and looks each up in the history by its key; the second walks only the
// changes since $3, through feature_history_gen. So a page costs the page
// and the changes since $3, never the layer or its older history
// (versions_test.go holds the plan).
const selectLayerAt = `SELECT id, properties, geom FROM (
	(SELECT f.id, f.properties, f.geom FROM features AS f
	WHERE f.layer = $1 AND f.id > $2
	  AND NOT EXISTS (SELECT 1 FROM feature_history AS h WHERE h.layer = f.layer AND h.id = f.id AND h.gen > $3)
	ORDER BY f.id LIMIT $4)
	UNION ALL
	(SELECT first.id, first.before_properties, first.before_geometry FROM (
		SELECT DISTINCT ON (h.id) h.id, h.before_properties, h.before_geometry
		FROM feature_history AS h WHERE h.layer = $1 AND h.gen > $3 AND h.id > $2
		ORDER BY h.id, h.gen) AS first
	WHERE first.before_geometry IS NOT NULL ORDER BY first.id LIMIT $4)
) AS page ORDER BY id LIMIT $4`

// FeaturesAt streams one page of a layer as it was at q.Version.
func (db *DB) FeaturesAt(ctx context.Context, q geodata.VersionQuery, yield func(geodata.Feature) error) (string, error) {
	limit := q.Limit
	if limit <= 0 || limit > geodata.MaxLimit {
		limit = geodata.DefaultLimit
	}
	if _, err := db.Layer(ctx, q.Layer); err != nil {
		return "", err
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		return "", wrap(ctx, err, "read %s at %s", q.Layer, q.Version)
	}
	defer tx.Rollback(context.Background())
	gen, err := db.parseVersion(ctx, tx, q.Version)
	if err != nil {
		return "", err
	}
	rows, err := tx.Query(ctx, selectLayerAt, q.Layer, q.After, gen, limit+1)
	if err != nil {
		return "", wrap(ctx, err, "read %s at %s", q.Layer, q.Version)
	}
	defer rows.Close()
	n, last := 0, ""
	for rows.Next() {
		if n == limit {
			return last, nil // one more exists: the page is full
		}
		f, err := scanFeature(rows)
		if err != nil {
			return "", wrap(ctx, err, "read %s at %s", q.Layer, q.Version)
		}
		if err := yield(f); err != nil {
			return "", err
		}
		n, last = n+1, f.ID
	}
	if err := rows.Err(); err != nil {
		return "", wrap(ctx, err, "read %s at %s", q.Layer, q.Version)
	}
	return "", nil
}
