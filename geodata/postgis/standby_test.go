package postgis_test

import (
	"context"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// TestStandbyNeverOlder reads through a hot standby right after each
// write: every read shows at least the data of the version before it.
func TestStandbyNeverOlder(t *testing.T) {
	ctx := context.Background()
	dsn := pg.Database(t)
	sb, err := pg.Cluster(t).Standby(ctx)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { sb.Stop() })
	cfg, _ := pgx.ParseConfig(dsn)
	db := openDB(t, dsn, postgis.Options{ReadDSN: sb.DSN(cfg.Database)})
	if _, err := db.Seed(ctx, storetest.TestData(), false); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Layer(ctx, "incidents"); err != nil {
		t.Fatalf("Layer right after the seed: %v", err)
	}
	for i := range 50 {
		id := "s" + string(rune('a'+i%26)) + string(rune('a'+i/26))
		if err := db.Import(ctx, "incidents", []geodata.Feature{{ID: id, Geometry: orb.Point{70, 35}, Properties: map[string]any{}}}); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Feature(ctx, "incidents", id); err != nil {
			t.Fatalf("write %d: read after it: %v", i, err)
		}
		l, err := db.Layer(ctx, "incidents")
		if err != nil || l.Count != 5+i {
			t.Fatalf("write %d: layer count %d, %v; want %d", i, l.Count, err, 5+i)
		}
	}
}
