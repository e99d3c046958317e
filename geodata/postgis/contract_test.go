package postgis_test

import (
	"context"
	"os"
	"testing"

	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/postgis/pgtest"
	"github.com/casmap/casmap/geodata/storetest"
)

// pg is this test binary's PostgreSQL cluster, started on first use.
var pg = pgtest.New(postgis.Migrate)

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// openDB opens a store on dsn, closed when the test ends.
func openDB(t *testing.T, dsn string, opts postgis.Options) *postgis.DB {
	t.Helper()
	db, err := postgis.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// open makes a store on a new database, and opens more on the same one.
func open(t *testing.T) (storetest.Store, func(t *testing.T) storetest.Store) {
	dsn := pg.Database(t)
	return openDB(t, dsn, postgis.Options{}), func(t *testing.T) storetest.Store {
		return openDB(t, dsn, postgis.Options{})
	}
}

func TestContract(t *testing.T) { storetest.Run(t, open) }

func TestSessionsContract(t *testing.T) {
	storetest.RunSessions(t, func(t *testing.T) storetest.SessionStore {
		s, _ := open(t)
		return s.(*postgis.DB).Sessions()
	})
}
