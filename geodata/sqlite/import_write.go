package sqlite

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"fmt"
	"hash/maphash"
)

const (
	// Features wait in a temporary table of the write connection, which
	// belongs to the transaction: a failure or a kill leaves nothing of
	// it.
	createStaging = `CREATE TEMP TABLE import_staging (
	n INTEGER PRIMARY KEY, hkey INTEGER NOT NULL, id TEXT NOT NULL,
	properties TEXT NOT NULL, geometry BLOB NOT NULL,
	minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
	t_start INTEGER, t_end INTEGER)`
	// The features set aside to be written at the end (see spatialRun).
	createLate = `CREATE TEMP TABLE import_late (n INTEGER PRIMARY KEY)`
	addLate    = `INSERT INTO import_late (n) SELECT value FROM json_each(?)`
	// moveStaging writes the staged features that a WHERE clause picks,
	// each replacing the layer's feature with its id; the WHERE also tells
	// the parser the ON CONFLICT belongs to the INSERT.
	moveStaging = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
SELECT ?1, id, 'import', properties, geometry, minx, miny, maxx, maxy, t_start, t_end
FROM import_staging WHERE %s ORDER BY %s
ON CONFLICT (layer, id) DO UPDATE SET
	origin = 'import', properties = excluded.properties, geometry = excluded.geometry,
	minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
	t_start = excluded.t_start, t_end = excluded.t_end`
	// What a move picks: the features of a batch that came in order (those
	// after the ?2nd up to the ?3rd, but those set aside), those set aside,
	// and all of them.
	pickRun     = `n > ?2 AND n <= ?3 AND n NOT IN (SELECT n FROM temp.import_late)`
	pickLate    = `n IN (SELECT n FROM temp.import_late)`
	pickAll     = `n > 0`
	dropStaging = `DROP TABLE temp.import_staging`
	dropLate    = `DROP TABLE temp.import_late`
	checksOff   = `PRAGMA ignore_check_constraints = ON`
	checksOn    = `PRAGMA ignore_check_constraints = OFF`

	// After each chunk, what the suspended insert triggers would have
	// done for its new rows (the layer's rows past the largest rid before
	// it), in one statement each.
	chunkRTree = `INSERT INTO features_rtree (rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt)
SELECT rid, minx, maxx, miny, maxy, minl, maxl, mint, maxt FROM features_rtree_of WHERE layer = ?1 AND rid > ?2`
	chunkValues = `INSERT OR IGNORE INTO feature_values (layer_num, name, value, num, rid)
SELECT layer_num, name, value, num, rid FROM feature_values_of WHERE rid > ?1`

	// An import's new features get rids past the last one; their history
	// is written after them, in key order (see 0007_bulk_import.sql),
	// as the row trigger would have written it.
	maxRID       = `SELECT coalesce(max(rid), 0) FROM features`
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

// importChunk is how many features an import stages before it writes
// those of them that come in spatial order: enough that each write is
// one statement over many rows, few enough that the workers, which run
// ahead by as many, hold some ten megabytes.
const importChunk = 8192

// importer writes the features of one import into a layer, in one
// transaction.
type importer struct {
	tx      *sql.Tx
	layer   string
	last    int64 // the largest rid before the import; new rows come after it
	stage   *stager
	run     spatialRun
	n       int // features staged
	decided int // features written or set aside, the first of those staged
	late    int // features set aside
	props   map[string]bool
	ids     idIndex
	top     int64 // the largest rid after the last chunk written
	// triggers are the insert triggers suspended for the import.
	triggers *suspendedTriggers
}

// newImporter starts an import into layer in tx.
func newImporter(ctx context.Context, tx *sql.Tx, layer string) (*importer, error) {
	im := &importer{tx: tx, layer: layer, props: map[string]bool{}, ids: idIndex{seed: maphash.MakeSeed()}}
	if err := tx.QueryRowContext(ctx, maxRID).Scan(&im.last); err != nil {
		return nil, err
	}
	im.top = im.last
	var err error
	if im.triggers, err = suspendTriggers(ctx, tx); err != nil {
		return nil, err
	}
	for _, create := range []string{createStaging, createLate} {
		if _, err := tx.ExecContext(ctx, create); err != nil {
			return nil, err
		}
	}
	im.stage, err = newStager(ctx, tx)
	return im, err
}

// close releases the importer's statement.
func (im *importer) close() {
	if im.stage != nil {
		im.stage.close()
	}
}

// add stages the next feature, and writes those staged that come in
// spatial order, a chunk at a time.
func (im *importer) add(ctx context.Context, r stagedRow) error {
	if im.n++; im.n&1023 == 0 {
		if err := ctx.Err(); err != nil {
			return err
		}
	}
	for _, k := range r.keys {
		im.props[k] = true
	}
	im.ids.add(r.id, r.n)
	im.run.add(r.n, r.hkey)
	if err := im.stage.add(ctx, r); err != nil {
		return err
	}
	if im.run.ready() {
		return im.writeRun(ctx, false)
	}
	return nil
}

// writeRun decides the next batch of features (all those left, at the
// end), writes those in spatial order and sets the others aside.
func (im *importer) writeRun(ctx context.Context, end bool) error {
	upto, late := im.run.decide(end)
	if upto == 0 {
		return nil // nothing was left to decide
	}
	if err := im.stage.flush(ctx); err != nil {
		return err
	}
	if len(late) > 0 {
		// ridList writes the features' numbers as json_each reads them.
		if _, err := im.tx.ExecContext(ctx, addLate, ridList(late)); err != nil {
			return err
		}
		im.late += len(late)
	}
	first := im.decided
	im.decided = upto
	if len(late) == upto-first {
		return nil
	}
	return im.write(ctx, pickRun, "n", first, upto)
}

// write moves the staged features that pick (a WHERE clause on
// import_staging, with args from ?2) gives into the layer, in the order
// given, and adds the new ones to the R*Tree and the filter values.
func (im *importer) write(ctx context.Context, pick, order string, args ...any) error {
	if err := im.move(ctx, pick, order, args); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(ctx, chunkRTree, im.layer, im.top); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(ctx, chunkValues, im.top); err != nil {
		return err
	}
	return im.tx.QueryRowContext(ctx, maxRID).Scan(&im.top)
}

// move writes the features staged since the last write into the layer,
// in the order given, with the CHECKs of features turned off: checking
// that each row's properties are JSON (json_valid, a full parse) was a
// fifth of the statement's work. Every staged row comes from
// encodeFeature, whose properties json.Marshal wrote, whose dates are
// both there or both not, and whose origin is the constant in
// moveStaging; the integrity check, which verifies CHECKs, passes over
// the imports of every kind the tests make
// (TestLargeImportKeepsValuesAndHistory).
func (im *importer) move(ctx context.Context, pick, order string, args []any) error {
	if _, err := im.tx.ExecContext(ctx, checksOff); err != nil {
		return err
	}
	_, err := im.tx.ExecContext(ctx, fmt.Sprintf(moveStaging, pick, order), append([]any{im.layer}, args...)...)
	// On again whatever happened; if the transaction has ended already,
	// checksBackOn sees to it.
	if _, on := im.tx.ExecContext(context.WithoutCancel(ctx), checksOn); err == nil {
		err = on
	}
	return err
}

// checksBackOn turns CHECKs on again on an import's connection once its
// transaction has ended, in case the import stopped while they were off.
// A connection where that fails is closed, not handed to the next write.
func checksBackOn(conn *sql.Conn) {
	if _, err := conn.ExecContext(context.Background(), checksOn); err != nil {
		conn.Raw(func(any) error { return sqldriver.ErrBadConn })
	}
}

// finish checks the import's ids, writes the rest of what was staged (in
// spatial order when there is much of it, in file order when not) and
// the history of the new features, and restores the insert triggers.
func (im *importer) finish(ctx context.Context) error {
	if err := im.stage.flush(ctx); err != nil {
		return err
	}
	if err := im.ids.check(ctx, im.tx); err != nil {
		return err
	}
	if err := im.writeRest(ctx); err != nil {
		return err
	}
	im.stage.close()
	im.stage = nil
	steps := []struct {
		query string
		args  []any
	}{{dropStaging, nil}, {dropLate, nil}, {bulkRevision, []any{im.last}}, {bulkHistory, []any{im.last}}}
	for _, s := range steps {
		if _, err := im.tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	return im.triggers.restore(ctx, im.tx)
}

// writeRest writes what finish finds staged: a small import whole, in
// the file's order (none of it is written before the end); a large one's
// last batch, then the features set aside, in spatial order.
func (im *importer) writeRest(ctx context.Context) error {
	if im.n < spatialImportMin {
		return im.write(ctx, pickAll, "n")
	}
	if err := im.writeRun(ctx, true); err != nil {
		return err
	}
	if im.late == 0 {
		return nil
	}
	return im.write(ctx, pickLate, "hkey, n")
}
