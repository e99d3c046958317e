package postgis

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema step, read from migrations/NNNN_*.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in order, checking they
// are numbered 1, 2, 3... with no gap.
func loadMigrations() ([]migration, error) {
	names, err := fs.Glob(migrationFiles, "migrations/*.sql")
	if err != nil {
		return nil, err
	}
	var out []migration
	for _, name := range names {
		base := filepath.Base(name)
		num, _, _ := strings.Cut(base, "_")
		v, err := strconv.Atoi(num)
		if err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number", base)
		}
		body, err := migrationFiles.ReadFile(name)
		if err != nil {
			return nil, err
		}
		out = append(out, migration{version: v, name: base, sql: string(body)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].version < out[j].version })
	for i, m := range out {
		if m.version != i+1 {
			return nil, fmt.Errorf("migration %s: want number %d", m.name, i+1)
		}
	}
	return out, nil
}

const (
	// migrateLock is the advisory lock that makes two processes migrating
	// one database at once take turns ("casmap" in ASCII).
	migrateLock        = `SELECT pg_advisory_xact_lock(108929338040688)`
	createSchemaTable  = `CREATE TABLE IF NOT EXISTS casmap_schema (version int NOT NULL)`
	readSchemaVersion  = `SELECT coalesce(max(version), 0) FROM casmap_schema`
	writeSchemaVersion = `INSERT INTO casmap_schema (version) VALUES ($1)`
)

// Migrate creates casmap's schema in the database at dsn, or applies the
// migrations it lacks, in one transaction.
func Migrate(ctx context.Context, dsn string) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return fmt.Errorf("postgis: connect: %w", err)
	}
	defer conn.Close(context.Background())
	tx, err := conn.Begin(ctx)
	if err != nil {
		return wrap(ctx, err, "migrate")
	}
	defer tx.Rollback(context.Background())
	for _, stmt := range []string{migrateLock, createSchemaTable} {
		if _, err := tx.Exec(ctx, stmt); err != nil {
			return wrap(ctx, err, "migrate")
		}
	}
	var current int
	if err := tx.QueryRow(ctx, readSchemaVersion).Scan(&current); err != nil {
		return wrap(ctx, err, "read schema version")
	}
	if current > len(migrations) {
		return fmt.Errorf("postgis: schema version %d is newer than this program knows (%d)", current, len(migrations))
	}
	for _, m := range migrations[current:] {
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return wrap(ctx, err, "migration %s", m.name)
		}
		if _, err := tx.Exec(ctx, writeSchemaVersion, m.version); err != nil {
			return wrap(ctx, err, "migration %s", m.name)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return wrap(ctx, err, "migrate")
	}
	return nil
}
