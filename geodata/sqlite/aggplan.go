package sqlite

import (
	"context"
	"database/sql"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	"github.com/paulmach/orb"
)

// walkLook is how many features one step of a walk through the aggregate
// looks at.
const walkLook = 16384

// aggPlan drives a page with a box or a proximity filter from the
// layer's aggregate when the store holds one of this generation: every
// filter is applied in memory. When the area holds at most aggScan
// features, all its matches are collected, sorted and counted exactly;
// otherwise the page walks the aggregate in rid order, looking at up to
// aggScan features, and the count is left out. Without an aggregate (a
// large layer's is being built after a write) it returns nil and the
// indexes of the database do.
func (db *DB) aggPlan(ctx context.Context, q geodata.Query, count int, gen int64, near *nearTarget) (*plan, error) {
	if q.BBox == nil && near == nil {
		return nil, nil
	}
	ix := db.aggs.Peek(q.Layer, gen)
	if ix == nil {
		if count >= warmMin {
			db.buildSoon(q.Layer)
		}
		return nil, nil
	}
	var an *agg.Near
	shapes := 0
	if near != nil {
		an = &agg.Near{Boxes: near.boxes, Keep: func(b orb.Bound) bool {
			if b.Min == b.Max {
				return near.measure.WithinKm(b.Min, near.km)
			}
			shapes++
			return true
		}}
	}
	var (
		rids []int64
		ok   bool
		err  error
	)
	if an != nil {
		rids, ok, err = ix.RidsNear(ctx, q, *an, db.bounds.aggScan)
	} else {
		rids, ok, err = ix.Rids(ctx, q, db.bounds.aggScan)
	}
	if err != nil {
		return nil, err
	}
	if !ok {
		w, err := ix.Walk(ctx, q, an)
		if err != nil {
			return nil, err
		}
		// A shape found on the walk is measured on the page.
		return &plan{drv: &aggWalk{w: w}, kind: "agg-walk", matched: -1, met: true, measured: near == nil || ix.Points(), look: db.bounds.aggScan}, nil
	}
	p := &plan{drv: smallestDriver(rids), exact: rids, kind: "agg", matched: len(rids), met: true, measured: shapes == 0}
	if near != nil {
		p.kind = "agg-near"
	}
	if shapes > 0 {
		// The distance of a shape is measured on the page; a count
		// measures all.
		p.matched, p.counted = -1, len(rids) <= db.bounds.sortCap
	}
	return p, nil
}

// smallestDriver hands out the matches the aggregate collected, in no
// particular order, a page at a time in rid order.
type smallestDriver []int64

func (d smallestDriver) next(_ context.Context, _ *sql.Tx, after int64, n int) ([]int64, bool, error) {
	page, more := agg.Smallest(d, after, n)
	return page, !more, nil
}

// aggWalk hands out the matches of a walk through the aggregate; as a
// scanner, it says how far it looked.
type aggWalk struct {
	w    *agg.Walker
	last agg.Batch
}

func (d *aggWalk) next(ctx context.Context, _ *sql.Tx, after int64, n int) ([]int64, bool, error) {
	b, err := d.w.Next(ctx, after, n, walkLook)
	d.last = b
	return b.Rids, b.End, err
}

func (d *aggWalk) progress() (int64, int) { return d.last.Reached, d.last.Looked }

// scanner is a driver that looks at more candidates than it hands out.
type scanner interface {
	// progress says the rid the last step looked up to and how many
	// candidates it looked at.
	progress() (reached int64, looked int)
}
