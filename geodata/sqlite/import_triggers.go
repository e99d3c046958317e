package sqlite

import (
	"context"
	"database/sql"
)

// readTriggers reads the row triggers an import suspends: those that
// keep the R*Tree, the filter values and the history in step with each
// feature inserted, which are all the insert triggers of features. With
// any insert trigger on a table, SQLite first copies every row of an
// INSERT ... SELECT into a temporary table; an import does their work a
// chunk at a time instead (importer.write), from the views they read
// (see 0008_import_by_chunk.sql).
const readTriggers = `SELECT name, sql FROM sqlite_schema
WHERE type = 'trigger' AND tbl_name = 'features'
	AND name IN ('features_rtree_insert', 'feature_values_insert', 'features_history_insert')
ORDER BY rowid`

// suspendedTriggers are triggers dropped inside a transaction, with the
// definitions to create them again before it commits. Rolled back, the
// transaction keeps them as they were.
type suspendedTriggers struct {
	names, defs []string
}

// suspendTriggers drops the import's triggers in tx and keeps their
// definitions, as the schema holds them, to restore.
func suspendTriggers(ctx context.Context, tx *sql.Tx) (*suspendedTriggers, error) {
	rows, err := tx.QueryContext(ctx, readTriggers)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	s := &suspendedTriggers{}
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			return nil, err
		}
		s.names = append(s.names, name)
		s.defs = append(s.defs, def)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	rows.Close()
	for _, name := range s.names {
		// The names are those in readTriggers, not input.
		if _, err := tx.ExecContext(ctx, "DROP TRIGGER "+name); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// restore creates the triggers again, in the order they were made.
func (s *suspendedTriggers) restore(ctx context.Context, tx *sql.Tx) error {
	for _, def := range s.defs {
		if _, err := tx.ExecContext(ctx, def); err != nil {
			return err
		}
	}
	return nil
}
