package postgis

import (
	"context"
	"fmt"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	"github.com/jackc/pgx/v5"
)

// aggScan bounds the features of a box's area the aggregate scans for a
// page (some milliseconds for 200,000).
const aggScan = 200000

// aggPage answers a page with a box from the layer's aggregate, as
// geodata/sqlite does, when the store holds one of the snapshot's
// generation: every filter is applied in memory to the features of the
// box's area, the matches sorted, the page's rows read by key, and the
// count is exact. ok is false when there is no such aggregate (a large
// layer's is then built in the background) or the area is too large; the
// indexes of the database answer instead.
func (db *DB) aggPage(ctx context.Context, tx pgx.Tx, q geodata.Query, l geodata.Layer, after int64, limit int, yield func(geodata.Feature) error) (geodata.PageInfo, bool, error) {
	if q.BBox == nil || q.Near != nil {
		return geodata.PageInfo{}, false, nil
	}
	var gen int64
	if err := tx.QueryRow(ctx, selectGeneration).Scan(&gen); err != nil {
		return geodata.PageInfo{}, false, err
	}
	ix := db.aggs.Peek(q.Layer, gen)
	if ix == nil {
		if l.Count >= warmMin {
			db.buildSoon(q)
		}
		return geodata.PageInfo{}, false, nil
	}
	rids, ok, err := ix.Rids(ctx, q, aggScan)
	if err != nil || !ok {
		return geodata.PageInfo{}, false, err
	}
	page, info := pageOf(rids, after, q.Offset, limit)
	info, err = db.yieldRids(ctx, tx, page, info, q.RawProperties, yield)
	return info, true, err
}

// pageOf cuts the page after row after, skipping offset, of at most limit
// rows out of the matches rids (in any order), and says what is known of
// it.
func pageOf(rids []int64, after int64, offset, limit int) ([]int64, geodata.PageInfo) {
	sel, more := agg.Smallest(rids, after, offset+limit)
	page := sel[min(offset, len(sel)):]
	info := geodata.PageInfo{Matched: len(rids)}
	if more && len(page) > 0 {
		info.Next = geodata.KeyCursor(page[len(page)-1])
	}
	return page, info
}

// buildSoon builds the aggregate of q's layer in the background, once for
// all who ask while it builds.
func (db *DB) buildSoon(q geodata.Query) {
	if !db.building.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer db.building.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		if err := db.withIndex(ctx, geodata.Query{Layer: q.Layer}, "build", func(*agg.Index) error { return nil }); err != nil {
			db.logger.Warn(fmt.Sprintf("postgis: build the aggregate of %s", q.Layer), "err", err)
		}
	}()
}
