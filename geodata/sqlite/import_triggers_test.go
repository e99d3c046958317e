package sqlite

import (
	"context"
	"errors"
	"fmt"
	"iter"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// TestImportSuspendsEveryInsertTrigger checks that an import suspends
// all the insert triggers of features, so that its chunks are written
// without a copy, and that it does their work itself: a migration that
// adds an insert trigger must teach the import what it does.
func TestImportSuspendsEveryInsertTrigger(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	s, err := suspendTriggers(ctx, tx)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"features_rtree_insert", "feature_values_insert", "features_history_insert"}; !slices.Equal(slices.Sorted(slices.Values(s.names)), slices.Sorted(slices.Values(want))) {
		t.Errorf("suspended %v, want %v", s.names, want)
	}
	var left int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM sqlite_schema
WHERE type = 'trigger' AND tbl_name = 'features' AND sql LIKE '% INSERT ON features%'`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left != 0 {
		t.Errorf("%d insert triggers of features left while importing; the import does not do their work", left)
	}
	for _, tc := range []struct {
		query string
		args  []any
		want  string
	}{
		{chunkRTree, []any{"incidents", 0}, "SEARCH f USING COVERING INDEX features_list (layer=? AND rid>?)"},
		{chunkValues, []any{0}, "SEARCH f USING INTEGER PRIMARY KEY (rowid>?)"},
	} {
		if plan := explain(t, db, tc.query, tc.args...); !strings.Contains(plan, tc.want) {
			t.Errorf("a chunk's statement reads more than the chunk's rows:\n%s\n%s", tc.query, plan)
		}
	}
}

// TestImportRestoresTriggers imports into a layer, successfully and not,
// and checks that the triggers are as they were and work: a feature
// inserted afterwards has its R*Tree row, its filter values and its
// history.
func TestImportRestoresTriggers(t *testing.T) {
	ctx := context.Background()
	many := func(n int, last error) iter.Seq2[geodata.Feature, error] {
		return func(yield func(geodata.Feature, error) bool) {
			for i := range n {
				f := feature(fmt.Sprintf("t-%05d", i), orb.Point{60 + float64(i%90)*0.1, 35}, map[string]any{"date": "2024-01-01", "category": "attack"})
				if !yield(f, nil) {
					return
				}
			}
			if last != nil {
				yield(geodata.Feature{}, last)
			}
		}
	}
	broken := errors.New("the file is cut short")
	for _, tc := range []struct {
		name     string
		features iter.Seq2[geodata.Feature, error]
		wantErr  error
	}{
		{"an import of chunks", many(2*importChunk+5, nil), nil},
		{"a small import", many(3, nil), nil},
		{"an import that fails after a chunk", many(importChunk+5, broken), broken},
		{"an empty import", many(0, nil), nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			before := triggerDefs(t, db)
			if _, err := db.ImportStream(ctx, "incidents", tc.features); !errors.Is(err, tc.wantErr) {
				t.Fatalf("ImportStream = %v, want %v", err, tc.wantErr)
			}
			if after := triggerDefs(t, db); !slices.Equal(after, before) {
				t.Errorf("triggers after the import:\n%q\nwant\n%q", after, before)
			}
			_, err := db.w.ExecContext(ctx, `INSERT INTO features (layer, id, origin, properties, geometry, minx, miny, maxx, maxy)
SELECT 'incidents', 'after-import', 'import', '{"category":"protest"}', geometry, minx, miny, maxx, maxy FROM features LIMIT 1`)
			if err != nil {
				t.Fatal(err)
			}
			var rtree, values, history int
			err = db.w.QueryRowContext(ctx, `SELECT
	(SELECT count(*) FROM features_rtree WHERE rid = f.rid),
	(SELECT count(*) FROM feature_values WHERE rid = f.rid AND name = 'category' AND value = 'protest'),
	(SELECT count(*) FROM feature_history WHERE layer = f.layer AND id = f.id)
FROM features AS f WHERE f.id = 'after-import'`).Scan(&rtree, &values, &history)
			if err != nil || rtree != 1 || values != 1 || history != 1 {
				t.Errorf("a feature inserted after the import has %d R*Tree rows, %d filter values, %d history rows (%v); want 1 each", rtree, values, history, err)
			}
			checkRTree(t, db)
		})
	}
}

// triggerDefs returns the definition of every trigger in db, by name.
func triggerDefs(t *testing.T, db *DB) []string {
	t.Helper()
	rows, err := db.w.Query(`SELECT name || ': ' || sql FROM sqlite_schema WHERE type = 'trigger' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var defs []string
	for rows.Next() {
		var d string
		if err := rows.Scan(&d); err != nil {
			t.Fatal(err)
		}
		defs = append(defs, d)
	}
	return defs
}
