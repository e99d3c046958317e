package postgis

import (
	"context"
	"fmt"
	"log/slog"
	"sync/atomic"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgxlisten"
)

// versionChannel is the NOTIFY channel every write transaction signals on.
const versionChannel = "casmap_version"

const (
	// selectVersion reads the version and the primary's WAL position,
	// which is at or past the commit of the generation it sees: a standby
	// that has replayed that far holds this version's data.
	selectVersion = `SELECT generation, (pg_current_wal_insert_lsn() - '0/0')::bigint FROM meta WHERE id = 1`
	// selectDBID names the database: the random id in meta, and the
	// database's own OID, which differs in a copy.
	selectDBID = `SELECT left(md5(m.dbid || ':' || d.oid::text), 8)
FROM meta AS m, pg_database AS d WHERE m.id = 1 AND d.datname = current_database()`
	// bumpVersion is the first statement of every write transaction: it
	// takes the meta row's lock, so writers queue one behind another and
	// each sees the data the one before it committed, and it moves the
	// generation on. A transaction that ends up writing nothing rolls back,
	// and the generation with it.
	bumpVersion = `UPDATE meta SET generation = generation + 1 WHERE id = 1 RETURNING generation`
	// notifyVersion tells the other processes; PostgreSQL delivers it
	// when, and only if, the transaction commits.
	notifyVersion = `SELECT pg_notify('` + versionChannel + `', $1)`
	selectLSN     = `SELECT (pg_current_wal_insert_lsn() - '0/0')::bigint`
)

const (
	// pollEvery is how old a version may be before Version reads it again
	// while the listener is down.
	pollEvery = 250 * time.Millisecond
	// trustListener bounds how long Version trusts the listener without a
	// read of its own, in case its connection hangs unnoticed.
	trustListener = 5 * time.Second
	// reconnectDelay is the pause before the listener connects again.
	reconnectDelay = 250 * time.Millisecond
)

// versionSnap is one reading of the version.
type versionSnap struct {
	gen int64
	// lsn is a WAL position of the primary at or past the commit of gen.
	lsn int64
	at  time.Time
}

func (w *versionWatch) version(s *versionSnap) geodata.Version {
	return geodata.Version(fmt.Sprintf("%s-%d", w.dbid, s.gen))
}

// versionWatch keeps the latest version this process knows of, so that
// Version runs no SQL on most requests.
//
// A write through this DB is known at its commit. A write by another
// process reaches the listener, a connection of its own that LISTENs on
// versionChannel, within milliseconds; while that connection is down
// (the primary restarting, say), Version reads the version itself at most
// every pollEvery, so a write is seen within a second either way.
type versionWatch struct {
	db      *DB
	dbid    string
	cur     atomic.Pointer[versionSnap]
	live    atomic.Bool
	reading chan struct{}
}

func newVersionWatch(db *DB, dbid string) *versionWatch {
	return &versionWatch{db: db, dbid: dbid, reading: make(chan struct{}, 1)}
}

// Version identifies the current state of all the data as
// "<database id>-<generation>". It changes with every write transaction
// that changes data, through this DB or any other process, and with
// nothing else.
func (db *DB) Version(ctx context.Context) (geodata.Version, error) {
	s, err := db.version.current(ctx)
	if err != nil {
		return "", err
	}
	return db.version.version(s), nil
}

// current returns the latest known version, reading it when it may be
// out of date. One read runs at a time; calls that come meanwhile take the
// answer they have.
func (w *versionWatch) current(ctx context.Context) (*versionSnap, error) {
	s := w.cur.Load()
	limit := pollEvery
	if w.live.Load() {
		limit = trustListener
	}
	if s != nil && time.Since(s.at) < limit {
		return s, nil
	}
	select {
	case w.reading <- struct{}{}:
		defer func() { <-w.reading }()
	default:
		if s != nil {
			return s, nil
		}
		select {
		case w.reading <- struct{}{}:
			defer func() { <-w.reading }()
		case <-ctx.Done():
			return nil, wrap(ctx, ctx.Err(), "read version")
		}
	}
	return w.read(ctx)
}

