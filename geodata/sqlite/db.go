// Package sqlite is casmap's store on SQLite (modernc.org/sqlite, no cgo).
//
// Layers live in a layers table, features in a features table with their
// geometry as WKB, properties as JSON text, exact bounding-box columns, date
// columns for time filters, and an R*Tree over the bounding boxes. The
// schema is created and upgraded by ordered migrations embedded in the
// binary.
//
// A DB holds two connection pools on the same file: one connection for
// writes, whose transactions start IMMEDIATE so two writers queue on the
// busy timeout instead of failing halfway, and a pool of query-only
// connections for reads, which WAL lets run beside the writer, each seeing
// a consistent snapshot.
package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	msqlite "modernc.org/sqlite" // also registers the "sqlite" driver
	sqlite3 "modernc.org/sqlite/lib"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// DB is casmap's store on one SQLite file. It is safe for concurrent use.
type DB struct {
	w *sql.DB // one connection; every write goes through it
	r *sql.DB // query-only connections for reads
	// layers remembers Layers' answer for one generation of the data.
	layers layerMemo
	// version remembers the last Version read, and when to read again.
	version versionWatch
	// counts remembers how many features hold a property value.
	counts countMemo
	// near remembers the proximity targets measured.
	near geodata.MeasureMemo
	// aggs holds each layer's aggregate for Clusters and Stats.
	aggs agg.Cache
	// bounds limit the work of one page.
	bounds bounds
	// building is set while an aggregate builds in the background.
	building atomic.Bool
	// fetch reads a page's rows by rid, prepared once for every read
	// connection rather than for each page.
	fetch *sql.Stmt
}

