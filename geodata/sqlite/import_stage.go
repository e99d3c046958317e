package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// stageBatch is how many rows one insert of an import writes: a call
// into the driver costs about what inserting a row does, so rows go in
// batches.
const stageBatch = 32

// batcher inserts rows of an import with one statement of many rows,
// stageBatch at a time.
type batcher struct {
	tx     *sql.Tx
	insert func(rows int) string // the statement for so many rows
	full   *sql.Stmt             // inserts stageBatch rows
	args   []any
	rows   int
}

// newBatcher prepares, in tx, the inserts that insert returns.
func newBatcher(ctx context.Context, tx *sql.Tx, insert func(rows int) string) (*batcher, error) {
	full, err := tx.PrepareContext(ctx, insert(stageBatch))
	if err != nil {
		return nil, err
	}
	return &batcher{tx: tx, insert: insert, full: full}, nil
}

// add inserts the row that args give, or keeps it for the next batch.
func (b *batcher) add(ctx context.Context, args ...any) error {
	b.args = append(b.args, args...)
	if b.rows++; b.rows == stageBatch {
		return b.flush(ctx)
	}
	return nil
}

// flush inserts the rows kept since the last batch.
func (b *batcher) flush(ctx context.Context) error {
	if b.rows == 0 {
		return nil
	}
	// The driver watches a context that can end with a goroutine for
	// each call, which costs more than the insert; the importer checks
	// ctx itself, every 1024 features.
	ctx = context.WithoutCancel(ctx)
	var err error
	if b.rows == stageBatch {
		_, err = b.full.ExecContext(ctx, b.args...)
	} else {
		_, err = b.tx.ExecContext(ctx, b.insert(b.rows), b.args...)
	}
	clear(b.args)
	b.args, b.rows = b.args[:0], 0
	return err
}

// close releases the batcher's statement.
func (b *batcher) close() {
	b.full.Close()
}

// valuesOf is the VALUES of an insert of rows rows, each row as given.
func valuesOf(row string, rows int) string {
	return "VALUES " + strings.Repeat(row+", ", rows-1) + row
}

// insertStaging stages rows features set aside (see spatialRun).
func insertStaging(rows int) string {
	return `INSERT INTO import_staging (hkey, n, id, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
` + valuesOf("(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
}

// stagingArgs are r's values for insertStaging.
func stagingArgs(r stagedRow) []any {
	return []any{int64(r.hkey), r.n, r.id, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end}
}

// insertFeatures writes rows features of a layer straight into it, each
// replacing the layer's feature with its id.
func insertFeatures(rows int) string {
	return `INSERT INTO features (layer, id, origin, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
` + valuesOf("(?, ?, 'import', ?, ?, ?, ?, ?, ?, ?, ?)", rows) + `
` + replaceFeature
}

// featureArgs are r's values for insertFeatures into layer.
func featureArgs(layer string, r stagedRow) []any {
	return []any{layer, r.id, r.properties, r.geometry, r.minx, r.miny, r.maxx, r.maxy, r.start, r.end}
}

// insertIDs notes the ids of rows features, for the check that no two
// share one (see idIndex).
func insertIDs(rows int) string {
	return `INSERT INTO import_ids (n, id) ` + valuesOf("(?, ?)", rows)
}
