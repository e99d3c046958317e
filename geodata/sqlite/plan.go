package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"math"
	"slices"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// How a page is found. Every filter can produce its matches in one of two
// ways: in listing (rid) order from a cursor, or all at once, unordered,
// from an index that finds them without scanning the layer. The planner
// asks each filter how many it matches, up to a cap, and drives the page
// from the one that matches least: collected and sorted when it matches
// at most the cap, walked in rid order otherwise. The other filters are
// checked on the candidates it hands out, a chunk at a time.
const (
	// defaultSortCap bounds the candidates collected and sorted for one
	// page, and the features counted for numberMatched.
	defaultSortCap = 10000
	// defaultScanBudget bounds the candidates one page checks. A page
	// that reaches it before it is full ends there, short, with a next
	// cursor: broad filters that rarely meet cost a client more pages,
	// never one page without bound.
	defaultScanBudget = 50000
)

// bounds are the limits of one page's work; tests lower them to see every
// plan on small data.
type bounds struct {
	sortCap, scanBudget int
	// aggScan bounds the features of a box's area the aggregate scans
	// for a page (some milliseconds for 200,000).
	aggScan int
}

// defaultAggScan is bounds.aggScan unless a test lowers it.
const defaultAggScan = 200000

// SQL of the drivers.
const (
	walkRids = `SELECT rid FROM features INDEXED BY features_list
WHERE layer = ? AND rid > ? ORDER BY rid LIMIT ?`
	valueRids = `SELECT rid FROM feature_values
WHERE layer_num = ? AND name = ? AND value = ? AND rid > ? ORDER BY rid LIMIT ?`
	countValue = `SELECT count(*) FROM (SELECT 1 FROM feature_values
WHERE layer_num = ? AND name = ? AND value = ? LIMIT ?)`
	rangeRids = `SELECT rid FROM feature_values INDEXED BY feature_values_num
WHERE layer_num = ? AND name = ? AND num >= ? AND num <= ? LIMIT ?`
	rtreeRids = `SELECT rid FROM features_rtree WHERE minl <= ?1 AND maxl >= ?1`
	rtreeBox  = ` AND maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?`
	rtreeFrom = ` AND maxt >= ?`
	rtreeTo   = ` AND mint <= ?`
)

// driver hands out a page's candidates: rids in ascending order.
type driver interface {
	// next returns up to n candidates after rid, ascending, and whether
	// they are the last.
	next(ctx context.Context, tx *sql.Tx, after int64, n int) (rids []int64, last bool, err error)
}

// plan is how one query is answered.
type plan struct {
	drv driver
	// exact holds every candidate when the driver collected them all
	// (then numberMatched can be counted), as counted says.
	exact   []int64
	counted bool
	// matched is the count of matches when the plan knows it already, or
	// -1.
	matched int
	// met says every candidate meets every filter of the query but
	// proximity, so a page checks none of them again; measured that they
	// are within the distance of proximity too.
	met, measured bool
	// look, when above 0, is the budget of candidates of the page in
	// place of the store's.
	look int
	// kind names the driver, for tests and logs.
	kind string
}

// planQuery picks the driver for q on the layer numbered num with count
// features; near, when set, is the proximity target.
func (db *DB) planQuery(ctx context.Context, tx *sql.Tx, q geodata.Query, num int64, count int, gen int64, near *nearTarget) (*plan, error) {
	if p, err := db.aggPlan(ctx, q, count, gen, near); p != nil || err != nil {
		return p, err
	}
	best := &plan{drv: walkDriver{layer: q.Layer}, kind: "walk", matched: -1}
	bestN := count
	// Equality filters first: their counts are remembered per generation.
	for _, name := range sortedKeys(q.Props) {
		texts, ok := drivingValues(q.Props[name])
		if !ok {
			continue
		}
		n, err := db.countValues(ctx, tx, num, gen, name, texts)
		if err != nil {
			return nil, err
		}
		if n < bestN {
			best, bestN = &plan{drv: &valueDriver{num: num, name: name, values: texts}, kind: "value:" + name, matched: -1}, n
		}
	}
	if bestN <= db.bounds.sortCap && best.kind != "walk" {
		// A small enough value filter is collected, so it can be counted.
		rids, err := collect(ctx, tx, best.drv)
		if err != nil {
			return nil, err
		}
		return &plan{drv: sortedDriver(rids), exact: rids, counted: true, kind: best.kind, matched: -1}, nil
	}
	// Then the unordered finders, each stopped once it passes the best.
	limit := min(bestN, db.bounds.sortCap) + 1
	var finders []func(int) ([]int64, string, error)
	if q.BBox != nil || q.Interval != nil {
		finders = append(finders, func(cap int) ([]int64, string, error) {
			rids, err := rtreeCandidates(ctx, tx, num, q.BBox, q.Interval, cap)
			return rids, "rtree", err
		})
	}
	for _, name := range sortedKeys(q.Ranges) {
		r := q.Ranges[name]
		finders = append(finders, func(cap int) ([]int64, string, error) {
			rids, err := rangeCandidates(ctx, tx, num, name, r, cap)
			return rids, "range:" + name, err
		})
	}
	if near != nil {
		finders = append(finders, func(cap int) ([]int64, string, error) {
			rids, err := nearCandidates(ctx, tx, num, near, q.BBox, cap)
			return rids, "near", err
		})
	}
	for _, find := range finders {
		rids, kind, err := find(limit)
		if err != nil {
			return nil, err
		}
		if len(rids) < limit {
			slices.Sort(rids)
			rids = slices.Compact(rids) // a list can hold two numbers in a range
			best, limit = &plan{drv: sortedDriver(rids), exact: rids, counted: true, kind: kind, matched: -1}, len(rids)
		}
	}
	if best.kind == "walk" && count <= db.bounds.sortCap {
		// A small layer is counted whole: its matches are known exactly
		// at the cost of checking it.
		rids, err := collect(ctx, tx, best.drv)
		if err != nil {
			return nil, err
		}
		return &plan{drv: sortedDriver(rids), exact: rids, counted: true, kind: "walk", matched: -1}, nil
	}
	return best, nil
}

