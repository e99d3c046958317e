package sqlite

import (
	"context"
	"database/sql"
	sqldriver "database/sql/driver"
	"hash/maphash"
)

const (
	// The features set aside to be written at the end (see spatialRun)
	// wait in a temporary table of the write connection, which belongs to
	// the transaction: a failure or a kill leaves nothing of it. So do
	// the ids of all the import's features.
	createStaging = `CREATE TEMP TABLE import_staging (
	n INTEGER PRIMARY KEY, hkey INTEGER NOT NULL, id TEXT NOT NULL,
	properties TEXT NOT NULL, geometry BLOB NOT NULL,
	minx REAL NOT NULL, miny REAL NOT NULL, maxx REAL NOT NULL, maxy REAL NOT NULL,
	t_start INTEGER, t_end INTEGER)`
	createIDs = `CREATE TEMP TABLE import_ids (n INTEGER PRIMARY KEY, id TEXT NOT NULL)`
	// replaceFeature makes a feature written by an import replace the
	// layer's feature with its id.
	replaceFeature = `ON CONFLICT (layer, id) DO UPDATE SET
	origin = 'import', properties = excluded.properties, geometry = excluded.geometry,
	minx = excluded.minx, miny = excluded.miny, maxx = excluded.maxx, maxy = excluded.maxy,
	t_start = excluded.t_start, t_end = excluded.t_end`
	// moveStaging writes the features set aside into the layer, in the
	// map's order; the WHERE tells the parser the ON CONFLICT belongs to
	// the INSERT.
	moveStaging = `INSERT INTO features
	(layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
SELECT ?1, id, 'import', properties, geometry, minx, miny, maxx, maxy, t_start, t_end
FROM import_staging WHERE n > 0 ORDER BY hkey, n
` + replaceFeature
	dropStaging = `DROP TABLE temp.import_staging`
	dropIDs     = `DROP TABLE temp.import_ids`
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

// importChunk is how many features an import decides on at a time,
// writing those that come in spatial order and setting the others
// aside: enough that each write of the R*Tree and the filter values is
// one statement over many rows, few enough that the features waiting,
// and as many the workers run ahead by, hold some ten megabytes.
const importChunk = 8192

// importer writes the features of one import into a layer, in one
// transaction.
type importer struct {
	tx    *sql.Tx
	layer string
	last  int64 // the largest rid before the import; new rows come after it
	run   spatialRun
	// pending holds the features not yet decided on, in file order.
	pending []stagedRow
	n       int // features read
	late    int // features set aside
	props   map[string]bool
	ids     idIndex
	top     int64 // the largest rid after the last chunk written
	// The inserts: features into the layer, those set aside into the
	// staging table, every feature's id into import_ids.
	features, stage, idRows *batcher
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
	for _, create := range []string{createStaging, createIDs} {
		if _, err := tx.ExecContext(ctx, create); err != nil {
			return nil, err
		}
	}
	for _, b := range []struct {
		to     **batcher
		insert func(int) string
	}{{&im.features, insertFeatures}, {&im.stage, insertStaging}, {&im.idRows, insertIDs}} {
		if *b.to, err = newBatcher(ctx, tx, b.insert); err != nil {
			return nil, err
		}
	}
	return im, nil
}

// close releases the importer's statements.
func (im *importer) close() {
	for _, b := range []*batcher{im.features, im.stage, im.idRows} {
		if b != nil {
			b.close()
		}
	}
}

// add takes the next feature, and writes those that come in spatial
// order, a chunk at a time.
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
	if err := im.idRows.add(ctx, r.n, r.id); err != nil {
		return err
	}
	im.run.add(r.n, r.hkey)
	im.pending = append(im.pending, r)
	if im.run.ready() {
		return im.writeRun(ctx, false)
	}
	return nil
}

