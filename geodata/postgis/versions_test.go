package postgis_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/postgis"
	"github.com/casmap/casmap/geodata/storetest"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// A page of a layer at an old version reads features by (layer, id) from
// the page's start and the history only through the changes since the
// version: on a layer of 20,000 features, never a scan of either table.
func TestVersionPagePlanIsBounded(t *testing.T) {
	ctx := context.Background()
	dsn := pg.Database(t)
	db := openDB(t, dsn, postgis.Options{})
	if _, err := db.Seed(ctx, storetest.TestData(), false); err != nil {
		t.Fatal(err)
	}
	const n = 20000
	features := func(yield func(geodata.Feature, error) bool) {
		for i := range n {
			f := geodata.Feature{ID: fmt.Sprintf("r%05d", i), Geometry: orb.Point{60 + float64(i%100)/10, 30 + float64(i/100)/20},
				Properties: map[string]any{"sources": []any{map[string]any{"title": "t"}}, "parity": strconv.Itoa(i % 2)}}
			if !yield(f, nil) {
				return
			}
		}
	}
	if _, err := db.ImportStream(ctx, "railways", features); err != nil {
		t.Fatal(err)
	}
	v, _ := db.Version(ctx)
	for _, id := range []string{"r00010", "r12345"} {
		c := geodata.Change{Layer: "railways", ID: id, Op: geodata.OpDelete, Author: "tester", Reason: "plan"}
		if _, err := db.Apply(ctx, c, "rev"); err != nil {
			t.Fatal(err)
		}
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, "ANALYZE"); err != nil {
		t.Fatal(err)
	}
	_, genText, _ := strings.Cut(string(v), "-")
	gen, _ := strconv.ParseInt(genText, 10, 64)
	rows, err := conn.Query(ctx, "EXPLAIN "+postgis.SelectLayerAt, "railways", "", gen, 11)
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, line)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	all := strings.Join(plan, "\n")
	for _, table := range []string{"features", "feature_history"} {
		if strings.Contains(all, "Seq Scan on "+table) {
			t.Errorf("the plan scans %s:\n%s", table, all)
		}
	}
	if !strings.Contains(all, "feature_history_gen") {
		t.Errorf("the plan does not walk the changes since the version by feature_history_gen:\n%s", all)
	}
}
