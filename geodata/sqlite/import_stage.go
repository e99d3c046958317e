package sqlite

import (
	"context"
	"database/sql"
	"strings"
)

// stageBatch is how many features one insert into the staging table
// writes: a call into the driver costs about what inserting a row does,
// so rows go in batches.
const stageBatch = 32

// stager inserts an import's features into its staging table, a batch
// at a time.
type stager struct {
	tx   *sql.Tx
	full *sql.Stmt // inserts stageBatch rows
	args []any
	rows int
}

// newStager prepares the staging of features in tx.
func newStager(ctx context.Context, tx *sql.Tx) (*stager, error) {
	full, err := tx.PrepareContext(ctx, insertStaging(stageBatch))
	if err != nil {
		return nil, err
	}
	return &stager{tx: tx, full: full}, nil
}

// add stages r, or keeps it for the next batch.
func (s *stager) add(ctx context.Context, r stagedRow) error {
	s.args = append(s.args, int64(r.hkey), r.n, r.id, r.properties, r.geometry,
		r.minx, r.miny, r.maxx, r.maxy, r.start, r.end)
	if s.rows++; s.rows == stageBatch {
		return s.flush(ctx)
	}
	return nil
}

// flush stages the features kept since the last batch.
func (s *stager) flush(ctx context.Context) error {
	if s.rows == 0 {
		return nil
	}
	// The driver watches a context that can end with a goroutine for
	// each call, which costs more than the insert; the importer checks
	// ctx itself, every 1024 features.
	ctx = context.WithoutCancel(ctx)
	var err error
	if s.rows == stageBatch {
		_, err = s.full.ExecContext(ctx, s.args...)
	} else {
		_, err = s.tx.ExecContext(ctx, insertStaging(s.rows), s.args...)
	}
	clear(s.args)
	s.args, s.rows = s.args[:0], 0
	return err
}

// close releases the stager's statement.
func (s *stager) close() {
	s.full.Close()
}

// insertStaging returns the statement that stages rows features.
func insertStaging(rows int) string {
	const row = "(?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"
	return `INSERT INTO import_staging (hkey, n, id, properties, geometry, minx, miny, maxx, maxy, t_start, t_end)
VALUES ` + strings.Repeat(row+", ", rows-1) + row
}
