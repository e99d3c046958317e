package sqlite

import (
	"context"
	"database/sql"
	"math"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// Counting cell by cell. Grouping a layer's features by cell in SQL sorts
// every matching row: seconds for a million. The features_cells index
// (migration 0002) is ordered by layer, category and a Morton key of the
// zoom-16 cell of each feature's centre, so the features of one category
// in one cell at any zoom up to 16 are one range of it, which SQLite sums
// as it walks, reading neither sorter nor table. Clusters then costs one
// short query per category and cell.
const (
	// cellKeyZoom is the zoom of the cells the cell column numbers.
	cellKeyZoom = 16
	// cellsMinFeatures is the layer size from which counting cell by cell
	// pays: below it, one GROUP BY over so few rows is quicker than the
	// queries for every category and cell.
	cellsMinFeatures = 10000
	// cellsMaxQueries bounds the queries, categories times cells, of one
	// Clusters call; past it, the GROUP BY is left to do the work.
	cellsMaxQueries = 100000
	// edgeMargin, in degrees, keeps float rounding from putting a centre
	// in a cell the grid arithmetic would not.
	edgeMargin = 1e-9
)

// selectCategories lists a layer's text categories by skipping through
// features_cells: one index seek per category, however many features.
const selectCategories = `WITH RECURSIVE cats (c) AS (
	SELECT (SELECT category FROM features WHERE layer = ?1 AND category IS NOT NULL ORDER BY category LIMIT 1)
	UNION ALL
	SELECT (SELECT category FROM features WHERE layer = ?1 AND category > cats.c ORDER BY category LIMIT 1)
	FROM cats WHERE cats.c IS NOT NULL
)
SELECT c FROM cats WHERE c IS NOT NULL`

// sumCell sums the features of one category whose centre is in one cell:
// a range [lo, hi) of the cell key. Without a bbox condition it is for a
// cell inside the bbox, where every centre means a match.
const (
	sumCell = `SELECT count(*), sum((f.minx + f.maxx) / 2), sum((f.miny + f.maxy) / 2),
	min(f.minx), min(f.miny), max(f.maxx), max(f.maxy)
FROM features AS f INDEXED BY features_cells
WHERE f.layer = ? AND f.category IS ? AND f.cell >= ? AND f.cell < ?`
	sumCellBBox = ` AND f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?`
)

// cellPlan is how clustersByCell covers an area: zoom z, the cells from
// col0/row0 to col1/row1, and the categories to count, nil for those
// without a text one.
type cellPlan struct {
	z                      int
	cellDeg                float64
	col0, row0, col1, row1 int
	categories             []any
}

// planCells decides whether q is counted cell by cell and over what. It
// is not when the cells are not of a zoom up to cellKeyZoom, the layer is
// small.
func (db *DB) planCells(ctx context.Context, tx *sql.Tx, q geodata.Query, cellDeg float64) (*cellPlan, error) {
	z, ok := cellZoom(cellDeg)
	if !ok {
		return nil, nil
	}
	layer, span, ok, err := db.layers.at(ctx, tx, q.Layer)
	if err != nil || !ok || layer.Count < db.cellsMin {
		return nil, err
	}
	// A feature in the bbox has its centre at most half its width and
	// height outside it.
	area := layer.Extent
	if b := q.BBox; b != nil {
		grown := orb.Bound{
			Min: orb.Point{b.Min[0] - span[0]/2 - edgeMargin, b.Min[1] - span[1]/2 - edgeMargin},
			Max: orb.Point{b.Max[0] + span[0]/2 + edgeMargin, b.Max[1] + span[1]/2 + edgeMargin},
		}
		if !grown.Intersects(area) {
			return &cellPlan{z: z, cellDeg: cellDeg, col0: 1, col1: 0}, nil
		}
		area = orb.Bound{
			Min: orb.Point{max(grown.Min[0], area.Min[0]), max(grown.Min[1], area.Min[1])},
			Max: orb.Point{min(grown.Max[0], area.Max[0]), min(grown.Max[1], area.Max[1])},
		}
	}
	p := &cellPlan{z: z, cellDeg: cellDeg,
		col0: cellOf(area.Min[0]+180, cellDeg), row0: cellOf(area.Min[1]+90, cellDeg),
		col1: cellOf(area.Max[0]+180, cellDeg), row1: cellOf(area.Max[1]+90, cellDeg)}
	if p.categories, err = categoriesOf(ctx, tx, q); err != nil {
		return nil, err
	}
	cells := (p.col1 - p.col0 + 1) * (p.row1 - p.row0 + 1)
	if cells*len(p.categories) > cellsMaxQueries {
		return nil, nil
	}
	return p, nil
}

// categoriesOf returns the categories whose features may match q, and nil
// for the features without a text category. A category filter keeps only
// its own value: a text category matches only when it is the value.
func categoriesOf(ctx context.Context, tx *sql.Tx, q geodata.Query) ([]any, error) {
	if v, ok := q.Props[categoryProp]; ok {
		return []any{v, nil}, nil
	}
	rows, err := tx.QueryContext(ctx, selectCategories, q.Layer)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []any{}
	for rows.Next() {
		var c string
		if err := rows.Scan(&c); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return append(out, nil), rows.Err()
}

// clustersByCell counts the features of q per cell of p, with one indexed
// range sum per category and cell.
func clustersByCell(ctx context.Context, tx *sql.Tx, q geodata.Query, p *cellPlan) ([]geodata.Cluster, error) {
	filters := &where{}
	filters.addFilters(q)
	tail := ""
	if len(filters.conds) > 0 {
		tail = " AND " + filters.sql()
	}
	inside, err := tx.PrepareContext(ctx, sumCell+tail)
	if err != nil {
		return nil, err
	}
	defer inside.Close()
	edge := inside
	if q.BBox != nil {
		if edge, err = tx.PrepareContext(ctx, sumCell+sumCellBBox+tail); err != nil {
			return nil, err
		}
		defer edge.Close()
	}
	shift := 2 * uint(cellKeyZoom-p.z)
	acc := newCellSums()
	for row := p.row0; row <= p.row1; row++ {
		for col := p.col0; col <= p.col1; col++ {
			lo := morton(uint64(col), uint64(row)) << shift
			hi := (morton(uint64(col), uint64(row)) + 1) << shift
			stmt, args := inside, []any{q.Layer, nil, int64(lo), int64(hi)}
			if b := q.BBox; b != nil && !p.cellWithin(col, row, *b) {
				stmt = edge
				args = append(args, b.Min[0], b.Max[0], b.Min[1], b.Max[1])
			}
			args = append(args, filters.args...)
			for _, c := range p.categories {
				args[1] = c
				if err := sumOne(ctx, stmt, args, [2]int{col, row}, c, acc); err != nil {
					return nil, err
				}
			}
		}
	}
	return acc.clusters(), nil
}

// sumOne runs one sumCell statement and adds its answer to acc.
func sumOne(ctx context.Context, stmt *sql.Stmt, args []any, cell [2]int, category any, acc *cellSums) error {
	var (
		n                      int
		sx, sy                 sql.NullFloat64
		minx, miny, maxx, maxy sql.NullFloat64
	)
	if err := stmt.QueryRowContext(ctx, args...).Scan(&n, &sx, &sy, &minx, &miny, &maxx, &maxy); err != nil {
		return err
	}
	if n == 0 {
		return nil
	}
	cat := sql.NullString{}
	if s, ok := category.(string); ok {
		cat = sql.NullString{String: s, Valid: true}
	}
	acc.add(cell, cat, n, sx.Float64, sy.Float64,
		orb.Bound{Min: orb.Point{minx.Float64, miny.Float64}, Max: orb.Point{maxx.Float64, maxy.Float64}})
	return nil
}

// cellWithin reports whether the cell at col, row lies inside b, with a
// margin: then every centre in it is in b, and so every feature meets b.
func (p *cellPlan) cellWithin(col, row int, b orb.Bound) bool {
	x0, y0 := float64(col)*p.cellDeg-180, float64(row)*p.cellDeg-90
	return x0-edgeMargin >= b.Min[0] && x0+p.cellDeg+edgeMargin <= b.Max[0] &&
		y0-edgeMargin >= b.Min[1] && y0+p.cellDeg+edgeMargin <= b.Max[1]
}

// cellZoom returns z when cellDeg is 90/2^z for a whole z from 0 to
// cellKeyZoom, the cells the cell key can count.
func cellZoom(cellDeg float64) (int, bool) {
	for z := 0; z <= cellKeyZoom; z++ {
		if cellDeg == geodata.CellDegrees(z) {
			return z, true
		}
	}
	return 0, false
}

// cellOf is the cell number of an offset from -180 or -90 as
// selectClusters computes it: CAST truncates, and offsets are not negative.
func cellOf(offset, cellDeg float64) int {
	return int(math.Max(0, offset) / cellDeg)
}

// morton interleaves the bits of x and y, x's at even positions, as the
// cell column of migration 0002 does.
func morton(x, y uint64) uint64 {
	var k uint64
	for i := range 32 {
		k |= (x>>i&1)<<(2*i) | (y>>i&1)<<(2*i+1)
	}
	return k
}
