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
	selectAllLayers = `SELECT id, title, description, geometry_kind, style, attribution, license,
	queryables, updated, seed_version FROM layers ORDER BY id`
	selectAllFeatures = `SELECT layer, id, origin, properties, geom FROM features ORDER BY rid`
)

// CopyOut streams the whole database to sink from one snapshot, layers
// first, then features, then, to a geodata.HistorySink, the history; it
// returns the version it read.
func (db *DB) CopyOut(ctx context.Context, sink geodata.Sink) (geodata.Version, error) {
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return "", wrap(ctx, err, "copy out")
	}
	defer tx.Rollback(context.Background())
	s, err := db.version.readOn(ctx, tx)
	if err != nil {
		return "", err
	}
	if err := copyLayersOut(ctx, tx, sink); err != nil {
		return "", wrap(ctx, err, "copy out layers")
	}
	rows, err := tx.Query(ctx, selectAllFeatures)
	if err != nil {
		return "", wrap(ctx, err, "copy out features")
	}
	defer rows.Close()
	for rows.Next() {
		var layer, origin string
		var props, geom []byte
		var f geodata.Feature
		if err := rows.Scan(&layer, &f.ID, &origin, &props, &geom); err != nil {
			return "", wrap(ctx, err, "copy out features")
		}
		if f, err = decodeFeature(f.ID, props, geom); err != nil {
			return "", wrap(ctx, err, "copy out features")
		}
		if err := sink.CopyFeature(ctx, layer, f, origin); err != nil {
			return "", err
		}
	}
	if err := rows.Err(); err != nil {
		return "", wrap(ctx, err, "copy out features")
	}
	rows.Close()
	if hs, ok := sink.(geodata.HistorySink); ok {
		if err := copyHistoryOut(ctx, tx, hs); err != nil {
			return "", err
		}
	}
	return db.version.version(s), nil
}

func copyLayersOut(ctx context.Context, tx pgx.Tx, sink geodata.Sink) error {
	rows, err := tx.Query(ctx, selectAllLayers)
	if err != nil {
		return err
	}
	var all []geodata.LayerData
	for rows.Next() {
		var ld geodata.LayerData
		l := &ld.Layer
		var style, queryables []byte
		if err := rows.Scan(&l.ID, &l.Title, &l.Description, &l.GeometryKind, &style,
			&l.Attribution, &l.License, &queryables, &l.Updated, &ld.Version); err != nil {
			rows.Close()
			return err
		}
		if err := errors.Join(json.Unmarshal(style, &l.Style), json.Unmarshal(queryables, &l.Queryables)); err != nil {
			rows.Close()
			return fmt.Errorf("layer %s: %w", l.ID, err)
		}
		l.Updated = l.Updated.UTC()
		all = append(all, ld)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}
	for _, ld := range all {
		if err := sink.CopyLayer(ctx, ld); err != nil {
			return err
		}
	}
	return nil
}

// CopyIn fills an empty database, in one transaction, with what fill
// sends its sink (layers first, then features): all of it or, if fill or a
// write fails, nothing. A database that holds layers already is refused.
func (db *DB) CopyIn(ctx context.Context, fill func(geodata.Sink) error) error {
	tx, err := db.pool.Begin(ctx)
	if err != nil {
		return wrap(ctx, err, "copy in")
	}
	defer tx.Rollback(context.Background())
	snap, err := db.bump(ctx, tx)
	if err != nil {
		return wrap(ctx, err, "copy in")
	}
	var seeded bool
	if err := tx.QueryRow(ctx, anyLayer).Scan(&seeded); err != nil {
		return wrap(ctx, err, "copy in")
	}
	if seeded {
		return geodata.Invalidf("the database to copy into already holds layers; copy into a new, empty one")
	}
	if _, err := tx.Exec(ctx, historyOff); err != nil {
		return wrap(ctx, err, "copy in")
	}
	sink := &copySink{tx: tx}
	ferr := fill(sink)
	if err := sink.finish(ctx, ferr); err != nil {
		return err
	}
	if snap.gen, err = sink.endHistory(ctx); err != nil {
		return err
	}
	for _, id := range sink.layers {
		if _, err := tx.Exec(ctx, keepLayerCounts, id); err != nil {
			return wrap(ctx, err, "copy in layer %s", id)
		}
	}
	// The copy's property names, read from what it wrote.
	if _, err := tx.Exec(ctx, copiedProperties); err != nil {
		return wrap(ctx, err, "copy in")
	}
	if err := db.commit(ctx, tx, snap); err != nil {
		return wrap(ctx, err, "copy in")
	}
	return nil
}

