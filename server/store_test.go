package server_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/postgis/pgtest"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/casmap/casmap/server"
)

// The HTTP tests run on either store: SQLite by default, PostGIS when
// CASMAP_TEST_STORE=postgis (make test runs both).

// testStore is what the tests ask of the store beside the server's reads.
type testStore interface {
	server.Store
	Seed(ctx context.Context, data []geodata.LayerData, force bool) (bool, error)
	Import(ctx context.Context, layer string, features []geodata.Feature) error
	Close() error
}

var (
	_ testStore = (*sqlite.DB)(nil)
	_ testStore = (*postgis.DB)(nil)
)

// pg is this test binary's PostgreSQL cluster, started only when the tests
// run on PostGIS.
var pg = pgtest.New(postgis.Migrate)

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// onPostGIS reports whether the tests run on PostGIS.
func onPostGIS() bool { return os.Getenv("CASMAP_TEST_STORE") == "postgis" }

// openTestStore opens a new, empty store, closed when the test ends.
func openTestStore(tb testing.TB) testStore {
	tb.Helper()
	ctx := context.Background()
	var (
		db  testStore
		err error
	)
	if onPostGIS() {
		db, err = postgis.Open(ctx, pg.Database(tb), postgis.Options{})
	} else {
		db, err = sqlite.Open(ctx, filepath.Join(tb.TempDir(), "test.db"))
	}
	if err != nil {
		tb.Fatalf("open store: %v", err)
	}
	tb.Cleanup(func() { db.Close() })
	return db
}
