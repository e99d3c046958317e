package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// The statements of a page. A chunk of candidate rids travels as one JSON
// array argument, so a statement has a fixed text whatever the chunk.
const (
	checkChunk = `SELECT f.rid, f.minx, f.miny, f.maxx, f.maxy FROM features AS f INDEXED BY features_list
WHERE f.layer = ? AND f.rid IN (SELECT value FROM json_each(?)) AND `
	checkOrder   = ` ORDER BY f.rid`
	fetchChunk   = `SELECT f.rid, f.id, f.properties, f.geometry FROM features AS f WHERE f.rid IN (SELECT value FROM json_each(?)) ORDER BY f.rid`
	fetchGeoms   = `SELECT f.rid, f.geometry FROM features AS f WHERE f.rid IN (SELECT value FROM json_each(?))`
	minChunk     = 256
	maxChunk     = 4096
	chunkPerPage = 2
)

// Features streams one page of the features of q.Layer that match q to
// yield, in listing order (rid), and says how many match in all when that
// is cheap to know, and where the next page starts. A bbox matches
// features whose bounding box meets it; a time interval matches dated
// features whose span overlaps it; an equality filter matches a property
// holding any of its values; a proximity filter matches features within
// its distance of the target. It returns an error wrapping
// geodata.ErrNotFound when the layer does not exist and one wrapping
// geodata.ErrInvalid for a bad query.
func (db *DB) Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	limit, err := checkQuery(q)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	after, err := geodata.CursorKey(q.After)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	// One read transaction, so the plan, the count and the page see the
	// same data.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return geodata.PageInfo{}, fmt.Errorf("sqlite: query %s: %w", q.Layer, err)
	}
	defer tx.Rollback()
	l, gen, err := db.layers.at(ctx, tx, q.Layer)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	if err := checkQueryables(l.Layer, q); err != nil {
		return geodata.PageInfo{}, err
	}
	near, err := db.resolveNear(ctx, tx, gen, q.Near)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	p, err := db.planQuery(ctx, tx, q, l.num, l.Count, gen, near)
	if err != nil {
		return geodata.PageInfo{}, fmt.Errorf("sqlite: plan %s: %w", q.Layer, err)
	}
	r := pageRun{tx: tx, fetchStmt: db.fetch, layer: q.Layer, checks: checks(q, l.num), near: near, yield: yield, budget: db.bounds.scanBudget, met: p.met, raw: q.RawProperties}
	if p.measured {
		r.near = nil
	}
	if p.look > 0 {
		r.budget = p.look
	}
	info, err := r.run(ctx, p.drv, after, limit, q.Offset)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	info.Matched = -1
	switch {
	case !q.Filtered():
		info.Matched = l.Count
	case p.matched >= 0:
		info.Matched = p.matched
	case p.counted:
		if info.Matched, err = r.count(ctx, p.exact); err != nil {
			return geodata.PageInfo{}, err
		}
	}
	return info, nil
}

// pageRun is one page being read: candidates checked a chunk at a time,
// the matches fetched and handed to yield.
type pageRun struct {
	tx        *sql.Tx
	fetchStmt *sql.Stmt // fetchChunk, prepared on the read pool
	layer     string
	checks    *where
	near      *nearTarget
	yield     func(geodata.Feature) error
	// budget bounds the candidates the page checks.
	budget int
	// met says the candidates meet every filter but proximity already.
	met bool
	// raw leaves the properties of what the page yields undecoded.
	raw bool
}

