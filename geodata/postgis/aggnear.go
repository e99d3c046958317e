package postgis

import (
	"context"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
)

// aggNearPage answers a page with a proximity filter from the layer's
// aggregate, as geodata/sqlite does, when the store holds one of the
// snapshot's generation and the layer holds points only: the features
// of the target's boxes grown by the distance are matched in memory,
// each point measured there and then, and the count is exact. ok is
// false when there is no such aggregate, the layer holds other shapes,
// or the area holds more than aggScan features; SQL answers instead.
func (db *DB) aggNearPage(ctx context.Context, tx pgx.Tx, q geodata.Query, gen int64, target *geodata.Measure, after int64, limit int, yield func(geodata.Feature) error) (geodata.PageInfo, bool, error) {
	ix := db.aggs.Peek(q.Layer, gen)
	if ix == nil || !ix.Points() {
		return geodata.PageInfo{}, false, nil
	}
	km := q.Near.Km
	near := agg.Near{Keep: func(b orb.Bound) bool { return target.WithinKm(b.Min, km) }}
	for _, b := range target.Boxes() {
		near.Boxes = append(near.Boxes, geodata.ExpandKm(b, km))
	}
	rids, ok, err := ix.RidsNear(ctx, q, near, aggScan)
	if err != nil || !ok {
		return geodata.PageInfo{}, false, err
	}
	page, info := pageOf(rids, after, q.Offset, limit)
	info, err = db.yieldRids(ctx, tx, page, info, q.RawProperties, yield)
	return info, true, err
}
