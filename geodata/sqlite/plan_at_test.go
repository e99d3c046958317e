package sqlite

import (
	"context"
	"database/sql"
	"strings"
	"testing"
)

// The plan of a page at a version reads features by the (layer, id)
// index from the page's start and the history only through its changes
// since the version: never a scan of a table.
func TestVersionPagePlanIsBounded(t *testing.T) {
	db := seeded(t)
	rows, err := db.r.QueryContext(context.Background(), "EXPLAIN QUERY PLAN "+selectLayerAt, sql.Named("layer", "incidents"),
		sql.Named("after", ""), sql.Named("v", 1), sql.Named("limit", 10))
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	all := strings.Join(plan, "\n")
	for _, want := range []string{"SEARCH f USING INDEX sqlite_autoindex_features_1 (layer=? AND id>?)",
		"feature_history_gen (layer=? AND gen>?)", "SEARCH h USING PRIMARY KEY (layer=? AND id=? AND gen=?)", "MERGE"} {
		if !strings.Contains(all, want) {
			t.Errorf("plan lacks %q:\n%s", want, all)
		}
	}
	for _, line := range plan {
		// "SCAN first" walks the changes since the version, gathered
		// above; a scan of features or of the history is what must not be.
		if word := strings.Fields(line); len(word) > 1 && word[0] == "SCAN" && (word[1] == "f" || word[1] == "h" || word[1] == "features" || word[1] == "feature_history") {
			t.Errorf("plan scans a table: %q\n%s", line, all)
		}
	}
}