// run reads from the driver's candidates after rid after, skips offset
// matches and yields up to limit, within the budget of candidates.
func (r *pageRun) run(ctx context.Context, drv driver, after int64, limit, offset int) (geodata.PageInfo, error) {
	var info geodata.PageInfo
	pos, scanned := after, 0
	for {
		if err := ctx.Err(); err != nil {
			return geodata.PageInfo{}, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
		want := limit - info.Returned + offset
		n := min(max(chunkPerPage*want, minChunk), maxChunk)
		if r.met && r.near == nil {
			// Every candidate matches: one past the page says whether
			// another follows.
			n = min(want+1, maxChunk)
		}
		cands, last, err := drv.next(ctx, r.tx, pos, n)
		if err != nil {
			return geodata.PageInfo{}, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
		hits, err := r.check(ctx, cands)
		if err != nil {
			return geodata.PageInfo{}, err
		}
		skip := min(offset, len(hits))
		hits, offset = hits[skip:], offset-skip
		take := min(len(hits), limit-info.Returned)
		if err := r.fetch(ctx, hits[:take]); err != nil {
			return geodata.PageInfo{}, err
		}
		info.Returned += take
		scanned += len(cands)
		switch {
		case take < len(hits):
			info.Next = geodata.KeyCursor(hits[take-1])
			return info, nil
		case last:
			return info, nil
		case len(cands) > 0:
			pos = cands[len(cands)-1]
		}
		if s, ok := drv.(scanner); ok {
			reached, looked := s.progress()
			pos, scanned = reached, scanned-len(cands)+looked
		}
		if info.Returned == limit || scanned >= r.budget {
			info.Next = geodata.KeyCursor(pos)
			return info, nil
		}
	}
}

// check returns the candidates that meet every filter, in order.
func (r *pageRun) check(ctx context.Context, cands []int64) ([]int64, error) {
	if len(cands) == 0 {
		return nil, nil
	}
	if r.met && r.near == nil {
		return cands, nil
	}
	args := append([]any{r.layer, ridList(cands)}, r.checks.args...)
	rows, err := r.tx.QueryContext(ctx, checkChunk+r.checks.sql()+checkOrder, args...)
	if err != nil {
		return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
	}
	defer rows.Close()
	var hits, shapes []int64
	points := map[int64]orb.Point{}
	for rows.Next() {
		var rid int64
		var b orb.Bound
		if err := rows.Scan(&rid, &b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1]); err != nil {
			return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
		hits = append(hits, rid)
		if r.near != nil {
			if b.Min == b.Max {
				points[rid] = b.Min
			} else {
				shapes = append(shapes, rid)
			}
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
	}
	if r.near == nil {
		return hits, nil
	}
	return r.measure(ctx, hits, points, shapes)
}

// measure keeps the hits within the proximity target's distance: points by
// their coordinates, other shapes by their geometry, read for them alone.
func (r *pageRun) measure(ctx context.Context, hits []int64, points map[int64]orb.Point, shapes []int64) ([]int64, error) {
	near := make(map[int64]bool, len(hits))
	for rid, p := range points {
		near[rid] = r.near.within(p)
	}
	if len(shapes) > 0 {
		rows, err := r.tx.QueryContext(ctx, fetchGeoms, ridList(shapes))
		if err != nil {
			return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
		defer rows.Close()
		for rows.Next() {
			var rid int64
			g := wkb.Scanner(nil)
			if err := rows.Scan(&rid, g); err != nil {
				return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
			}
			near[rid] = r.near.within(g.Geometry)
		}
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
	}
	out := hits[:0]
	for _, rid := range hits {
		if near[rid] {
			out = append(out, rid)
		}
	}
	return out, nil
}

// fetch reads the features of rids and yields them in order.
func (r *pageRun) fetch(ctx context.Context, rids []int64) error {
	if len(rids) == 0 {
		return nil
	}
	rows, err := r.tx.StmtContext(ctx, r.fetchStmt).QueryContext(ctx, ridList(rids))
	if err != nil {
		return fmt.Errorf("sqlite: query %s: %w", r.layer, err)
	}
	defer rows.Close()
	for rows.Next() {
		var rid int64
		f, err := scanFeatureAs(rowWithRid{rows, &rid}, r.raw)
		if err != nil {
			return fmt.Errorf("sqlite: query %s: %w", r.layer, err)
		}
		if err := r.yield(f); err != nil {
			return err
		}
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("sqlite: query %s: %w", r.layer, err)
	}
	return nil
}

// count returns how many of the candidates meet every filter.
func (r *pageRun) count(ctx context.Context, cands []int64) (int, error) {
	n := 0
	for start := 0; start < len(cands); start += maxChunk {
		hits, err := r.check(ctx, cands[start:min(start+maxChunk, len(cands))])
		if err != nil {
			return 0, err
		}
		n += len(hits)
	}
	return n, nil
}

// rowWithRid scans a row of rid, id, properties and geometry as
// scanFeature scans one of id, properties and geometry.
type rowWithRid struct {
	rows *sql.Rows
	rid  *int64
}

func (r rowWithRid) Scan(dest ...any) error {
	return r.rows.Scan(append([]any{r.rid}, dest...)...)
}

// ridList writes rids as a JSON array, the form json_each reads.
func ridList(rids []int64) string {
	var b strings.Builder
	b.Grow(len(rids)*8 + 2)
	b.WriteByte('[')
	for i, rid := range rids {
		if i > 0 {
			b.WriteByte(',')
		}
		b.WriteString(strconv.FormatInt(rid, 10))
	}
	b.WriteByte(']')
	return b.String()
}
