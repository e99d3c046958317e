package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"

	"github.com/casmap/casmap/geodata"
)

// newDBID returns a random id for a new database file, so versions of two
// databases (say, a laptop's and a server's) never look alike.
func newDBID() (string, error) {
	var b [16]byte
	if _, err := rand.Read(b[:]); err != nil {
		return "", fmt.Errorf("random database id: %w", err)
	}
	return hex.EncodeToString(b[:]), nil
}

const selectVersion = `SELECT substr(dbid, 1, 8), generation FROM meta WHERE id = 1`

// Version identifies the current state of all the data as
// "<database id>-<generation>". It changes with every Seed, Import or
// Delete that writes, and with nothing else.
func (db *DB) Version(ctx context.Context) (geodata.Version, error) {
	var id string
	var gen int64
	if err := db.r.QueryRowContext(ctx, selectVersion).Scan(&id, &gen); err != nil {
		return "", fmt.Errorf("sqlite: read version: %w", err)
	}
	return geodata.Version(fmt.Sprintf("%s-%d", id, gen)), nil
}

const bumpGeneration = `UPDATE meta SET generation = generation + 1 WHERE id = 1`

// bump marks a write transaction as changing the data. Every write path
// calls it inside its transaction, so the new version commits with the
// data or not at all.
func bump(ctx context.Context, tx *sql.Tx) error {
	if _, err := tx.ExecContext(ctx, bumpGeneration); err != nil {
		return fmt.Errorf("bump generation: %w", err)
	}
	return nil
}