// read reads the version from the primary.
func (w *versionWatch) read(ctx context.Context) (*versionSnap, error) {
	return w.readOn(ctx, w.db.pool)
}

type rowQuerier interface {
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

func (w *versionWatch) readOn(ctx context.Context, q rowQuerier) (*versionSnap, error) {
	s := &versionSnap{}
	if err := q.QueryRow(ctx, selectVersion).Scan(&s.gen, &s.lsn); err != nil {
		return nil, wrap(ctx, err, "read version")
	}
	s.at = time.Now()
	return w.observe(s), nil
}

// observe records s unless a later generation is known already, and
// returns what is known now.
func (w *versionWatch) observe(s *versionSnap) *versionSnap {
	for {
		old := w.cur.Load()
		if old != nil && old.gen > s.gen {
			return old
		}
		if w.cur.CompareAndSwap(old, s) {
			return s
		}
	}
}

// listen runs the listener until ctx ends.
func (w *versionWatch) listen(ctx context.Context, cfg *pgx.ConnConfig) {
	l := &pgxlisten.Listener{
		Connect: func(ctx context.Context) (*pgx.Conn, error) {
			c := cfg.Copy()
			// Only shutdown cancels the listener: drop the connection
			// rather than ask the server to cancel a wait.
			c.BuildContextWatcherHandler = func(pc *pgconn.PgConn) ctxwatch.Handler {
				return &pgconn.DeadlineContextWatcherHandler{Conn: pc.Conn()}
			}
			return pgx.ConnectConfig(ctx, c)
		},
		LogError: func(ctx context.Context, err error) {
			w.live.Store(false)
			if ctx.Err() == nil {
				w.db.logger.Warn("postgis: version listener: polling until it reconnects", slog.Any("err", err))
			}
		},
		ReconnectDelay: reconnectDelay,
	}
	l.Handle(versionChannel, listenHandler{w})
	_ = l.Listen(ctx)
	w.live.Store(false)
}

// listenHandler reads the version on the listener's connection when it
// starts listening (what changed while it was not) and on every
// notification.
type listenHandler struct{ w *versionWatch }

func (h listenHandler) HandleBacklog(ctx context.Context, _ string, conn *pgx.Conn) error {
	if _, err := h.w.readOn(ctx, conn); err != nil {
		return err
	}
	h.w.live.Store(true)
	return nil
}

func (h listenHandler) HandleNotification(ctx context.Context, _ *pgconn.Notification, conn *pgx.Conn) error {
	_, err := h.w.readOn(ctx, conn)
	return err
}

// bump starts a write transaction's change of version: it locks the meta
// row, moves the generation on and queues the notification that goes out
// at commit. It returns the new version for commit to record.
func (db *DB) bump(ctx context.Context, tx pgx.Tx) (*versionSnap, error) {
	s := &versionSnap{}
	if err := tx.QueryRow(ctx, bumpVersion).Scan(&s.gen); err != nil {
		return nil, fmt.Errorf("bump the version: %w", err)
	}
	if _, err := tx.Exec(ctx, notifyVersion, string(db.version.version(s))); err != nil {
		return nil, fmt.Errorf("notify the version: %w", err)
	}
	return s, nil
}

// commit commits a write transaction that bump began, and records its
// version, with the WAL position a standby must reach to show it.
func (db *DB) commit(ctx context.Context, tx pgx.Tx, s *versionSnap) error {
	if err := tx.Commit(ctx); err != nil {
		return err
	}
	if err := db.pool.QueryRow(ctx, selectLSN).Scan(&s.lsn); err != nil {
		// Committed all the same: the next read of the version records it.
		db.version.cur.Store(nil)
		return nil
	}
	s.at = time.Now()
	db.version.observe(s)
	return nil
}