// copiedProperties lists the property names of every feature copied in.
const copiedProperties = `INSERT INTO layer_properties (layer, name)
SELECT DISTINCT f.layer, k FROM features AS f, jsonb_object_keys(f.properties) AS k
ON CONFLICT DO NOTHING`

// keepLayerCounts is refreshLayer keeping the layer's own update time.
const keepLayerCounts = `UPDATE layers AS l SET feature_count = s.n,
	minx = s.minx, miny = s.miny, maxx = s.maxx, maxy = s.maxy, t_start = s.t_start, t_end = s.t_end
FROM (SELECT count(*) AS n, min(minx) AS minx, min(miny) AS miny, max(maxx) AS maxx, max(maxy) AS maxy,
	min(t_start) AS t_start, max(t_end) AS t_end FROM features WHERE layer = $1) AS s
WHERE l.id = $1`

// copySink writes layers as they come and streams features through one
// COPY, which runs beside the source on its own goroutine once the first
// feature arrives.
type copySink struct {
	tx     pgx.Tx
	layers []string
	rows   chan copyRow
	done   chan error
	// featuresEnded says the features' COPY has finished, with featErr.
	featuresEnded bool
	featErr       error
	// history is the source's generation and history_since, once its
	// history has come; changes streams its changes.
	history *[2]int64
	changes *copyStream
}

type copyRow struct {
	layer, origin string
	f             geodata.Feature
}

func (s *copySink) CopyLayer(ctx context.Context, ld geodata.LayerData) error {
	if s.rows != nil {
		return errors.New("postgis: copy in: a layer after features")
	}
	updated := ld.Layer.Updated
	if updated.IsZero() {
		updated = time.Now()
	}
	ld.Layer.Updated = updated
	ld.Features = nil
	if err := upsertLayerRow(ctx, s.tx, ld); err != nil {
		return wrap(ctx, err, "copy in layer %s", ld.Layer.ID)
	}
	s.layers = append(s.layers, ld.Layer.ID)
	return nil
}

func (s *copySink) CopyFeature(ctx context.Context, layer string, f geodata.Feature, origin string) error {
	if s.rows == nil {
		s.rows, s.done = make(chan copyRow, 256), make(chan error, 1)
		go func() { s.done <- copyAll(ctx, s.tx, s.rows) }()
	}
	select {
	case err := <-s.done: // the writer stopped early
		s.done <- err
		if err == nil {
			err = errors.New("postgis: copy in: the writer stopped")
		}
		return err
	default:
	}
	select {
	case s.rows <- copyRow{layer, origin, f}:
		return nil
	case err := <-s.done:
		s.done <- err
		if err == nil {
			err = errors.New("postgis: copy in: the writer stopped")
		}
		return err
	}
}

// finish ends the COPY and moves its rows into features; ferr is the
// source's error, which wins.
func (s *copySink) finish(ctx context.Context, ferr error) error {
	err := s.endFeatures(ctx)
	if cerr := s.changes.end(); err == nil {
		err = cerr
	}
	if ferr != nil {
		return ferr
	}
	return err
}

// endFeatures ends the features' COPY, once, and moves its rows.
func (s *copySink) endFeatures(ctx context.Context) error {
	if s.rows == nil || s.featuresEnded {
		return s.featErr
	}
	close(s.rows)
	s.featErr, s.featuresEnded = <-s.done, true
	return s.featErr
}

