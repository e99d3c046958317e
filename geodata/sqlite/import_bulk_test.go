package sqlite

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func TestImportNamesTheFirstRepeatedID(t *testing.T) {
	db := seeded(t)
	p := orb.Point{70, 35}
	props := map[string]any{"date": "2024-01-01", "category": "attack"}
	fs := []geodata.Feature{feature("a", p, props), feature("b", p, props), feature("c", p, props), feature("b", p, props), feature("a", p, props)}
	err := db.Import(context.Background(), "incidents", fs)
	if want := `feature 4 (id "b"): id already used by feature 2`; err == nil || !strings.Contains(err.Error(), want) {
		t.Errorf("Import = %v, want an error saying %q", err, want)
	}
}

// valuesByTextParse is feature_values_of as 0006_filter_index.sql defined
// it, reading the properties as text: what the index held before 0007.
const valuesByTextParse = `SELECT f.rid, l.num, q.value,
	CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END,
	CASE WHEN j.type IN ('integer', 'real') THEN j.value END
FROM features AS f
JOIN layers AS l ON l.id = f.layer
JOIN json_each(l.queryables) AS q
JOIN json_each(f.properties, '$.' || q.value) AS j
WHERE j.type NOT IN ('object', 'array', 'null')`

// TestLargeImportKeepsValuesAndHistory imports enough features to take
// the spatial, bulk path, some replacing seeded ones, with values of every
// JSON kind, and checks what the row triggers used to keep: the filter
// values, one history row per feature, one revision.
func TestLargeImportKeepsValuesAndHistory(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	before := version(t, db)
	replaced := "kabul-2022-09-05"
	odd := []any{true, false, 2.5, 1e21, -0.0, 3, 1 << 53, "Кабул", "کابل", nil, []any{"AFG", "TJK", "AFG"}, []any{1, []any{2}}, map[string]any{"x": 1}, ""}
	var fs []geodata.Feature
	for i := range 1500 {
		id := fmt.Sprintf("bulk-%04d", i)
		if i == 700 {
			id = replaced
		}
		fs = append(fs, feature(id, orb.Point{60 + float64(i%97)*0.1, 30 + float64(i%53)*0.1}, map[string]any{
			"date": fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28), "category": "attack",
			"actor": odd[i%len(odd)], "fatalities": odd[(i+3)%len(odd)], "country": odd[(i+7)%len(odd)],
		}))
	}
	if err := db.Import(ctx, "incidents", fs); err != nil {
		t.Fatalf("Import: %v", err)
	}
	for _, q := range []string{
		`SELECT rid, layer_num, name, value, num FROM feature_values EXCEPT ` + valuesByTextParse,
		valuesByTextParse + ` EXCEPT SELECT rid, layer_num, name, value, num FROM feature_values`,
	} {
		var n int
		if err := db.w.QueryRow(`SELECT count(*) FROM (` + q + `)`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n != 0 {
			t.Errorf("%d filter values differ from the properties':\n%s", n, q)
		}
	}
	var bulk int
	if err := db.w.QueryRow(`SELECT count(*) FROM bulk_write`).Scan(&bulk); err != nil || bulk != 0 {
		t.Errorf("bulk_write holds %d rows (%v) after the import; want none", bulk, err)
	}
	after := version(t, db)
	var creates, replaces, revisions int
	err := db.w.QueryRow(`SELECT
	(SELECT count(*) FROM feature_history WHERE gen = m.generation AND op = 'create' AND before_properties IS NULL),
	(SELECT count(*) FROM feature_history WHERE gen = m.generation AND op = 'replace' AND id = ? AND before_properties IS NOT NULL),
	(SELECT count(*) FROM revisions WHERE gen = m.generation AND kind = 'import')
FROM meta AS m WHERE m.id = 1`, replaced).Scan(&creates, &replaces, &revisions)
	if err != nil {
		t.Fatal(err)
	}
	if creates != 1499 || replaces != 1 || revisions != 1 {
		t.Errorf("history of the import: %d creates, %d replace of %s, %d revisions; want 1499, 1, 1", creates, replaces, replaced, revisions)
	}
	revs, err := db.History(ctx, "incidents", "bulk-0042")
	if err != nil || len(revs) != 1 || revs[0].Op != geodata.OpCreate || revs[0].Kind != "import" || revs[0].Version != after {
		t.Errorf("History(bulk-0042) = %+v, %v; want one create by import at %s", revs, err, after)
	}
	if _, err := db.FeatureAt(ctx, "incidents", "bulk-0042", before); err == nil {
		t.Errorf("FeatureAt(bulk-0042, %s, before the import) found it", before)
	}
	checkRTree(t, db)
}