// Open opens the SQLite database at path, creating the file and its schema
// when they do not exist and applying any migrations the file lacks. The
// directory must exist and be writable.
func Open(ctx context.Context, path string) (*DB, error) {
	if path == "" {
		return nil, errors.New("sqlite: open: empty database path")
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	if err := checkDir(filepath.Dir(abs)); err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	w, err := sql.Open("sqlite", dsn(abs, "_txlock=immediate"))
	if err != nil {
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// SQLite allows one writer at a time; one connection makes writers in
	// this process queue in Go rather than on the busy timeout.
	w.SetMaxOpenConns(1)
	if err := migrateRetrying(ctx, w); err != nil {
		w.Close()
		return nil, openError(path, err)
	}
	r, err := sql.Open("sqlite", dsn(abs, "_pragma=query_only(1)"))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	// Every read connection stays open: database/sql keeps two idle by
	// default and closes the rest as they come back, and a new one parses
	// the schema and starts with an empty page cache and no prepared
	// statements, a few milliseconds that land on some request.
	reads := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(reads)
	r.SetMaxIdleConns(reads)
	if err := r.PingContext(ctx); err != nil {
		w.Close()
		r.Close()
		return nil, openError(path, err)
	}
	fetch, err := r.PrepareContext(ctx, fetchChunk)
	if err != nil {
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	generation, err := r.PrepareContext(ctx, selectGeneration)
	if err != nil {
		fetch.Close()
		w.Close()
		r.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", path, err)
	}
	return &DB{w: w, r: r, fetch: fetch, layers: layerMemo{generation: generation}, version: newVersionWatch(abs),
		bounds: bounds{sortCap: defaultSortCap, scanBudget: defaultScanBudget, aggScan: defaultAggScan}}, nil
}

// Close closes both connection pools and the statements prepared on them.
func (db *DB) Close() error {
	return errors.Join(db.fetch.Close(), db.layers.generation.Close(), db.r.Close(), db.w.Close())
}

const integrityCheck = `PRAGMA integrity_check`

// Check runs SQLite's integrity check over the whole file, indexes and
// R*Tree included, and returns an error listing what it found wrong. It
// reads every page, so it is for tools and tests, not for each request.
func (db *DB) Check(ctx context.Context) error {
	rows, err := db.r.QueryContext(ctx, integrityCheck)
	if err != nil {
		return fmt.Errorf("sqlite: check: %w", err)
	}
	defer rows.Close()
	var problems []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return fmt.Errorf("sqlite: check: %w", err)
		}
		if line != "ok" {
			problems = append(problems, line)
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: check: %w", err)
	}
	if len(problems) > 0 {
		return fmt.Errorf("sqlite: check: the database is damaged: %s", strings.Join(problems, "; "))
	}
	return nil
}

// checkDir turns SQLite's "unable to open database file" into a message
// that says what is wrong with the directory.
func checkDir(dir string) error {
	st, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("directory %s does not exist", dir)
	case err != nil:
		return err
	case !st.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	}
	return nil
}

// openError wraps an error from opening path, saying what SQLite's terse
// codes for an unwritable place most likely mean.
func openError(path string, err error) error {
	var se *msqlite.Error
	if errors.As(err, &se) {
		switch se.Code() & 0xff {
		case sqlite3.SQLITE_CANTOPEN:
			return fmt.Errorf("sqlite: open %s: cannot create or open the database and its -wal and -shm files; is the directory writable? (%w)", path, err)
		case sqlite3.SQLITE_READONLY, sqlite3.SQLITE_PERM:
			return fmt.Errorf("sqlite: open %s: the database or its directory is read-only (%w)", path, err)
		}
	}
	return fmt.Errorf("sqlite: open %s: %w", path, err)
}

// dsn builds a file: URI for modernc.org/sqlite. The path is escaped so
// that '?', '#' or '%' in a file name cannot be read as URI syntax.
func dsn(abs string, extra ...string) string {
	params := []string{
		"_pragma=busy_timeout(5000)",
		"_pragma=foreign_keys(1)",
		"_pragma=journal_mode(WAL)",
		"_pragma=synchronous(NORMAL)",
	}
	u := url.URL{Path: filepath.ToSlash(abs)}
	return "file:" + u.EscapedPath() + "?" + strings.Join(append(params, extra...), "&")
}

// migrateRetrying runs migrate, trying again for a few seconds while the
// file is busy. Switching a new file to WAL takes a lock that SQLite does
// not wait for under busy_timeout, so two processes creating one database
// at once (serve and import on a first run) can see SQLITE_BUSY.
func migrateRetrying(ctx context.Context, w *sql.DB) error {
	deadline := time.Now().Add(5 * time.Second)
	for wait := 10 * time.Millisecond; ; wait = min(2*wait, 250*time.Millisecond) {
		err := migrate(ctx, w)
		if !isBusy(err) || time.Now().After(deadline) {
			return err
		}
		select {
		case <-ctx.Done():
			return err
		case <-time.After(wait):
		}
	}
}

// isBusy reports whether err is SQLite's "database is locked".
func isBusy(err error) bool {
	var se *msqlite.Error
	if !errors.As(err, &se) {
		return false
	}
	code := se.Code() & 0xff
	return code == sqlite3.SQLITE_BUSY || code == sqlite3.SQLITE_LOCKED
}

// migration is one numbered schema step, read from migrations/NNNN_*.sql.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations returns the embedded migrations in order, checking they
// are numbered 1, 2, 3... with no gap, so user_version maps to one file.
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
	getUserVersion = `PRAGMA user_version`
	// user_version cannot be bound as a parameter; the value is a number
	// this package formats, never outside input.
	setUserVersion = `PRAGMA user_version = %d`
	insertMeta     = `INSERT INTO meta (id, dbid, generation) VALUES (1, ?, 0) ON CONFLICT (id) DO NOTHING`
)

// migrate applies the migrations the database lacks, and makes sure the
// meta row exists, in one IMMEDIATE transaction, so two processes opening a
// new file at once cannot both create the schema.
func migrate(ctx context.Context, w *sql.DB) error {
	migrations, err := loadMigrations()
	if err != nil {
		return err
	}
	tx, err := w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	var current int
	if err := tx.QueryRowContext(ctx, getUserVersion).Scan(&current); err != nil {
		return fmt.Errorf("read schema version: %w", err)
	}
	if current > len(migrations) {
		return fmt.Errorf("schema version %d is newer than this program knows (%d)", current, len(migrations))
	}
	for _, m := range migrations[current:] {
		if _, err := tx.ExecContext(ctx, m.sql); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
		if _, err := tx.ExecContext(ctx, fmt.Sprintf(setUserVersion, m.version)); err != nil {
			return fmt.Errorf("migration %s: %w", m.name, err)
		}
	}
	id, err := newDBID()
	if err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, insertMeta, id); err != nil {
		return fmt.Errorf("create meta row: %w", err)
	}
	return tx.Commit()
}
