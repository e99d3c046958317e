package sqlite

import (
	"context"
	"fmt"
	"math"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// mixedDB opens a database whose incidents layer holds n features: mostly
// points, some lines and areas with wide boxes, categories that are text,
// numbers, lists or missing, and dates or none.
func mixedDB(t testing.TB, n int) *DB {
	t.Helper()
	db, _ := openTest(t)
	r := rand.New(rand.NewPCG(3, 4))
	cats := []any{"attack", "clash", "unrest", "", 3.0, true, []any{"attack", "plot"}, nil}
	fs := make([]geodata.Feature, n)
	for i := range fs {
		p := orb.Point{52 + 29*r.Float64(), 29 + 19*r.Float64()}
		var g orb.Geometry = p
		switch i % 10 {
		case 7:
			g = orb.LineString{p, {p[0] + 3*r.Float64(), p[1] + r.Float64()}}
		case 8:
			g = square(p[0], p[1], p[0]+2*r.Float64(), p[1]+4*r.Float64())
		}
		props := map[string]any{"confidence": []string{"confirmed", "reported"}[i%2]}
		if c := cats[r.IntN(len(cats))]; c != nil {
			props["category"] = c
		}
		if i%5 != 0 {
			props["date"] = fmt.Sprintf("202%d-%02d-%02d", i%4, 1+i%12, 1+i%28)
		}
		fs[i] = feature(fmt.Sprintf("m-%d", i), g, props)
	}
	data := []geodata.LayerData{{Layer: geodata.Layer{ID: "incidents", GeometryKind: "Point",
		Queryables: []string{"category", "confidence"}}, Features: fs}}
	if _, err := db.Seed(context.Background(), data, false); err != nil {
		t.Fatal(err)
	}
	return db
}

// TestClustersByCellAgree checks that counting cell by cell through the
// cell index gives what one GROUP BY gives, filters and all.
func TestClustersByCellAgree(t *testing.T) {
	db := mixedDB(t, 3000)
	ctx := context.Background()
	iv := &geodata.Interval{Start: day("2021-03-01"), End: day("2022-08-01")}
	queries := []struct {
		name string
		q    geodata.Query
	}{
		{"whole layer", geodata.Query{Layer: "incidents"}},
		{"bbox", geodata.Query{Layer: "incidents", BBox: bound(60.3, 33.1, 70.7, 41.9)}},
		{"small bbox", geodata.Query{Layer: "incidents", BBox: bound(64.01, 35.02, 64.9, 35.5)}},
		{"bbox outside", geodata.Query{Layer: "incidents", BBox: bound(0, 0, 1, 1)}},
		{"datetime", geodata.Query{Layer: "incidents", Interval: iv}},
		{"category", geodata.Query{Layer: "incidents", Props: map[string]string{"category": "attack"}}},
		{"numeric category", geodata.Query{Layer: "incidents", Props: map[string]string{"category": "3"}}},
		{"everything", geodata.Query{Layer: "incidents", BBox: bound(55, 30, 75, 45), Interval: iv,
			Props: map[string]string{"category": "clash", "confidence": "reported"}}},
	}
	for _, tc := range queries {
		for _, z := range []int{0, 3, 5, 8, 12} {
			t.Run(fmt.Sprintf("%s/zoom%d", tc.name, z), func(t *testing.T) {
				db.cellsMin = math.MaxInt
				want, err := db.Clusters(ctx, tc.q, geodata.CellDegrees(z))
				if err != nil {
					t.Fatal(err)
				}
				db.cellsMin = 0
				got, err := db.Clusters(ctx, tc.q, geodata.CellDegrees(z))
				if err != nil {
					t.Fatal(err)
				}
				if len(got) != len(want) {
					t.Fatalf("by cell: %d clusters, by GROUP BY: %d", len(got), len(want))
				}
				for i := range got {
					g, w := got[i], want[i]
					if math.Abs(g.Center[0]-w.Center[0]) > 1e-9 || math.Abs(g.Center[1]-w.Center[1]) > 1e-9 {
						t.Errorf("cluster %v: centre %v, want %v", g.Cell, g.Center, w.Center)
					}
					g.Center, w.Center = orb.Point{}, orb.Point{}
					if !reflect.DeepEqual(g, w) {
						t.Errorf("by cell:  %+v\nGROUP BY: %+v", g, w)
					}
				}
			})
		}
	}
}

// TestClustersByCellPlan checks that a cell's sum walks one range of
// features_cells and, with the filters the index holds, reads nothing
// else. (A category filter reads a row only when its category column is
// NULL: SQLite seeks the table lazily.)
func TestClustersByCellPlan(t *testing.T) {
	db := seeded(t)
	q := geodata.Query{Layer: "incidents", Interval: &geodata.Interval{Start: day("2022-01-01")}}
	filters := &where{}
	filters.addFilters(q)
	args := append([]any{"incidents", "attack", 0, 1 << 20, 60.0, 70.0, 30.0, 40.0}, filters.args...)
	plan := explain(t, db, sumCell+sumCellBBox+" AND "+filters.sql(), args...)
	// SQLite calls the index covering only without generated columns in
	// the query, but seeks a table row only to read a column the index
	// lacks: one step, and no other table, means no row is read.
	if !strings.Contains(plan, "INDEX features_cells (layer=? AND category=? AND cell>? AND cell<?)") || strings.Contains(plan, "\n") {
		t.Errorf("cell sum does not search features_cells alone:\n%s", plan)
	}
	if strings.Contains(plan, "TEMP B-TREE") {
		t.Errorf("cell sum sorts:\n%s", plan)
	}
}

func TestMorton(t *testing.T) {
	tests := []struct{ x, y, want uint64 }{
		{0, 0, 0}, {1, 0, 1}, {0, 1, 2}, {3, 3, 15}, {1 << 18, 0, 1 << 36}, {0, 1 << 17, 1 << 35},
	}
	for _, tc := range tests {
		if got := morton(tc.x, tc.y); got != tc.want {
			t.Errorf("morton(%d, %d) = %d, want %d", tc.x, tc.y, got, tc.want)
		}
	}
}

// TestCellColumn checks the cell column of migration 0002 against morton
// and the grid of selectClusters.
func TestCellColumn(t *testing.T) {
	db := seeded(t)
	rows, err := db.r.Query(`SELECT minx, miny, maxx, maxy, cell FROM features`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	n := 0
	for rows.Next() {
		var minx, miny, maxx, maxy float64
		var cell int64
		if err := rows.Scan(&minx, &miny, &maxx, &maxy, &cell); err != nil {
			t.Fatal(err)
		}
		d := geodata.CellDegrees(cellKeyZoom)
		want := morton(uint64(cellOf((minx+maxx)/2+180, d)), uint64(cellOf((miny+maxy)/2+90, d)))
		if uint64(cell) != want {
			t.Errorf("box %v %v %v %v: cell = %d, want %d", minx, miny, maxx, maxy, cell, want)
		}
		n++
	}
	if err := rows.Err(); err != nil || n == 0 {
		t.Fatalf("read %d rows: %v", n, err)
	}
}