// writeRun decides the next batch of features (all those left, at the
// end), writes those in spatial order and stages the others.
func (im *importer) writeRun(ctx context.Context, end bool) error {
	upto, late := im.run.decide(end)
	if upto == 0 {
		return nil // nothing was left to decide
	}
	size := 0
	for size < len(im.pending) && im.pending[size].n <= upto {
		size++
	}
	// The batch's features in order are gathered at its front, in place.
	inOrder := im.pending[:0]
	for _, r := range im.pending[:size] {
		if len(late) > 0 && late[0] == r.n {
			late = late[1:]
			if err := im.stage.add(ctx, stagingArgs(r)...); err != nil {
				return err
			}
			im.late++
			continue
		}
		inOrder = append(inOrder, r)
	}
	if err := im.write(ctx, inOrder); err != nil {
		return err
	}
	rest := copy(im.pending, im.pending[size:])
	clear(im.pending[rest:]) // the rows written go with their batch
	im.pending = im.pending[:rest]
	return nil
}

// write writes rows into the layer, in the order given, and adds the new
// ones to the R*Tree and the filter values.
func (im *importer) write(ctx context.Context, rows []stagedRow) error {
	if len(rows) == 0 {
		return nil
	}
	err := im.withoutChecks(ctx, func() error {
		for _, r := range rows {
			if err := im.features.add(ctx, featureArgs(im.layer, r)...); err != nil {
				return err
			}
		}
		return im.features.flush(ctx)
	})
	if err != nil {
		return err
	}
	return im.index(ctx)
}

// index adds the features written since the last chunk to the R*Tree and
// the filter values.
func (im *importer) index(ctx context.Context) error {
	if _, err := im.tx.ExecContext(ctx, chunkRTree, im.layer, im.top); err != nil {
		return err
	}
	if _, err := im.tx.ExecContext(ctx, chunkValues, im.top); err != nil {
		return err
	}
	return im.tx.QueryRowContext(ctx, maxRID).Scan(&im.top)
}

// withoutChecks runs write, which writes an import's features, with the
// CHECKs of features turned off: checking that each row's properties are
// JSON (json_valid, a full parse) was a fifth of the work of writing
// them. Every row comes from encodeFeature, whose properties json.Marshal
// wrote, whose dates are both there or both not, and whose origin is the
// constant in insertFeatures and moveStaging; the integrity check, which
// verifies CHECKs, passes over the imports of every kind the tests make
// (TestLargeImportKeepsValuesAndHistory).
func (im *importer) withoutChecks(ctx context.Context, write func() error) error {
	if _, err := im.tx.ExecContext(ctx, checksOff); err != nil {
		return err
	}
	err := write()
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

// finish writes what is left (in spatial order when there is much of
// it, in file order when not), checks the import's ids, writes the
// features set aside and the history of the new features, and restores
// the insert triggers.
func (im *importer) finish(ctx context.Context) error {
	if err := im.writeRest(ctx); err != nil {
		return err
	}
	for _, b := range []*batcher{im.stage, im.idRows} {
		if err := b.flush(ctx); err != nil {
			return err
		}
	}
	if err := im.ids.check(ctx, im.tx); err != nil {
		return err
	}
	if err := im.writeLate(ctx); err != nil {
		return err
	}
	im.close()
	im.features, im.stage, im.idRows = nil, nil, nil
	steps := []struct {
		query string
		args  []any
	}{{dropStaging, nil}, {dropIDs, nil}, {bulkRevision, []any{im.last}}, {bulkHistory, []any{im.last}}}
	for _, s := range steps {
		if _, err := im.tx.ExecContext(ctx, s.query, s.args...); err != nil {
			return err
		}
	}
	return im.triggers.restore(ctx, im.tx)
}

// writeRest writes the features not yet decided on: a small import
// whole, in the file's order (none of it is written before the end); a
// large one's last batch, whose strays it stages.
func (im *importer) writeRest(ctx context.Context) error {
	if im.n < spatialImportMin {
		rows := im.pending
		im.pending = nil
		return im.write(ctx, rows)
	}
	return im.writeRun(ctx, true)
}

// writeLate writes the features set aside, in the map's order.
func (im *importer) writeLate(ctx context.Context) error {
	if im.late == 0 {
		return nil
	}
	err := im.withoutChecks(ctx, func() error {
		_, err := im.tx.ExecContext(ctx, moveStaging, im.layer)
		return err
	})
	if err != nil {
		return err
	}
	return im.index(ctx)
}
