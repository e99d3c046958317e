package main

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/postgis/pgtest"
)

// pg is this test binary's PostgreSQL cluster, started on first use: by
// the PostGIS tests, and by every test that starts a server when
// CASMAP_TEST_STORE=postgis (make test runs the OGC and GDAL tests so).
var pg = pgtest.New(postgis.Migrate)

// testDB names a new, empty database for a test: a SQLite file in a
// temporary directory, or a PostgreSQL database under
// CASMAP_TEST_STORE=postgis.
func testDB(t *testing.T) string {
	t.Helper()
	if os.Getenv("CASMAP_TEST_STORE") == "postgis" {
		return pg.Database(t)
	}
	return filepath.Join(t.TempDir(), "casmap.db")
}
