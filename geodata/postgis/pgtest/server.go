package pgtest

import (
	"context"
	"fmt"
	"os"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// Prepare fills the template database every test database is made from
// (say, with a store's migrations), given its DSN.
type Prepare func(ctx context.Context, dsn string) error

// Server is the one cluster of a test binary, started on first use and
// stopped by Main when the tests end. Each test gets a database of its
// own, copied from a template that Prepare filled once.
//
// Declare one in a test file and run the tests through it:
//
//	var pg = pgtest.New(postgis.Migrate)
//
//	func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }
type Server struct {
	prepare Prepare
	once    sync.Once
	cluster *Cluster
	err     error
	dbs     atomic.Int64
}

// template is the database every test database copies.
const template = "casmap_template"

// New returns a Server whose template prepare fills.
func New(prepare Prepare) *Server { return &Server{prepare: prepare} }

// Main runs the tests and then stops the cluster, if one started.
func (s *Server) Main(m *testing.M) int {
	code := m.Run()
	if s.cluster != nil {
		if err := s.cluster.Stop(); err != nil {
			fmt.Fprintln(os.Stderr, "pgtest:", err)
		}
	}
	return code
}

// Cluster returns the running cluster, starting it and its template on
// first use. A missing PostgreSQL or PostGIS fails the test: it never
// skips.
func (s *Server) Cluster(t testing.TB) *Cluster {
	t.Helper()
	s.once.Do(func() { s.cluster, s.err = s.start() })
	if s.err != nil {
		t.Fatalf("pgtest: %v", s.err)
	}
	return s.cluster
}

func (s *Server) start() (*Cluster, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	c, err := Start(ctx)
	if err != nil {
		return nil, err
	}
	if err := c.Exec(ctx, "postgres", "CREATE DATABASE "+template); err != nil {
		c.Stop()
		return nil, err
	}
	if s.prepare != nil {
		if err := s.prepare(ctx, c.DSN(template)); err != nil {
			c.Stop()
			return nil, fmt.Errorf("prepare the template database: %w", err)
		}
	}
	return c, nil
}

// Database creates a new database from the template and returns its DSN.
// It is dropped when the test ends.
func (s *Server) Database(t testing.TB) string {
	t.Helper()
	c := s.Cluster(t)
	name := fmt.Sprintf("t%d_%d", os.Getpid(), s.dbs.Add(1))
	ctx := context.Background()
	if err := c.Exec(ctx, "postgres", "CREATE DATABASE "+name+" TEMPLATE "+template+""); err != nil {
		t.Fatalf("pgtest: %v", err)
	}
	t.Cleanup(func() {
		if err := c.Exec(ctx, "postgres", "DROP DATABASE "+name+" WITH (FORCE)"); err != nil {
			t.Errorf("pgtest: %v", err)
		}
	})
	return c.DSN(name)
}

// Exec runs one statement in database db.
func (c *Cluster) Exec(ctx context.Context, db, sql string) error {
	conn, err := pgx.Connect(ctx, c.DSN(db))
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, sql); err != nil {
		return fmt.Errorf("%s: %w", sql, err)
	}
	return nil
}
