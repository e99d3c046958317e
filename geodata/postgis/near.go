package postgis

import (
	"context"
	"fmt"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// Proximity filters are measured as geodata/sqlite measures them, so both
// stores answer the same: the target's geometry is read once per
// generation of the data into a geodata.Measure; the GiST index narrows
// the candidates to the target's box grown by the distance; orb measures
// each candidate, on the page being read, within a budget of candidates
// per page, so a page's work is bounded whatever the layer's size.
const (
	// nearBudget bounds the candidates one page measures; a page that
	// reaches it before it is full ends there, with a next cursor.
	nearBudget          = 50000
	selectTargetFeature = `SELECT geom FROM features WHERE layer = $1 AND id = $2`
	selectTargetLayer   = `SELECT geom FROM features WHERE layer = $1 ORDER BY rid`
	selectCandidates    = `SELECT f.rid, f.geom FROM features AS f WHERE `
	orderCandidates     = ` ORDER BY f.rid LIMIT %s`
	fetchRids           = `SELECT f.rid, f.id, f.properties, f.geom FROM features AS f WHERE f.rid = ANY(%s) ORDER BY f.rid`
)

// nearPage answers a query with a proximity filter in tx.
func (db *DB) nearPage(ctx context.Context, tx pgx.Tx, q geodata.Query, after int64, limit int, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	near := q.Near
	if !(near.Km > 0) || near.Km > geodata.MaxNearKm {
		return geodata.PageInfo{}, geodata.Invalidf("within_km %g must be above 0 and at most %d", near.Km, geodata.MaxNearKm)
	}
	var gen int64
	if err := tx.QueryRow(ctx, selectGeneration).Scan(&gen); err != nil {
		return geodata.PageInfo{}, err
	}
	target, err := db.near.Get(gen, near.Layer+"/"+near.ID, func() (*geodata.Measure, error) { return readTarget(ctx, tx, near) })
	if err != nil {
		return geodata.PageInfo{}, err
	}
	if info, ok, err := db.aggNearPage(ctx, tx, q, gen, target, after, limit, yield); ok || err != nil {
		return info, err
	}
	box := geodata.ExpandKm(target.Bound(), near.Km)
	if q.BBox != nil {
		var ok bool
		if box, ok = geodata.IntersectBounds(box, *q.BBox); !ok {
			return geodata.PageInfo{Matched: 0}, nil
		}
	}
	q.BBox = &box
	matched, err := countNear(ctx, tx, q, target, near.Km)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	info := geodata.PageInfo{Matched: matched}
	skip := q.Offset
	var hits []int64
	pos := after
	for scanned := 0; scanned < nearBudget; {
		w := buildWhere(q)
		w.add(whereAfter, pos)
		rows, err := tx.Query(ctx, selectCandidates+w.sql()+fmt.Sprintf(orderCandidates, w.arg(4096)), w.params()...)
		if err != nil {
			return geodata.PageInfo{}, err
		}
		n, full, err := measureRows(rows, target, near.Km, &pos, &skip, &hits, limit)
		if err != nil {
			return geodata.PageInfo{}, err
		}
		scanned += n
		if full || n < 4096 {
			if full {
				info.Next = geodata.KeyCursor(hits[len(hits)-1])
			}
			return db.yieldRids(ctx, tx, hits, info, q.RawProperties, yield)
		}
	}
	info.Next = geodata.KeyCursor(pos)
	return db.yieldRids(ctx, tx, hits, info, q.RawProperties, yield)
}

// countNear counts the features of the query (its box grown around the
// target) within km of target, when they are at most maxCounted
// candidates; -1 otherwise.
func countNear(ctx context.Context, tx pgx.Tx, q geodata.Query, target *geodata.Measure, km float64) (int, error) {
	w := buildWhere(q)
	var n int
	if err := tx.QueryRow(ctx, fmt.Sprintf(countCapped, w.sql(), maxCounted+1), w.params()...).Scan(&n); err != nil {
		return 0, err
	}
	if n > maxCounted {
		return -1, nil
	}
	rows, err := tx.Query(ctx, selectCandidates+w.sql(), w.params()...)
	if err != nil {
		return 0, err
	}
	defer rows.Close()
	matched := 0
	for rows.Next() {
		var rid int64
		var geom []byte
		if err := rows.Scan(&rid, &geom); err != nil {
			return 0, err
		}
		g, _, err := ewkb.Unmarshal(geom)
		if err != nil {
			return 0, err
		}
		if target.Within(g, km) {
			matched++
		}
	}
	return matched, rows.Err()
}

// measureRows reads candidate rows of rid and geometry, keeping in hits
// (after skipping skip) the rids within km of target, up to limit; full
// says the page filled before the rows ran out (so more may match). pos
// follows the last rid looked at.
func measureRows(rows pgx.Rows, target *geodata.Measure, km float64, pos *int64, skip *int, hits *[]int64, limit int) (n int, full bool, err error) {
	defer rows.Close()
	for rows.Next() {
		var rid int64
		var geom []byte
		if err := rows.Scan(&rid, &geom); err != nil {
			return n, false, err
		}
		n++
		if len(*hits) == limit {
			return n, true, nil
		}
		*pos = rid
		g, _, err := ewkb.Unmarshal(geom)
		if err != nil {
			return n, false, err
		}
		if !target.Within(g, km) {
			continue
		}
		if *skip > 0 {
			*skip--
			continue
		}
		*hits = append(*hits, rid)
	}
	return n, false, rows.Err()
}

// yieldRids reads the features of rids and yields them in order.
func (db *DB) yieldRids(ctx context.Context, tx pgx.Tx, rids []int64, info geodata.PageInfo, raw bool, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	if len(rids) == 0 {
		return info, nil
	}
	rows, err := tx.Query(ctx, fmt.Sprintf(fetchRids, "$1"), rids)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	defer rows.Close()
	for rows.Next() {
		_, f, err := scanRow(rows, raw)
		if err != nil {
			return geodata.PageInfo{}, err
		}
		if err := yield(f); err != nil {
			return geodata.PageInfo{}, err
		}
		info.Returned++
	}
	return info, rows.Err()
}

// readTarget reads the geometry of a proximity target into a Measure. A
// target that does not exist is a bad parameter (400), not a missing
// resource.
func readTarget(ctx context.Context, tx pgx.Tx, near *geodata.Near) (*geodata.Measure, error) {
	var exists bool
	if err := tx.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM layers WHERE id = $1)`, near.Layer).Scan(&exists); err != nil {
		return nil, err
	}
	if !exists {
		return nil, geodata.Invalidf("near: layer %q does not exist", near.Layer)
	}
	query, args := selectTargetLayer, []any{near.Layer}
	if near.ID != "" {
		query, args = selectTargetFeature, []any{near.Layer, near.ID}
	}
	rows, err := tx.Query(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var all orb.Collection
	vertices := 0
	for rows.Next() {
		var geom []byte
		if err := rows.Scan(&geom); err != nil {
			return nil, err
		}
		g, _, err := ewkb.Unmarshal(geom)
		if err != nil {
			return nil, err
		}
		for range geodata.Points(g) {
			vertices++
		}
		if vertices > geodata.MaxNearVertices {
			return nil, geodata.Invalidf("near=%s is too large a target to measure from (more than %d vertices); name one feature (near=%s/ID)", near.Layer, geodata.MaxNearVertices, near.Layer)
		}
		all = append(all, g)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	if near.ID != "" && len(all) == 0 {
		return nil, geodata.Invalidf("near: feature %q not found in layer %q", near.ID, near.Layer)
	}
	return geodata.NewMeasure(all), nil
}
