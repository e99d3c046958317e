package sqlite

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// TestImportNamesTheFirstRepeatedID gives ids twice to features in key
// order, out of it, across the two, across a chunk already written (the
// repeat set aside or written in order too), and to a feature the layer
// had already; the import names the first feature, in
// file order, whose id an earlier one used, and writes nothing.
func TestImportNamesTheFirstRepeatedID(t *testing.T) {
	props := map[string]any{"date": "2024-01-01", "category": "attack"}
	east, west := orb.Point{70, 35}, orb.Point{52, 30}
	if HilbertKey(east) <= HilbertKey(west) {
		t.Fatalf("the test wants %v after %v on the curve", east, west)
	}
	type item struct {
		id string
		at orb.Point
	}
	tests := []struct {
		name  string
		items []item
		want  string
	}{
		{"in key order", []item{{"a", east}, {"b", east}, {"c", east}, {"b", east}, {"a", east}},
			`feature 4 (id "b"): id already used by feature 2`},
		{"out of key order", []item{{"x", east}, {"a", west}, {"b", west}, {"a", west}},
			`feature 4 (id "a"): id already used by feature 2`},
		{"one in key order, one out", []item{{"a", west}, {"b", east}, {"c", west}, {"b", west}},
			`feature 4 (id "b"): id already used by feature 2`},
		{"an id the layer had, twice", []item{{"kabul-2022-09-05", west}, {"c", east}, {"kabul-2022-09-05", east}},
			`feature 3 (id "kabul-2022-09-05"): id already used by feature 1`},
	}
	var chunk []item
	for i := range importChunk + 10 {
		chunk = append(chunk, item{fmt.Sprintf("c-%05d", i), east})
	}
	// The repeat comes back along the curve and is set aside, or at the
	// same place and is written in order too, over the first.
	for _, tail := range []struct {
		name string
		at   orb.Point
	}{{"one in a chunk written, one after", west}, {"both written in order", east}} {
		tests = append(tests, struct {
			name  string
			items []item
			want  string
		}{tail.name, append(slices.Clone(chunk), item{"c-00002", tail.at}),
			fmt.Sprintf(`feature %d (id "c-00002"): id already used by feature 3`, importChunk+11)})
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			db := seeded(t)
			before := version(t, db)
			var fs []geodata.Feature
			for _, it := range tc.items {
				fs = append(fs, feature(it.id, it.at, props))
			}
			err := db.Import(context.Background(), "incidents", fs)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("Import = %v, want an error saying %q", err, tc.want)
			}
			if after := version(t, db); after != before {
				t.Errorf("version went from %s to %s after a failed import", before, after)
			}
		})
	}
}

// TestLargeImportKeepsValuesAndHistory imports enough features to take
// the spatial, bulk path, some replacing seeded ones, some undated, with
// values of every JSON kind, and checks what the row triggers used to
// keep (the filter values, one history row per feature, one revision) and
// that every row meets the schema's CHECKs. It does so with the
// features out of key order (sorted whole), in it (written a chunk at a
// time), and in it but for a tail (both).
func TestLargeImportKeepsValuesAndHistory(t *testing.T) {
	byKey := func(fs []geodata.Feature) {
		slices.SortStableFunc(fs, func(a, b geodata.Feature) int {
			return cmp.Compare(HilbertKey(a.Geometry), HilbertKey(b.Geometry))
		})
	}
	for _, order := range []struct {
		name string
		sort func([]geodata.Feature)
	}{
		{"out of key order", func([]geodata.Feature) {}},
		{"in key order", byKey},
		{"in key order but for a tail", func(fs []geodata.Feature) {
			byKey(fs[:len(fs)-300])
			slices.Reverse(fs[len(fs)-300:])
		}},
	} {
		t.Run(order.name, func(t *testing.T) { checkLargeImport(t, order.sort) })
	}
}

func checkLargeImport(t *testing.T, sortFeatures func([]geodata.Feature)) {
	ctx := context.Background()
	db := seeded(t)
	before := version(t, db)
	replaced := "kabul-2022-09-05"
	odd := []any{true, false, 2.5, 1e21, -0.0, 3, 1 << 53, "Кабул", "کابل", nil, []any{"AFG", "TJK", "AFG"}, []any{1, []any{2}}, map[string]any{"x": 1}, ""}
	var fs []geodata.Feature
	n := importChunk + 1500
	for i := range n {
		id := fmt.Sprintf("bulk-%04d", i)
		if i == 700 {
			id = replaced
		}
		props := map[string]any{
			"date": fmt.Sprintf("2024-%02d-%02d", 1+i%12, 1+i%28), "category": "attack",
			"actor": odd[i%len(odd)], "fatalities": odd[(i+3)%len(odd)], "country": odd[(i+7)%len(odd)],
		}
		if i%11 == 0 {
			delete(props, "date")
		}
		fs = append(fs, feature(id, orb.Point{60 + float64(i%97)*0.1, 30 + float64(i%53)*0.1}, props))
	}
	sortFeatures(fs)
	if err := db.Import(ctx, "incidents", fs); err != nil {
		t.Fatalf("Import: %v", err)
	}
	checkValues(t, db)
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
	if creates != n-1 || replaces != 1 || revisions != 1 {
		t.Errorf("history of the import: %d creates, %d replace of %s, %d revisions; want %d, 1, 1", creates, replaces, replaced, revisions, n-1)
	}
	revs, err := db.History(ctx, "incidents", "bulk-0042")
	if err != nil || len(revs) != 1 || revs[0].Op != geodata.OpCreate || revs[0].Kind != "import" || revs[0].Version != after {
		t.Errorf("History(bulk-0042) = %+v, %v; want one create by import at %s", revs, err, after)
	}
	if _, err := db.FeatureAt(ctx, "incidents", "bulk-0042", before); err == nil {
		t.Errorf("FeatureAt(bulk-0042, %s, before the import) found it", before)
	}
	checkRTree(t, db)
	// The import writes its rows with CHECKs off (importer.move); SQLite's
	// integrity check verifies them.
	if err := db.Check(ctx); err != nil {
		t.Error(err)
	}
}
