package postgis

import (
	"cmp"
	"context"
	"math"
	"slices"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// selectClusters groups the features matching a WHERE clause by grid cell
// and category. A feature's cell is that of its bounding-box centre,
// counted from -180/-90; the cell size is the first argument.
const selectClusters = `SELECT
	floor(((f.minx + f.maxx) / 2 + 180) / $1)::int AS cx,
	floor(((f.miny + f.maxy) / 2 + 90) / $1)::int AS cy,
	CASE jsonb_typeof(f.properties -> 'category') WHEN 'string' THEN f.properties ->> 'category' END AS category,
	count(*), sum((f.minx + f.maxx) / 2), sum((f.miny + f.maxy) / 2),
	min(f.minx), min(f.miny), max(f.maxx), max(f.maxy)
FROM features AS f WHERE `

const groupClusters = ` GROUP BY cx, cy, category`

// Clusters groups the features of q.Layer that match q's filters (its
// bbox, interval and properties, as Features applies them) into square
// cells cellDeg degrees a side, and returns one Cluster per cell that
// holds any, ordered by row then column. Their counts add up to the
// Matched of Features for the same query. Proximity filters are refused.
// It returns an error wrapping geodata.ErrNotFound when the layer does not
// exist.
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
	layer, err := db.Layer(ctx, q.Layer)
	if err != nil {
		return nil, err
	}
	r, err := db.reader(ctx)
	if err != nil {
		return nil, err
	}
	w := &where{}
	w.arg(cellDeg) // $1
	w.addQuery(q, layer.Queryables)
	rows, err := r.Query(ctx, selectClusters+w.sql()+groupClusters, w.args...)
	if err != nil {
		return nil, wrap(ctx, err, "clusters %s", q.Layer)
	}
	defer rows.Close()
	cells := map[[2]int]*cellSum{}
	for rows.Next() {
		var (
			cell                   [2]int
			category               *string
			n                      int
			sx, sy                 float64
			minx, miny, maxx, maxy float64
		)
		if err := rows.Scan(&cell[0], &cell[1], &category, &n, &sx, &sy, &minx, &miny, &maxx, &maxy); err != nil {
			return nil, wrap(ctx, err, "clusters %s", q.Layer)
		}
		addCell(cells, cell, category, n, sx, sy, orb.Bound{Min: orb.Point{minx, miny}, Max: orb.Point{maxx, maxy}})
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(ctx, err, "clusters %s", q.Layer)
	}
	return clusterList(cells), nil
}

// cellSum adds up the features of one cell: their count, the sums of
// their centres, their bound and their categories.
type cellSum struct {
	c    geodata.Cluster
	x, y float64
}

// addCell counts n features of a category (none when nil) in cell,
// whose centres add up to sx, sy and whose boxes b covers.
func addCell(cells map[[2]int]*cellSum, cell [2]int, category *string, n int, sx, sy float64, b orb.Bound) {
	s, ok := cells[cell]
	if !ok {
		s = &cellSum{c: geodata.Cluster{Cell: cell, Bound: b, Categories: map[string]int{}}}
		cells[cell] = s
	}
	s.c.Count += n
	s.x += sx
	s.y += sy
	s.c.Bound = s.c.Bound.Union(b)
	if category != nil && *category != "" {
		s.c.Categories[*category] += n
	}
}

// clusterList returns one Cluster per cell, its centre the mean of the
// features', ordered by row then column.
func clusterList(cells map[[2]int]*cellSum) []geodata.Cluster {
	out := make([]geodata.Cluster, 0, len(cells))
	for _, s := range cells {
		s.c.Center = orb.Point{s.x / float64(s.c.Count), s.y / float64(s.c.Count)}
		out = append(out, s.c)
	}
	slices.SortFunc(out, func(a, b geodata.Cluster) int {
		return cmp.Or(cmp.Compare(a.Cell[1], b.Cell[1]), cmp.Compare(a.Cell[0], b.Cell[0]))
	})
	return out
}
