package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"iter"

	"github.com/casmap/casmap/geodata"
)

const (
	// Imports are staged in a temporary table of the write connection,
	// then moved into features in spatial (Hilbert) order, so rowids
	// follow the map and a bbox query reads few pages, while memory holds
	// one feature at a time. The temporary table belongs to the
	// transaction: a failure or a kill leaves nothing of it.
	createStaging = `CREATE TEMP TABLE import_staging (
	hkey INTEGER NOT NULL, n INTEGER NOT NULL, id TEXT NOT NULL UNIQUE,
	properties TEXT NOT NULL, geometry BLOB NOT NULL,
	minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
	t_start INTEGER, t_end INTEGER)`
	insertStaging = `INSERT INTO import_staging
	(hkey, n, id, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	stagedWith = `SELECT n FROM import_staging WHERE id = ?`
	// WHERE true tells the parser the ON CONFLICT belongs to the INSERT.
	moveStaging = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
SELECT ?, id, 'import', properties, geometry, minx, miny, maxx, maxy, t_start, t_end
FROM import_staging WHERE true ORDER BY %s
ON CONFLICT (layer, id) DO UPDATE SET
	origin = 'import', properties = excluded.properties, geometry = excluded.geometry,
	minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
	t_start = excluded.t_start, t_end = excluded.t_end`
	dropStaging = `DROP TABLE temp.import_staging`
)

// Import adds features to an existing layer, replacing any with the same
// id, and marks them as imported so a later re-seed keeps them. It writes
// all of them in one transaction or none; no features change nothing,
// not even the version.
func (db *DB) Import(ctx context.Context, layer string, features []geodata.Feature) error {
	_, err := db.ImportStream(ctx, layer, geodata.Each(features))
	return err
}

// ImportStream is Import for a stream of any length: features are read
// one at a time (an error from the stream aborts the import), staged, and
// written in spatial order in one transaction, or not at all. An empty
// stream changes nothing. It returns how many features it wrote.
func (db *DB) ImportStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error) {
	n, err := db.importStream(ctx, layer, features)
	switch {
	case err == nil, errors.Is(err, geodata.ErrInvalid), errors.Is(err, geodata.ErrNotFound):
		return n, err
	case ctx.Err() != nil:
		// A cancelled transaction makes its statements fail as closed:
		// say why.
		return 0, fmt.Errorf("sqlite: import into %s: %w", layer, ctx.Err())
	}
	return 0, fmt.Errorf("sqlite: import into %s: %w", layer, err)
}

func (db *DB) importStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error) {
	// A statement journal, the staging table and its sort go to temporary
	// files, not memory: an import of any size stays within the cache.
	for _, pragma := range importPragmas {
		if _, err := db.w.ExecContext(ctx, pragma); err != nil {
			return 0, err
		}
	}
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	l, err := layerOf(ctx, tx, layer)
	if err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, createStaging); err != nil {
		return 0, err
	}
	stage, err := tx.PrepareContext(ctx, insertStaging)
	if err != nil {
		return 0, err
	}
	defer stage.Close()
	props := map[string]bool{}
	n := 0
	for f, err := range features {
		if err != nil {
			return 0, err
		}
		n++
		if err := db.stage(ctx, tx, stage, l, n, f, props); err != nil {
			return 0, err
		}
	}
	if n == 0 {
		return 0, nil
	}
	// A large import goes in along the map; a small one keeps its order.
	order := "n"
	if n >= spatialImportMin {
		order = "hkey"
	}
	if _, err := tx.ExecContext(ctx, fmt.Sprintf(moveStaging, order), layer); err != nil {
		return 0, err
	}
	if _, err := tx.ExecContext(ctx, dropStaging); err != nil {
		return 0, err
	}
	if err := recordProperties(ctx, tx, layer, props); err != nil {
		return 0, err
	}
	if err := touchAndBump(ctx, tx, layer); err != nil {
		return 0, err
	}
	return n, db.commit(tx)
}

// spatialImportMin is the size from which an import is written in
// spatial order: below it, a layer stays in the order its file gave.
const spatialImportMin = 1000

// importPragmas set up the writer connection for an import: temporary
// storage on disk, and a page cache of 64 MiB (given in KiB, negative, as
// the pragma takes it) so the R*Tree and index pages an import dirties are
// not spilled and rewritten midway.
var importPragmas = []string{`PRAGMA temp_store = FILE`, `PRAGMA cache_size = -65536`}

// stage checks and encodes the nth feature of an import and adds it to
// the staging table.
func (db *DB) stage(ctx context.Context, tx *sql.Tx, stage *sql.Stmt, l geodata.Layer, n int, f geodata.Feature, props map[string]bool) error {
	if n&1023 == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	if err := geodata.CheckGeometryKind(l, f.Geometry); err != nil {
		return geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	r, err := encodeFeature(f)
	if err != nil {
		return geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	for k := range f.Properties {
		props[k] = true
	}
	_, err = stage.ExecContext(ctx, int64(HilbertKey(f.Geometry)), n, r.id, r.properties, r.geometry,
		r.minx, r.miny, r.maxx, r.maxy, r.start, r.end)
	if isConstraint(err) {
		var prev int
		if tx.QueryRowContext(ctx, stagedWith, r.id).Scan(&prev) == nil {
			return geodata.Invalidf("feature %d (id %q): id already used by feature %d", n, truncate(r.id, 60), prev)
		}
	}
	return err
}

// idSuffix names a feature's id in a message, when it has one.
func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", truncate(id, 60))
}
