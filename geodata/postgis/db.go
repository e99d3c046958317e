// Package postgis is casmap's store on PostgreSQL with PostGIS, through
// pgx and its pool, for teams that run several casmap replicas over one
// database and its streaming standbys.
//
// Layers live in a layers table that also keeps each layer's count,
// extent and time span; features in a features table with a PostGIS
// geometry (GiST index, led by the layer), properties as jsonb, the
// layer's queryable values in a small jsonb column with a GIN index, the
// exact bounding box and a date range (GiST). The schema is created and
// upgraded by ordered migrations embedded in the binary.
//
// The data version lives in the database: every write transaction bumps
// it and sends a NOTIFY, which every DB on that database LISTENs for on a
// connection of its own, with a poll when that connection is down, so a
// write through any replica or the command line is seen everywhere within
// a second.
package postgis

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime"
	"strings"
	"sync/atomic"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgconn/ctxwatch"
	"github.com/jackc/pgx/v5/pgtype"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Options are the settings of Open beyond the primary's DSN.
type Options struct {
	// ReadDSN, when set, is a hot standby of the primary: reads go there
	// whenever it has replayed the version they must show, else to the
	// primary.
	ReadDSN string
	// Logger receives what goes wrong in the background (the listener);
	// nil discards it.
	Logger *slog.Logger
}

// DB is casmap's store on one PostgreSQL database. It is safe for
// concurrent use.
type DB struct {
	pool    *pgxpool.Pool // the primary: writes, and reads without a standby
	standby *standby      // nil without Options.ReadDSN
	version *versionWatch
	layers  layerMemo
	// near remembers the proximity targets measured; aggs holds each
	// layer's aggregate for Clusters and Stats.
	near geodata.MeasureMemo
	aggs agg.Cache
	// building is set while an aggregate builds in the background.
	building atomic.Bool
	logger   *slog.Logger
	stop     context.CancelFunc
	done     chan struct{}
}

// IsDSN reports whether s names a PostgreSQL database (a postgres:// or
// postgresql:// URL) rather than a SQLite file.
func IsDSN(s string) bool {
	return strings.HasPrefix(s, "postgres://") || strings.HasPrefix(s, "postgresql://")
}

// Open connects to the database at dsn, creating the schema or applying
// the migrations it lacks, and starts listening for other writers.
func Open(ctx context.Context, dsn string, opts Options) (*DB, error) {
	logger := opts.Logger
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	if err := Migrate(ctx, dsn); err != nil {
		return nil, err
	}
	pool, err := newPool(ctx, dsn)
	if err != nil {
		return nil, err
	}
	db := &DB{pool: pool, logger: logger, done: make(chan struct{})}
	if opts.ReadDSN != "" {
		rp, err := newPool(ctx, opts.ReadDSN)
		if err != nil {
			pool.Close()
			return nil, fmt.Errorf("postgis: read replica: %w", err)
		}
		db.standby = &standby{pool: rp}
	}
	var dbid string
	if err := pool.QueryRow(ctx, selectDBID).Scan(&dbid); err != nil {
		db.closePools()
		return nil, wrap(ctx, err, "read the database id")
	}
	db.version = newVersionWatch(db, dbid)
	if _, err := db.version.read(ctx); err != nil {
		db.closePools()
		return nil, err
	}
	lctx, stop := context.WithCancel(context.Background())
	db.stop = stop
	go func() {
		defer close(db.done)
		db.version.listen(lctx, pool.Config().ConnConfig)
	}()
	return db, nil
}

// Close stops the listener and closes the connections.
func (db *DB) Close() error {
	db.stop()
	<-db.done
	db.closePools()
	return nil
}

func (db *DB) closePools() {
	db.pool.Close()
	if db.standby != nil {
		db.standby.pool.Close()
	}
}

// newPool connects a pool to dsn. PostGIS's geometry travels in binary as
// (E)WKB, which pgx passes as bytes once it knows the type's OID. A
// cancelled context sends PostgreSQL a cancel request at once, so the
// query stops on the server too, and drops the connection if the server
// has not answered within cancelGrace.
func newPool(ctx context.Context, dsn string) (*pgxpool.Pool, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	if !strings.Contains(dsn, "pool_max_conns") {
		cfg.MaxConns = int32(max(8, 4*runtime.NumCPU()))
	}
	if _, ok := cfg.ConnConfig.RuntimeParams["application_name"]; !ok {
		cfg.ConnConfig.RuntimeParams["application_name"] = "casmap"
	}
	cfg.ConnConfig.BuildContextWatcherHandler = func(c *pgconn.PgConn) ctxwatch.Handler {
		return &pgconn.CancelRequestContextWatcherHandler{Conn: c, DeadlineDelay: cancelGrace}
	}
	cfg.AfterConnect = registerGeometry
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgis: %w", err)
	}
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgis: connect to %s: %w", redact(cfg.ConnConfig), err)
	}
	return pool, nil
}

// cancelGrace is how long a cancelled query may take to stop on the server
// before its connection is dropped.
const cancelGrace = 50 * time.Millisecond

// registerGeometry teaches a new connection PostGIS's geometry type: its
// binary form is EWKB, written and read as plain bytes.
func registerGeometry(ctx context.Context, conn *pgx.Conn) error {
	var oid uint32
	if err := conn.QueryRow(ctx, `SELECT 'geometry'::regtype::oid`).Scan(&oid); err != nil {
		return fmt.Errorf("postgis: find the geometry type (is PostGIS installed?): %w", err)
	}
	conn.TypeMap().RegisterType(&pgtype.Type{Name: "geometry", OID: oid, Codec: pgtype.ByteaCodec{}})
	return nil
}

// redact names a database without its password, for error messages.
func redact(c *pgx.ConnConfig) string {
	return fmt.Sprintf("postgres://%s@%s:%d/%s", c.User, c.Host, c.Port, c.Database)
}

// wrap adds what was being done to err, and the context's error when the
// context ended: a cancelled query fails with PostgreSQL's own error, and
// callers look for ctx.Err() in the chain.
func wrap(ctx context.Context, err error, format string, args ...any) error {
	what := fmt.Sprintf(format, args...)
	if cerr := ctx.Err(); cerr != nil && !errors.Is(err, cerr) {
		return fmt.Errorf("postgis: %s: %w (%w)", what, cerr, err)
	}
	return fmt.Errorf("postgis: %s: %w", what, err)
}
