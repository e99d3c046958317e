package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// selectClusters groups the features matching a WHERE clause by grid cell
// and category. A feature's cell is that of its bounding-box centre; the
// grid starts at -180/-90, so the offsets are never negative and CAST,
// which truncates, floors. The first two arguments are the cell size.
// category is the generated column: the category when it is text.
const selectClusters = `SELECT
	CAST(((f.minx + f.maxx) / 2 + 180) / ? AS INTEGER) AS cx,
	CAST(((f.miny + f.maxy) / 2 + 90) / ? AS INTEGER) AS cy,
	f.category AS category,
	count(*), sum((f.minx + f.maxx) / 2), sum((f.miny + f.maxy) / 2),
	min(f.minx), min(f.miny), max(f.maxx), max(f.maxy)
FROM features AS f WHERE `

const groupClusters = ` GROUP BY cx, cy, category`

// Clusters groups the features of q.Layer that match q's filters (its
// bbox, interval and properties, as Features applies them) into square
// cells cellDeg degrees a side, and returns one Cluster per cell that
// holds any, ordered by row then column. Their counts add up to the
// Matched of Features for the same query. Paging and proximity filters
// are refused. It returns an error wrapping geodata.ErrNotFound when the
// layer does not exist.
func (db *DB) Clusters(ctx context.Context, q geodata.Query, cellDeg float64) ([]geodata.Cluster, error) {
	if !(cellDeg > 0) || math.IsInf(cellDeg, 0) {
		return nil, geodata.Invalidf("cell size %g must be a positive number of degrees", cellDeg)
	}
	if q.Near != nil {
		return nil, geodata.Invalidf("clusters cannot apply a proximity filter")
	}
	if _, _, err := checkQuery(q); err != nil {
		return nil, err
	}
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, fmt.Errorf("sqlite: clusters %s: %w", q.Layer, err)
	}
	defer tx.Rollback()
	num, err := layerNum(ctx, tx, q.Layer)
	if err != nil {
		return nil, err
	}
	plan, err := db.planCells(ctx, tx, q, cellDeg)
	if err != nil {
		return nil, fmt.Errorf("sqlite: clusters %s: %w", q.Layer, err)
	}
	if plan != nil {
		out, err := clustersByCell(ctx, tx, q, plan)
		if err != nil {
			return nil, fmt.Errorf("sqlite: clusters %s: %w", q.Layer, err)
		}
		return out, nil
	}
	w := buildWhere(q, num)
	args := append([]any{cellDeg, cellDeg}, w.args...)
	rows, err := tx.QueryContext(ctx, selectClusters+w.sql()+groupClusters, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: clusters %s: %w", q.Layer, err)
	}
	defer rows.Close()
	out, err := mergeCells(rows)
	if err != nil {
		return nil, fmt.Errorf("sqlite: clusters %s: %w", q.Layer, err)
	}
	return out, nil
}

// mergeCells folds the rows of selectClusters, one per cell and category,
// into one Cluster per cell.
func mergeCells(rows *sql.Rows) ([]geodata.Cluster, error) {
	acc := newCellSums()
	for rows.Next() {
		var (
			cell                   [2]int
			category               sql.NullString
			n                      int
			sx, sy                 float64
			minx, miny, maxx, maxy float64
		)
		if err := rows.Scan(&cell[0], &cell[1], &category, &n, &sx, &sy, &minx, &miny, &maxx, &maxy); err != nil {
			return nil, err
		}
		acc.add(cell, category, n, sx, sy, orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}})
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	return acc.clusters(), nil
}

// cellSums adds up, cell by cell, the counts, centre sums and bounds of
// the features of each category in it.
type cellSums struct {
	cells map[[2]int]*cellSum
}

type cellSum struct {
	c    geodata.Cluster
	x, y float64
}

func newCellSums() *cellSums { return &cellSums{cells: map[[2]int]*cellSum{}} }

// add counts n features of a category (none when not valid) in cell,
// whose centres add up to sx, sy and whose boxes b covers.
func (a *cellSums) add(cell [2]int, category sql.NullString, n int, sx, sy float64, b orb.Bound) {
	s, ok := a.cells[cell]
	if !ok {
		s = &cellSum{c: geodata.Cluster{Cell: cell, Bound: b, Categories: map[string]int{}}}
		a.cells[cell] = s
	}
	s.c.Count += n
	s.x += sx
	s.y += sy
	s.c.Bound = s.c.Bound.Union(b)
	if category.Valid && category.String != "" {
		s.c.Categories[category.String] += n
	}
}

// clusters returns one Cluster per cell, its centre the mean of the
// features', ordered by row then column.
func (a *cellSums) clusters() []geodata.Cluster {
	out := make([]geodata.Cluster, 0, len(a.cells))
	for _, s := range a.cells {
		s.c.Center = orb.Point{s.x / float64(s.c.Count), s.y / float64(s.c.Count)}
		out = append(out, s.c)
	}
	slices.SortFunc(out, func(a, b geodata.Cluster) int {
		return cmp.Or(cmp.Compare(a.Cell[1], b.Cell[1]), cmp.Compare(a.Cell[0], b.Cell[0]))
	})
	return out
}
