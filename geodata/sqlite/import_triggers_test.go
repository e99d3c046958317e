package sqlite

import (
	"cmp"
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
// and checks that the triggers are as they were and work (a feature
// inserted afterwards has its R*Tree row, its filter values and its
// history) and that the CHECKs the import turns off are on again.
func TestImportRestoresTriggers(t *testing.T) {
	// many yields n features in spatial order, so the import writes them a
	// chunk at a time, then last; it cancels the import at the cancelAt-th.
	many := func(n int, last error, cancelAt int, cancel func()) iter.Seq2[geodata.Feature, error] {
		fs := make([]geodata.Feature, n)
		for i := range fs {
			fs[i] = feature(fmt.Sprintf("t-%05d", i), orb.Point{60 + float64(i%90)*0.1, 35 + float64(i/90)*0.01}, map[string]any{"date": "2024-01-01", "category": "attack"})
		}
		slices.SortStableFunc(fs, func(a, b geodata.Feature) int { return cmp.Compare(HilbertKey(a.Geometry), HilbertKey(b.Geometry)) })
		return func(yield func(geodata.Feature, error) bool) {
			for i, f := range fs {
				if i == cancelAt {
					cancel()
				}
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
		n        int
		last     error
		cancelAt int
		wantErr  error
	}{
		{"an import of chunks", 2*importChunk + 5, nil, -1, nil},
		{"a small import", 3, nil, -1, nil},
		{"an import that fails after a chunk", importChunk + 5, broken, -1, broken},
		// The import runs behind the file by up to a chunk.
		{"an import cancelled after a chunk", 4 * importChunk, nil, 3 * importChunk, context.Canceled},
		{"an empty import", 0, nil, -1, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			before := triggerDefs(t, db)
			importCtx, cancel := context.WithCancel(context.Background())
			defer cancel()
			if _, err := db.ImportStream(importCtx, "incidents", many(tc.n, tc.last, tc.cancelAt, cancel)); !errors.Is(err, tc.wantErr) {
				t.Fatalf("ImportStream = %v, want %v", err, tc.wantErr)
			}
			if after := triggerDefs(t, db); !slices.Equal(after, before) {
				t.Errorf("triggers after the import:\n%q\nwant\n%q", after, before)
			}
			ctx := context.Background()
			if _, err := db.w.ExecContext(ctx, `UPDATE features SET origin = 'neither' WHERE rid = (SELECT max(rid) FROM features)`); err == nil || !strings.Contains(err.Error(), "CHECK constraint failed") {
				t.Errorf("a write breaking a CHECK after the import: %v, want the CHECK to fail it", err)
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
