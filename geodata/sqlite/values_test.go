package sqlite

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// valuesByTextParse is feature_values_of as 0006_filter_index.sql defined
// it, reading the properties as text: what the index held before 0007.
const valuesByTextParse = `SELECT f.rid AS rid, l.num AS layer_num, q.value AS name,
	CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END AS value,
	CASE WHEN j.type IN ('integer', 'real') THEN j.value END AS num
FROM features AS f
JOIN layers AS l ON l.id = f.layer
JOIN json_each(l.queryables) AS q
JOIN json_each(f.properties, '$.' || q.value) AS j
WHERE j.type NOT IN ('object', 'array', 'null')`

// checkValues fails t unless feature_values holds the filter values of
// every feature's properties, and nothing else: the same keys, and the
// same number where it keeps one. (One key holds one number or none: of
// a list that has both 1 and "1", the first to come.)
func checkValues(t *testing.T, db *DB) {
	t.Helper()
	const stored = `SELECT rid, layer_num, name, value FROM feature_values`
	view := `SELECT rid, layer_num, name, value FROM (` + valuesByTextParse + `)`
	for _, q := range []string{
		stored + ` EXCEPT ` + view,
		view + ` EXCEPT ` + stored,
		`SELECT rid, layer_num, name, value, num FROM feature_values WHERE num IS NOT NULL EXCEPT ` + valuesByTextParse,
	} {
		var n int
		if err := db.w.QueryRow(`SELECT count(*) FROM (` + q + `)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d filter values differ from the properties':\n%s", n, q)
		}
	}
}

// TestValuesFollowEveryWrite replaces and deletes features whose values
// are of every JSON kind, and checks after each write that the filter
// values are the properties' and that a filter finds what it should: a
// feature that takes the rid of a deleted one (SQLite gives the next
// insert the largest rid again) matches none of the deleted one's values.
func TestValuesFollowEveryWrite(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	odd := []any{true, false, 2.5, 1e21, -0.0, 0.1 + 0.2, 3, 1 << 53, "Кабул", "3", nil, []any{"AFG", "TJK", "AFG"}, []any{1, "1", 1.0}, map[string]any{"x": 1}, ""}
	var fs []geodata.Feature
	for i, v := range odd {
		fs = append(fs, feature(fmt.Sprintf("odd-%02d", i), orb.Point{65, 35}, map[string]any{
			"category": "attack", "actor": v, "fatalities": odd[(i+2)%len(odd)], "country": odd[(i+5)%len(odd)],
		}))
	}
	if err := db.Import(ctx, "incidents", fs); err != nil {
		t.Fatal(err)
	}
	checkValues(t, db)
	for i := range fs {
		fs[i].Properties["actor"], fs[i].Properties["category"] = odd[(i+1)%len(odd)], "plot"
	}
	if err := db.Import(ctx, "incidents", fs[:8]); err != nil {
		t.Fatal(err)
	}
	checkValues(t, db)
	for _, f := range fs[8:] {
		if err := db.Delete(ctx, "incidents", f.ID); err != nil {
			t.Fatal(err)
		}
	}
	checkValues(t, db)
	// gone holds a text, a boolean and a real, each checked a different
	// way (by key, by key, by number).
	gone := map[string]any{"category": "plot", "actor": true, "fatalities": 2.5}
	var lastRid int64
	if err := db.w.QueryRow(`SELECT max(rid) FROM features`).Scan(&lastRid); err != nil {
		t.Fatal(err)
	}
	if err := db.Import(ctx, "incidents", []geodata.Feature{feature("gone", orb.Point{65, 35}, gone)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Delete(ctx, "incidents", "gone"); err != nil {
		t.Fatal(err)
	}
	if err := db.Import(ctx, "incidents", []geodata.Feature{feature("after", orb.Point{65, 35}, map[string]any{"category": "unrest"})}); err != nil {
		t.Fatal(err)
	}
	var afterRid int64
	if err := db.w.QueryRow(`SELECT rid FROM features WHERE id = 'after'`).Scan(&afterRid); err != nil {
		t.Fatal(err)
	}
	if afterRid != lastRid+1 {
		t.Fatalf("the feature after the deleted one has rid %d, want %d (the deleted one's)", afterRid, lastRid+1)
	}
	checkValues(t, db)
	for name, value := range gone {
		page, err := geodata.ReadPage(ctx, db, geodata.Query{Layer: "incidents", Props: map[string][]string{name: {fmt.Sprint(value)}}})
		if err != nil {
			t.Fatal(err)
		}
		if slices.Contains(ids(page.Features), "after") {
			t.Errorf("%s=%v finds the feature that took the rid of one deleted with that value", name, value)
		}
	}
}

// TestValueTriggersUseKeys pins the plan of every statement the triggers
// of feature_values run when a feature changes or goes: each finds the
// feature's values through a key, and none reads all of them.
func TestValueTriggersUseKeys(t *testing.T) {
	db := seeded(t)
	rows, err := db.r.Query(`SELECT name, sql FROM sqlite_schema WHERE type = 'trigger' AND tbl_name = 'features' AND name LIKE 'feature_values_%'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	found := 0
	for rows.Next() {
		var name, def string
		if err := rows.Scan(&name, &def); err != nil {
			t.Fatal(err)
		}
		found++
		body := def[strings.Index(def, " BEGIN")+len(" BEGIN") : strings.LastIndex(def, "END")]
		for _, stmt := range strings.Split(body, ";") {
			if stmt = strings.TrimSpace(stmt); stmt == "" {
				continue
			}
			stmt = strings.NewReplacer("old.rid", "?", "new.rid", "?").Replace(stmt)
			plan := explain(t, db, stmt, 1)
			if strings.Contains(plan, "SCAN feature_values") || !strings.Contains(plan, "SEARCH feature_values USING") && !strings.HasPrefix(stmt, "INSERT") {
				t.Errorf("%s: %s\nplan:\n%s", name, stmt, plan)
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if found != 4 {
		t.Errorf("%d triggers of features keep feature_values, want 4 (insert, update before and after, delete)", found)
	}
}
