package postgis

import (
	"context"
	"fmt"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/paulmach/orb/encoding/ewkb"
)

// A page with a box is most often answered from the aggregate of the
// version this process knows (it follows the database's within
// milliseconds): its rows are then read by key in one statement, which
// says the generation of its own snapshot. When that is the aggregate's,
// the page is of that generation, read without a transaction: one round
// trip to PostgreSQL instead of four (begin, generation, rows, rollback),
// which under load took most of a viewport's time. When it is not (a
// write this process has not heard of yet), nothing has been yielded and
// Features answers in a transaction as before.
const (
	fetchRidsGen = `SELECT f.rid, f.id, f.properties, f.geom, (SELECT generation FROM meta WHERE id = 1)
FROM features AS f WHERE f.rid = ANY($1) ORDER BY f.rid`
)

// aggPageDirect answers a page with a box from the aggregate of the
// version known, in one statement on r. ok is false, with nothing
// yielded, when it cannot: no such aggregate, too large an area, or data
// newer than the aggregate.
func (db *DB) aggPageDirect(ctx context.Context, r *pgxpool.Pool, q geodata.Query, after int64, limit int, yield func(geodata.Feature) error) (geodata.PageInfo, bool, error) {
	if q.BBox == nil || q.Near != nil {
		return geodata.PageInfo{}, false, nil
	}
	v, err := db.version.current(ctx)
	if err != nil {
		return geodata.PageInfo{}, false, err
	}
	ix := db.aggs.Peek(q.Layer, v.gen)
	if ix == nil {
		return geodata.PageInfo{}, false, nil
	}
	rids, ok, err := ix.Rids(ctx, q, aggScan)
	if err != nil || !ok {
		return geodata.PageInfo{}, false, err
	}
	page, info := pageOf(rids, after, q.Offset, limit)
	if len(page) == 0 {
		var gen int64
		if err := r.QueryRow(ctx, selectGeneration).Scan(&gen); err != nil {
			return geodata.PageInfo{}, false, err
		}
		return info, gen == ix.Gen(), nil
	}
	rows, err := r.Query(ctx, fetchRidsGen, page)
	if err != nil {
		return geodata.PageInfo{}, false, err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			rid, gen    int64
			id          string
			props, geom []byte
		)
		if err := rows.Scan(&rid, &id, &props, &geom, &gen); err != nil {
			return geodata.PageInfo{}, false, err
		}
		if gen != ix.Gen() {
			// Only the first row can get here: one snapshot.
			return geodata.PageInfo{}, false, nil
		}
		f, err := featureOf(id, props, geom, q.RawProperties)
		if err != nil {
			return geodata.PageInfo{}, false, err
		}
		if err := yield(f); err != nil {
			return geodata.PageInfo{}, false, err
		}
		info.Returned++
	}
	if err := rows.Err(); err != nil {
		return geodata.PageInfo{}, false, err
	}
	// No row back for a page of rows the aggregate holds: they are gone,
	// so the data is newer than it.
	return info, info.Returned > 0, nil
}

// featureOf builds a feature from its stored properties and geometry
// (EWKB), leaving the properties as the JSON text jsonb gives with raw.
func featureOf(id string, props, geom []byte, raw bool) (geodata.Feature, error) {
	if !raw {
		return decodeFeature(id, props, geom)
	}
	g, _, err := ewkb.Unmarshal(geom)
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("feature %s geometry: %w", id, err)
	}
	// pgx copies a []byte it scans into.
	return geodata.Feature{ID: id, RawProperties: props, Geometry: g}, nil
}
