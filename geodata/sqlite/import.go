package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"hash/maphash"
	"iter"
	"slices"

	"github.com/casmap/casmap/geodata"
)

const (
	// Imports are staged in a temporary table of the write connection,
	// then moved into features in spatial (Hilbert) order, so rowids
	// follow the map and a bbox query reads few pages, while memory holds
	// one feature at a time. The temporary table belongs to the
	// transaction: a failure or a kill leaves nothing of it.
	createStaging = `CREATE TEMP TABLE import_staging (
	n INTEGER PRIMARY KEY, hkey INTEGER NOT NULL, id TEXT NOT NULL,
	properties TEXT NOT NULL, geometry BLOB NOT NULL,
	minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
	t_start INTEGER, t_end INTEGER)`
	insertStaging = `INSERT INTO import_staging
	(hkey, n, id, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`
	// A file's ids are checked once it is staged, not by an index kept
	// up row by row: when two of their hashes agree, this finds the first
	// feature whose id an earlier one used, and that one.
	stagedTwice = `SELECT n, id, first FROM (
	SELECT n, id, min(n) OVER w AS first, row_number() OVER w AS k
	FROM import_staging WINDOW w AS (PARTITION BY id ORDER BY n))
WHERE k = 2 ORDER BY n LIMIT 1`
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

	// An import's new features get rids past the last one; their history
	// is written after them, in key order (see 0007_bulk_import.sql),
	// as the row trigger would have written it.
	lastRID      = `SELECT coalesce(max(rid), 0) FROM features`
	beginBulk    = `INSERT INTO bulk_write (id) VALUES (1)`
	endBulk      = `DELETE FROM bulk_write`
	bulkRevision = `INSERT INTO revisions (gen, kind, author, reviewer, reason, at, revert_to, proposal)
SELECT m.generation + 1, coalesce(w.kind, 'import'), coalesce(w.author, ''), coalesce(w.reviewer, ''),
	coalesce(w.reason, ''), strftime('%Y-%m-%dT%H:%M:%SZ', 'now'), w.revert_to, w.proposal
FROM meta AS m LEFT JOIN write_context AS w ON w.id = 1
WHERE m.id = 1 AND EXISTS (SELECT 1 FROM features WHERE rid > ?1)
ON CONFLICT (gen) DO NOTHING`
	bulkHistory = `INSERT INTO feature_history (layer, id, gen, op)
SELECT f.layer, f.id, m.generation + 1, 'create' FROM features AS f, meta AS m
WHERE m.id = 1 AND f.rid > ?1 ORDER BY f.layer, f.id
ON CONFLICT (layer, id, gen) DO UPDATE
SET op = CASE WHEN before_geometry IS NULL THEN 'create' ELSE 'replace' END`
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
	st, err := stageAll(ctx, tx, l, features)
	if err != nil {
		return 0, err
	}
	if st.n == 0 {
		return 0, nil
	}
	// A large import goes in along the map; a small one keeps its order.
	// A file in map order already (an export, say) needs no sort.
	order := "n"
	if st.n >= spatialImportMin && !st.inKeyOrder {
		order = "hkey, n"
	}
	if err := moveStaged(ctx, tx, layer, order); err != nil {
		return 0, err
	}
	if err := recordProperties(ctx, tx, layer, st.props); err != nil {
		return 0, err
	}
	if err := touchAndBump(ctx, tx, layer); err != nil {
		return 0, err
	}
	return st.n, db.commit(tx)
}

