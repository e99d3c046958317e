package sqlite

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync/atomic"
	"time"

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
//
// Every request asks, so the answer comes from memory while nothing can
// have changed (see versionWatch): a write through db is seen by the next
// call, a write by another process within about versionMaxAge, and most
// often at once.
func (db *DB) Version(ctx context.Context) (geodata.Version, error) {
	w := &db.version
	v, fresh, unchanged := w.current()
	if fresh {
		return v, nil
	}
	// One SQL read at a time; the calls that queue behind it look again
	// when their turn comes, and take its answer if it is still current.
	select {
	case w.reading <- struct{}{}:
	default:
		if unchanged {
			// Only old, and being read again: keep the answer rather
			// than queue every request behind a read that may wait for
			// a connection a slow query holds.
			return v, nil
		}
		select {
		case w.reading <- struct{}{}:
		case <-ctx.Done():
			return "", fmt.Errorf("sqlite: read version: %w", ctx.Err())
		}
	}
	defer func() { <-w.reading }()
	if v, fresh, _ := w.current(); fresh {
		return v, nil
	}
	// What the read is compared with later is taken before it, so a
	// change that lands during the read makes the next call read again.
	snap := &versionSnap{writes: w.writes.Load(), files: w.stat(), at: time.Now()}
	v, err := db.readVersion(ctx)
	if err != nil {
		return "", err
	}
	snap.v = v
	w.last.Store(snap)
	return v, nil
}

// readVersion reads the version by SQL.
func (db *DB) readVersion(ctx context.Context) (geodata.Version, error) {
	return versionIn(ctx, db.r)
}

// versionIn reads the version as q (a pool or a transaction) sees it.
func versionIn(ctx context.Context, q queryer) (geodata.Version, error) {
	var id string
	var gen int64
	if err := q.QueryRowContext(ctx, selectVersion).Scan(&id, &gen); err != nil {
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

// commit commits a write transaction and tells Version that the data may
// have changed. It counts the commit even when Commit fails (the commit
// may have happened all the same): that costs one more read, no more.
func (db *DB) commit(tx *sql.Tx) error {
	err := tx.Commit()
	db.version.writes.Add(1)
	return err
}

// versionMaxAge bounds how long Version answers from memory without
// reading the database, whatever the change detector says.
const versionMaxAge = 250 * time.Millisecond

// versionStatEvery is how long a look at the files holds: calls within it
// of the last look take the version without a stat. Two stats cost some
// microseconds, a sizeable part of a cached response, and a server under
// load would make thousands a second to learn nothing; a write by another
// process is seen this much later at most (a write through db, at once).
const versionStatEvery = time.Millisecond

// versionWatch keeps the last version read, and tells cheaply whether it
// may be out of date, so that Version runs no SQL on most requests.
//
// A write through this DB is seen at once: commit counts it, after the
// commit, so a read that began before the count may hold the old version
// but is marked with the old count, and the next call reads again.
//
// A write by another process (casmap import while the server runs) is
// seen through the files: the database is in WAL mode (the mode is stored
// in the file, so every process uses it), and a commit appends its pages
// to the -wal file, or, after a checkpoint, writes them over it from the
// start. Either way write(2) sets the file's mtime, and an append also
// grows it; a checkpoint or a rollback-journal writer changes the
// database file itself. So Version stats both files (two system calls,
// no SQL) and reads again when either differs from what it was just
// before the last read. Two cases slip past the stat: the kernel's mtime
// has the granularity of a clock tick (some milliseconds), so a WAL
// rewritten to the same size within the tick of the last read looks
// unchanged; and a stat taken while another process commits may see its
// pages before SQLite publishes the commit, pairing the new file state
// with the old version. Both are rare, and versionMaxAge bounds them: the
// version is read by SQL at least that often whatever the files say (the
// calls that come while that read runs, with no change seen, keep the
// old answer, so the bound is versionMaxAge and one read).
// Under load the files are looked at once every versionStatEvery, not on
// every call.
//
// The zero value is not ready; newVersionWatch makes one.
type versionWatch struct {
	// paths are the database file and its -wal file.
	paths [2]string
	// writes counts this DB's commits.
	writes atomic.Uint64
	// last is the latest read, nil before the first.
	last atomic.Pointer[versionSnap]
	// reading holds one token while a read runs.
	reading chan struct{}
}

func newVersionWatch(path string) versionWatch {
	return versionWatch{paths: [2]string{path, path + "-wal"}, reading: make(chan struct{}, 1)}
}

// versionSnap is one read of the version, with what the change detector
// saw just before it.
type versionSnap struct {
	v      geodata.Version
	writes uint64
	files  [2]fileStamp
	at     time.Time
	// looked is when (since at) the files were last found as in files.
	looked atomic.Int64
}

// fileStamp is what a commit changes in a file's metadata; the zero value
// stands for a missing file (no -wal yet, or one deleted by the last
// connection of another process to close).
type fileStamp struct {
	size  int64
	mtime int64 // Unix nanoseconds
	err   bool  // stat failed other than for a missing file
}

// current returns the last version read. unchanged says no change to the
// data has been seen since; fresh, that it is also younger than
// versionMaxAge, so it may be taken without a read.
func (w *versionWatch) current() (v geodata.Version, fresh, unchanged bool) {
	s := w.last.Load()
	if s == nil || s.writes != w.writes.Load() {
		return "", false, false
	}
	age := time.Since(s.at)
	if age-time.Duration(s.looked.Load()) >= versionStatEvery {
		files := w.stat()
		if files != s.files || files[0].err || files[1].err {
			return "", false, false
		}
		s.looked.Store(int64(age))
	}
	return s.v, age < versionMaxAge, true
}

// stat returns the stamps of the database file and its -wal.
func (w *versionWatch) stat() [2]fileStamp {
	var out [2]fileStamp
	for i, p := range w.paths {
		fi, err := os.Stat(p)
		switch {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			out[i].err = true
		default:
			out[i] = fileStamp{size: fi.Size(), mtime: fi.ModTime().UnixNano()}
		}
	}
	return out
}
