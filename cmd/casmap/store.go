package main

import (
	"context"
	"errors"
	"iter"
	"log/slog"
	"net/url"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/server"
)

// store is what the commands need of a database, of either kind: the
// server's reads and the writers' methods.
type store interface {
	server.Store
	SeedVersions(ctx context.Context) (map[string]string, error)
	SeedLayers(ctx context.Context, data []geodata.LayerData, force bool) ([]string, error)
	// ImportStream writes a stream of features in one transaction.
	ImportStream(ctx context.Context, layer string, features iter.Seq2[geodata.Feature, error]) (int, error)
	// Export streams a whole layer from one snapshot.
	Export(ctx context.Context, layer string, begin func(geodata.Version) error, yield func(geodata.Feature) error) error
	// Warm builds the aggregates of large layers ahead of requests.
	Warm(ctx context.Context) (time.Duration, error)
	// CopyOut and CopyIn move a whole database (casmap copy).
	CopyOut(ctx context.Context, sink geodata.Sink) (geodata.Version, error)
	CopyIn(ctx context.Context, fill func(geodata.Sink) error) error
	Close() error
}

var (
	_ store = (*sqlite.DB)(nil)
	_ store = (*postgis.DB)(nil)
)

// openStore opens the database db names: PostGIS for a postgres:// (or
// postgresql://) URL, else the SQLite file at that path. readDSN, for
// PostGIS only, is a hot standby that reads go to.
func openStore(ctx context.Context, db, readDSN string, logger *slog.Logger) (store, error) {
	if postgis.IsDSN(db) {
		if readDSN != "" && !postgis.IsDSN(readDSN) {
			return nil, errors.New("--db-read must be a postgres:// URL of a standby of --db")
		}
		return postgis.Open(ctx, db, postgis.Options{ReadDSN: readDSN, Logger: logger})
	}
	if readDSN != "" {
		return nil, errors.New("--db-read takes a PostgreSQL standby; it needs --db to be a postgres:// URL, not a SQLite file")
	}
	return sqlite.Open(ctx, db)
}

// dbName is how messages name a database: a file as given, a PostgreSQL
// URL without its password.
func dbName(db string) string {
	if !postgis.IsDSN(db) {
		return db
	}
	u, err := url.Parse(db)
	if err != nil {
		return "a PostgreSQL database"
	}
	if _, has := u.User.Password(); has {
		u.User = url.UserPassword(u.User.Username(), "xxxxx")
	}
	return u.String()
}