// moveStaged writes the staged features into layer in the order given,
// and the history of those it adds.
func moveStaged(ctx context.Context, tx *sql.Tx, layer, order string) error {
	var last int64
	if err := tx.QueryRowContext(ctx, lastRID).Scan(&last); err != nil {
		return err
	}
	steps := []struct {
		query string
		args  []any
	}{
		{beginBulk, nil},
		{fmt.Sprintf(moveStaging, order), []any{layer}},
		{endBulk, nil},
		{bulkRevision, []any{last}},
		{bulkHistory, []any{last}},
		{dropStaging, nil},
	}
	for _, s := range steps {
		if _, err := tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	return nil
}

// staging is what stageAll saw of an import: how many features, the
// names of their properties, and whether their Hilbert keys came in
// order.
type staging struct {
	n          int
	props      map[string]bool
	inKeyOrder bool
}

// stageAll checks, encodes and stages the features of an import into l.
func stageAll(ctx context.Context, tx *sql.Tx, l geodata.Layer, features iter.Seq2[geodata.Feature, error]) (staging, error) {
	st := staging{props: map[string]bool{}, inKeyOrder: true}
	if _, err := tx.ExecContext(ctx, createStaging); err != nil {
		return st, err
	}
	stage, err := tx.PrepareContext(ctx, insertStaging)
	if err != nil {
		return st, err
	}
	defer stage.Close()
	// The ids' hashes, 8 bytes a feature, tell at the end whether any id
	// may come twice; only then does the database look.
	seed := maphash.MakeSeed()
	var hashes []uint64
	var last uint64
	encode := func(n int, f geodata.Feature) (stagedRow, error) { return stagedRowOf(l, n, f) }
	for r, err := range geodata.MapOrdered(features, 0, encode) {
		if err != nil {
			return st, err
		}
		if st.n++; st.n&1023 == 0 {
			if err := ctx.Err(); err != nil {
				return st, err
			}
		}
		for _, k := range r.keys {
			st.props[k] = true
		}
		st.inKeyOrder = st.inKeyOrder && r.hkey >= last
		last = r.hkey
		hashes = append(hashes, maphash.String(seed, r.id))
		if _, err := stage.ExecContext(ctx, int64(r.hkey), r.n, r.id, r.properties, r.geometry,
			r.minx, r.miny, r.maxx, r.maxy, r.start, r.end); err != nil {
			return st, err
		}
	}
	slices.Sort(hashes)
	for i := 1; i < len(hashes); i++ {
		if hashes[i] == hashes[i-1] {
			return st, checkStagedIDs(ctx, tx)
		}
	}
	return st, nil
}

// spatialImportMin is the size from which an import is written in
// spatial order: below it, a layer stays in the order its file gave.
const spatialImportMin = 1000

// importPragmas set up the writer connection for an import: temporary
// storage on disk, and a page cache of 32 MiB (given in KiB, negative, as
// the pragma takes it), which holds the pages the import's inserts keep
// coming back to (its indexes grow at a few places each, the R*Tree along
// the map). The process holds some five times the cache at its peak
// (pages, the sort of the staged rows, the allocator's rounding): a
// million incidents took 170 MB with this cache, 298 MB with 64 MiB, for
// 7% less CPU.
var importPragmas = []string{`PRAGMA temp_store = FILE`, `PRAGMA cache_size = -32768`}

// stagedRow is one feature of an import, checked and encoded for the
// staging table, with the names of its properties.
type stagedRow struct {
	featureRow
	n    int
	hkey uint64
	keys []string
}

// stagedRowOf checks and encodes the nth feature of an import into layer
// l. It reads nothing but its arguments, so features are encoded on every
// core at once.
func stagedRowOf(l geodata.Layer, n int, f geodata.Feature) (stagedRow, error) {
	if err := geodata.CheckGeometryKind(l, f.Geometry); err != nil {
		return stagedRow{}, geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	r, err := encodeFeature(f)
	if err != nil {
		return stagedRow{}, geodata.Invalidf("feature %d%s: %s", n, idSuffix(f.ID), geodata.Message(err, err.Error()))
	}
	keys := make([]string, 0, len(f.Properties))
	for k := range f.Properties {
		keys = append(keys, k)
	}
	return stagedRow{featureRow: r, n: n, hkey: HilbertKey(f.Geometry), keys: keys}, nil
}

// checkStagedIDs fails an import whose file gives one id to two features.
func checkStagedIDs(ctx context.Context, tx *sql.Tx) error {
	var n, first int
	var id string
	err := tx.QueryRowContext(ctx, stagedTwice).Scan(&n, &id, &first)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		return nil
	case err != nil:
		return err
	}
	return geodata.Invalidf("feature %d (id %q): id already used by feature %d", n, truncate(id, 60), first)
}

// idSuffix names a feature's id in a message, when it has one.
func idSuffix(id string) string {
	if id == "" {
		return ""
	}
	return fmt.Sprintf(" (id %q)", truncate(id, 60))
}
