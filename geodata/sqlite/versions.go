package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb/encoding/wkb"
)

// A Version is "<first 8 of the database id>-<generation>" (see Version);
// the history answers for generations from meta.history_since on.

const selectGenerations = `SELECT substr(dbid, 1, 8), generation, history_since FROM meta WHERE id = 1`

// parseVersion returns the generation v names, checking it is a version
// of this database that the history covers.
func parseVersion(ctx context.Context, q queryer, v geodata.Version) (int64, error) {
	id, genText, ok := strings.Cut(string(v), "-")
	gen, err := strconv.ParseInt(genText, 10, 64)
	if !ok || err != nil || gen < 0 {
		return 0, geodata.Invalidf("version %q is not a data version (they look like 1a2b3c4d-42)", shorten(string(v), 60))
	}
	var dbid string
	var current, since int64
	if err := q.QueryRowContext(ctx, selectGenerations).Scan(&dbid, &current, &since); err != nil {
		return 0, fmt.Errorf("sqlite: read version: %w", err)
	}
	switch {
	case id != dbid:
		return 0, geodata.NotFoundf("version %s is of another database (this one's versions start %s-)", shorten(string(v), 60), dbid)
	case gen > current:
		return 0, geodata.NotFoundf("version %s is newer than the data (now %s-%d)", v, dbid, current)
	case gen < since:
		return 0, geodata.NotFoundf("version %s is older than the history, which starts at %s-%d", v, dbid, since)
	}
	return gen, nil
}

const changedSince = `SELECT EXISTS (SELECT 1 FROM feature_history WHERE layer = ? AND id = ? AND gen > ?)`

// ChangedSince reports whether the feature was created, replaced or
// deleted after version v.
func (db *DB) ChangedSince(ctx context.Context, layer, id string, v geodata.Version) (bool, error) {
	gen, err := parseVersion(ctx, db.r, v)
	if errors.Is(err, geodata.ErrNotFound) {
		// Not a version this history can speak for: the writer's copy
		// cannot be shown current.
		return true, nil
	}
	if err != nil {
		return false, err
	}
	var changed bool
	if err := db.r.QueryRowContext(ctx, changedSince, layer, id, gen).Scan(&changed); err != nil {
		return false, fmt.Errorf("sqlite: history of %s/%s: %w", layer, id, err)
	}
	return changed, nil
}

const firstChangeAfter = `SELECT before_properties, before_geometry FROM feature_history
WHERE layer = ? AND id = ? AND gen > ? ORDER BY gen LIMIT 1`

// FeatureAt returns the feature as it was at version v: the before-image
// of its first change after v, or else the current row.
func (db *DB) FeatureAt(ctx context.Context, layer, id string, v geodata.Version) (geodata.Feature, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("sqlite: read %s/%s at %s: %w", layer, id, v, err)
	}
	defer tx.Rollback()
	if _, err := layerNum(ctx, tx, layer); err != nil {
		return geodata.Feature{}, err
	}
	gen, err := parseVersion(ctx, tx, v)
	if err != nil {
		return geodata.Feature{}, err
	}
	var props sql.NullString
	var geom []byte
	err = tx.QueryRowContext(ctx, firstChangeAfter, layer, id, gen).Scan(&props, &geom)
	if errors.Is(err, sql.ErrNoRows) {
		err = tx.QueryRowContext(ctx, selectCurrent, layer, id).Scan(&props, &geom)
	}
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !props.Valid) {
		return geodata.Feature{}, geodata.NotFoundf("feature %q did not exist in layer %q at version %s", id, layer, v)
	}
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("sqlite: read %s/%s at %s: %w", layer, id, v, err)
	}
	return decodeRow(id, props.String, geom)
}

const selectCurrent = `SELECT properties, geometry FROM features WHERE layer = ? AND id = ?`

// decodeRow makes a feature of stored properties (JSON) and geometry (WKB).
func decodeRow(id, props string, geom []byte) (geodata.Feature, error) {
	f := geodata.Feature{ID: id}
	if err := json.Unmarshal([]byte(props), &f.Properties); err != nil {
		return geodata.Feature{}, fmt.Errorf("sqlite: feature %s properties: %w", id, err)
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	g, err := wkb.Unmarshal(geom)
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("sqlite: feature %s geometry: %w", id, err)
	}
	f.Geometry = g
	return f, nil
}

// selectLayerAt is one page of a layer at generation :v, in id order:
// current rows with no change after :v, merged with the before-images of
// the first change after :v of the rows that changed (those that
// existed then). The second arm walks only the changes since :v, through
// feature_history_gen, and joins each to its before-image by primary
// key; so a page costs the page and the changes since :v, never the
// layer or its older history (plan_at_test.go holds the plan).
const selectLayerAt = `SELECT id, properties, geometry FROM (
	SELECT f.id AS id, f.properties AS properties, f.geometry AS geometry
	FROM features AS f
	WHERE f.layer = :layer AND f.id > :after
	  AND NOT EXISTS (SELECT 1 FROM feature_history AS h WHERE h.layer = f.layer AND h.id = f.id AND h.gen > :v)
	UNION ALL
	SELECT h.id, h.before_properties, h.before_geometry
	FROM (SELECT id, min(gen) AS gen FROM feature_history INDEXED BY feature_history_gen
	      WHERE layer = :layer AND gen > :v AND id > :after GROUP BY id) AS first
	CROSS JOIN feature_history AS h
	WHERE h.layer = :layer AND h.id = first.id AND h.gen = first.gen AND h.before_geometry IS NOT NULL
) ORDER BY id LIMIT :limit`

// FeaturesAt streams one page of a layer as it was at q.Version.
func (db *DB) FeaturesAt(ctx context.Context, q geodata.VersionQuery, yield func(geodata.Feature) error) (string, error) {
	limit := q.Limit
	if limit <= 0 || limit > geodata.MaxLimit {
		limit = geodata.DefaultLimit
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return "", fmt.Errorf("sqlite: read %s at %s: %w", q.Layer, q.Version, err)
	}
	defer tx.Rollback()
	if _, err := layerNum(ctx, tx, q.Layer); err != nil {
		return "", err
	}
	gen, err := parseVersion(ctx, tx, q.Version)
	if err != nil {
		return "", err
	}
	rows, err := tx.QueryContext(ctx, selectLayerAt, sql.Named("layer", q.Layer), sql.Named("after", q.After),
		sql.Named("v", gen), sql.Named("limit", limit+1))
	if err != nil {
		return "", fmt.Errorf("sqlite: read %s at %s: %w", q.Layer, q.Version, err)
	}
	defer rows.Close()
	n, last := 0, ""
	for rows.Next() {
		if n == limit {
			return last, nil // one more exists: the page is full
		}
		var id, props string
		var geom []byte
		if err := rows.Scan(&id, &props, &geom); err != nil {
			return "", fmt.Errorf("sqlite: read %s at %s: %w", q.Layer, q.Version, err)
		}
		f, err := decodeRow(id, props, geom)
		if err != nil {
			return "", err
		}
		if err := yield(f); err != nil {
			return "", err
		}
		n, last = n+1, id
	}
	if err := rows.Err(); err != nil {
		return "", fmt.Errorf("sqlite: read %s at %s: %w", q.Layer, q.Version, err)
	}
	return "", nil
}

// shorten cuts s to n bytes for a message.
func shorten(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