// copyAll copies rows into a staging table and from there into features,
// keeping each row's layer and origin.
func copyAll(ctx context.Context, tx pgx.Tx, rows <-chan copyRow) error {
	if _, err := tx.Exec(ctx, createCopyStaging); err != nil {
		return wrap(ctx, err, "copy in")
	}
	n := 0
	var encErr error
	src := pgx.CopyFromFunc(func() ([]any, error) {
		r, ok := <-rows
		if !ok {
			return nil, nil
		}
		n++
		fr, err := encodeFeature(r.f)
		if err != nil {
			encErr = geodata.Invalidf("feature %d (%s/%s): %s", n, r.layer, truncate(r.f.ID, 60), geodata.Message(err, err.Error()))
			return nil, encErr
		}
		return []any{n, r.layer, r.origin, fr.id, fr.properties, fr.geometry, fr.minx, fr.miny, fr.maxx, fr.maxy, fr.start, fr.end}, nil
	})
	_, err := tx.CopyFrom(ctx, pgx.Identifier{"copy_staging"}, copyColumns, src)
	if err != nil {
		if encErr != nil {
			return encErr
		}
		return wrap(ctx, copyError(err), "copy in")
	}
	// Into an empty table, building the search indexes once at the end
	// costs a fraction of keeping them row by row. Their definitions come
	// from the catalog, so they are what the migrations made.
	defs, err := dropSearchIndexes(ctx, tx)
	if err != nil {
		return wrap(ctx, err, "copy in")
	}
	if _, err := tx.Exec(ctx, moveCopyStaging); err != nil {
		return wrap(ctx, err, "copy in")
	}
	for _, def := range defs {
		if _, err := tx.Exec(ctx, def); err != nil {
			return wrap(ctx, err, "copy in: rebuild index")
		}
	}
	return nil
}

// searchIndexes lists the indexes of features other than those behind its
// constraints (the key and the unique layer and id).
const searchIndexes = `SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid)
FROM pg_index AS i
WHERE i.indrelid = 'features'::regclass
	AND NOT EXISTS (SELECT 1 FROM pg_constraint AS c WHERE c.conindid = i.indexrelid)`

// dropSearchIndexes drops them within tx and returns what recreates them.
func dropSearchIndexes(ctx context.Context, tx pgx.Tx) ([]string, error) {
	rows, err := tx.Query(ctx, searchIndexes)
	if err != nil {
		return nil, err
	}
	var names, defs []string
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			rows.Close()
			return nil, err
		}
		names, defs = append(names, name), append(defs, def)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for _, name := range names {
		if _, err := tx.Exec(ctx, "DROP INDEX "+name); err != nil {
			return nil, err
		}
	}
	return defs, nil
}

const (
	createCopyStaging = `CREATE TEMP TABLE copy_staging (
	n int NOT NULL, layer text NOT NULL, origin text NOT NULL, id text NOT NULL, properties jsonb NOT NULL,
	geom geometry NOT NULL, minx float8 NOT NULL, miny float8 NOT NULL, maxx float8 NOT NULL, maxy float8 NOT NULL,
	t_start bigint, t_end bigint
) ON COMMIT DROP`
	moveCopyStaging = `INSERT INTO features
	(layer, id, origin, properties, qprops, geom, minx, miny, maxx, maxy, t_start, t_end)
SELECT s.layer, s.id, s.origin, s.properties, casmap_qprops(s.properties, l.queryables), ST_SetSRID(s.geom, 4326),
	s.minx, s.miny, s.maxx, s.maxy, s.t_start, s.t_end
FROM copy_staging AS s JOIN layers AS l ON l.id = s.layer ORDER BY s.n`
)

var copyColumns = []string{"n", "layer", "origin", "id", "properties", "geom", "minx", "miny", "maxx", "maxy", "t_start", "t_end"}