// drivingValues returns the texts under which feature_values lists the
// features an equality filter matches, or false when a value can match
// numbers that are not listed under one text (a fraction, say), so the
// filter can check candidates but not find them.
func drivingValues(values []string) ([]string, bool) {
	out := make([]string, 0, len(values))
	for _, v := range values {
		out = append(out, v)
		n, isNum := numberOf(v)
		if !isNum {
			continue
		}
		if n != math.Trunc(n) || math.Abs(n) > 1<<53 {
			return nil, false
		}
		// SQLite writes a whole number without a decimal point.
		if s := strconv.FormatInt(int64(n), 10); s != v {
			out = append(out, s)
		}
	}
	slices.Sort(out)
	return slices.Compact(out), true
}

// countValues returns how many features carry any of the values of a
// property, counting each value up to the sort cap and one, remembering the
// answer for the generation.
func (db *DB) countValues(ctx context.Context, tx *sql.Tx, num, gen int64, name string, values []string) (int, error) {
	total := 0
	for _, v := range values {
		key := strconv.FormatInt(num, 10) + "\x00" + name + "\x00" + v
		n, ok := db.counts.get(gen, key)
		if !ok {
			if err := tx.QueryRowContext(ctx, countValue, num, name, v, db.bounds.sortCap+1).Scan(&n); err != nil {
				return 0, fmt.Errorf("count %s=%s: %w", name, v, err)
			}
			db.counts.put(gen, key, n)
		}
		total += n
	}
	return total, nil
}

// collect reads every candidate of d.
func collect(ctx context.Context, tx *sql.Tx, d driver) ([]int64, error) {
	var all []int64
	var after int64
	for {
		rids, last, err := d.next(ctx, tx, after, 4096)
		if err != nil {
			return nil, err
		}
		all = append(all, rids...)
		if last || len(rids) == 0 {
			return all, nil
		}
		after = rids[len(rids)-1]
	}
}

// rtreeCandidates returns up to cap rids whose R*Tree box meets bbox and
// whose R*Tree span meets iv, either of which may be nil.
func rtreeCandidates(ctx context.Context, tx *sql.Tx, num int64, bbox *orb.Bound, iv *geodata.Interval, cap int) ([]int64, error) {
	query, args := rtreeRids, []any{num}
	if bbox != nil {
		query += rtreeBox
		args = append(args, bbox.Min[0], bbox.Max[0], bbox.Min[1], bbox.Max[1])
	}
	if iv != nil {
		if !iv.Start.IsZero() {
			query += rtreeFrom
			args = append(args, iv.Start.Unix())
		}
		if !iv.End.IsZero() {
			query += rtreeTo
			args = append(args, iv.End.Unix())
		}
	}
	return queryRids(ctx, tx, query+` LIMIT ?`, append(args, cap)...)
}

// rangeCandidates returns up to cap rids whose property name has a number
// in r.
func rangeCandidates(ctx context.Context, tx *sql.Tx, num int64, name string, r geodata.Range, cap int) ([]int64, error) {
	lo, hi := rangeBounds(r)
	return queryRids(ctx, tx, rangeRids, num, name, lo, hi, cap)
}

func queryRids(ctx context.Context, tx *sql.Tx, query string, args ...any) ([]int64, error) {
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []int64
	for rows.Next() {
		var rid int64
		if err := rows.Scan(&rid); err != nil {
			return nil, err
		}
		out = append(out, rid)
	}
	return out, rows.Err()
}

// walkDriver hands out every feature of a layer in rid order.
type walkDriver struct{ layer string }

func (d walkDriver) next(ctx context.Context, tx *sql.Tx, after int64, n int) ([]int64, bool, error) {
	rids, err := queryRids(ctx, tx, walkRids, d.layer, after, n)
	return rids, len(rids) < n, err
}

// valueDriver hands out, in rid order, the features whose property name
// holds any of values: one index range per value, merged.
type valueDriver struct {
	num    int64
	name   string
	values []string
}

func (d *valueDriver) next(ctx context.Context, tx *sql.Tx, after int64, n int) ([]int64, bool, error) {
	var merged []int64
	// bound is the highest rid every value has been read up to: a value
	// whose range was cut off at n rows may hold more rids past its last.
	bound, cut := int64(math.MaxInt64), false
	for _, v := range d.values {
		rids, err := queryRids(ctx, tx, valueRids, d.num, d.name, v, after, n)
		if err != nil {
			return nil, false, err
		}
		if len(rids) == n {
			bound, cut = min(bound, rids[n-1]), true
		}
		merged = append(merged, rids...)
	}
	slices.Sort(merged)
	merged = slices.Compact(merged)
	if cut {
		i, _ := slices.BinarySearch(merged, bound)
		merged = merged[:i+1]
	}
	if len(merged) > n {
		return merged[:n], false, nil
	}
	return merged, !cut, nil
}

// sortedDriver hands out a collected, sorted list of candidates.
type sortedDriver []int64

func (d sortedDriver) next(_ context.Context, _ *sql.Tx, after int64, n int) ([]int64, bool, error) {
	i, _ := slices.BinarySearch(d, after+1)
	j := min(i+n, len(d))
	return d[i:j], j == len(d), nil
}
