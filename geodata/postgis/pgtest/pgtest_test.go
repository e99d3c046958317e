package pgtest_test

import (
	"context"
	"os"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata/postgis/pgtest"
	"github.com/jackc/pgx/v5"
)

var pg = pgtest.New(func(ctx context.Context, dsn string) error {
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "CREATE EXTENSION postgis; CREATE TABLE marks (n int)")
	return err
})

func TestMain(m *testing.M) { os.Exit(pg.Main(m)) }

// Each test gets its own database, copied from the prepared template,
// with PostGIS in it.
func TestDatabasesAreSeparate(t *testing.T) {
	ctx := context.Background()
	start := time.Now()
	a, b := pg.Database(t), pg.Database(t)
	t.Logf("two databases in %s", time.Since(start))
	ca, err := pgx.Connect(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	defer ca.Close(ctx)
	cb, err := pgx.Connect(ctx, b)
	if err != nil {
		t.Fatal(err)
	}
	defer cb.Close(ctx)
	if _, err := ca.Exec(ctx, "INSERT INTO marks VALUES (1)"); err != nil {
		t.Fatal(err)
	}
	var na, nb int
	if err := ca.QueryRow(ctx, "SELECT count(*) FROM marks").Scan(&na); err != nil {
		t.Fatal(err)
	}
	if err := cb.QueryRow(ctx, "SELECT count(*) FROM marks").Scan(&nb); err != nil {
		t.Fatal(err)
	}
	if na != 1 || nb != 0 {
		t.Errorf("rows = %d and %d, want 1 and 0: test databases share data", na, nb)
	}
	var ver string
	if err := cb.QueryRow(ctx, "SELECT postgis_lib_version()").Scan(&ver); err != nil {
		t.Fatalf("PostGIS in the copied database: %v", err)
	}
}

// A standby made with pg_basebackup replays what the primary writes and
// refuses writes of its own.
func TestStandbyReplays(t *testing.T) {
	ctx := context.Background()
	dsn := pg.Database(t)
	primary := pg.Cluster(t)
	standby, err := primary.Standby(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer standby.Stop()
	cp, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer cp.Close(ctx)
	if _, err := cp.Exec(ctx, "INSERT INTO marks VALUES (7)"); err != nil {
		t.Fatal(err)
	}
	cfg, _ := pgx.ParseConfig(dsn)
	cs, err := pgx.Connect(ctx, standby.DSN(cfg.Database))
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close(ctx)
	deadline := time.Now().Add(10 * time.Second)
	for {
		var n int
		if err := cs.QueryRow(ctx, "SELECT count(*) FROM marks WHERE n = 7").Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the standby never showed the primary's row")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if _, err := cs.Exec(ctx, "INSERT INTO marks VALUES (8)"); err == nil {
		t.Error("the standby took a write")
	}
}
