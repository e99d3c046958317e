package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
)

// Clusters and Stats are answered from an aggregate of the layer in
// memory (geodata/agg), built once per generation of the data from the
// narrow features_list index and, for each property a query filters on,
// one grouped read of feature_values.

// withIndex runs fn on the layer's current index.
func (db *DB) withIndex(ctx context.Context, layer, what string, fn func(*agg.Index) error) error {
	current := func(ctx context.Context) (int64, func(context.Context) (*agg.Index, error), error) {
		l, gen, err := db.currentLayer(ctx, layer)
		if err != nil {
			return 0, nil, err
		}
		build := func(ctx context.Context) (*agg.Index, error) {
			return agg.Build(ctx, &aggLoader{db: db, layer: l.ID, num: l.num}, l.Queryables)
		}
		return gen, build, nil
	}
	err := db.aggs.Use(ctx, layer, current, fn)
	if err != nil && !errors.Is(err, geodata.ErrInvalid) && !errors.Is(err, geodata.ErrNotFound) {
		return fmt.Errorf("sqlite: %s %s: %w", what, layer, err)
	}
	return err
}

// currentLayer returns a layer and the generation it belongs to.
func (db *DB) currentLayer(ctx context.Context, layer string) (layerRow, int64, error) {
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return layerRow{}, 0, fmt.Errorf("sqlite: read layer %s: %w", layer, err)
	}
	defer tx.Rollback()
	return db.layers.at(ctx, tx, layer)
}

// Clusters groups the features of q.Layer that match q's filters (its
// bbox, interval, property values and ranges, as Features applies them)
// into the cells of a web-map zoom, and returns one Cluster per cell that
// holds any, ordered by row then column. Their counts add up to the
// features Features lists for the same query. Paging and proximity
// filters are refused. It returns an error wrapping geodata.ErrNotFound
// when the layer does not exist.
func (db *DB) Clusters(ctx context.Context, q geodata.Query, zoom int) ([]geodata.Cluster, error) {
	if zoom < 0 || zoom > geodata.MaxClusterZoom {
		return nil, geodata.Invalidf("zoom %d must be from 0 to %d", zoom, geodata.MaxClusterZoom)
	}
	if _, err := checkQuery(q); err != nil {
		return nil, err
	}
	var out []geodata.Cluster
	err := db.withIndex(ctx, q.Layer, "clusters", func(ix *agg.Index) (err error) {
		out, err = ix.Clusters(ctx, q, zoom)
		return err
	})
	return out, err
}

// Stats counts the features of q.Layer that match q by the values of
// each queryable and by month. Proximity filters are refused.
func (db *DB) Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error) {
	if _, err := checkQuery(q); err != nil {
		return geodata.Stats{}, err
	}
	var out geodata.Stats
	err := db.withIndex(ctx, q.Layer, "stats", func(ix *agg.Index) (err error) {
		out, err = ix.Stats(ctx, q)
		return err
	})
	return out, err
}

// aggLoader reads one layer for agg.Build.
type aggLoader struct {
	db    *DB
	layer string
	num   int64
}

const (
	aggRows = `SELECT rid, minx, miny, maxx, maxy, t_start, t_end FROM features INDEXED BY features_list WHERE layer = ?`
	// group_concat hands a value's rids over as one string: a few rows
	// instead of one per feature, which costs SQLite and database/sql far
	// less for a million features.
	aggValues = `SELECT value, max(num), group_concat(rid) FROM feature_values
WHERE layer_num = ? AND name = ? GROUP BY value ORDER BY value`
)

// Rows reads every feature's box and dates, in one snapshot.
func (l *aggLoader) Rows(ctx context.Context, yield func(agg.Row) error) (int64, error) {
	return l.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, aggRows, l.layer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for n := 0; rows.Next(); n++ {
			if n&4095 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var r agg.Row
			var start, end sql.NullInt64
			if err := rows.Scan(&r.RID, &r.Box.Min[0], &r.Box.Min[1], &r.Box.Max[0], &r.Box.Max[1], &start, &end); err != nil {
				return err
			}
			r.Start, r.End, r.Dated = start.Int64, end.Int64, start.Valid
			if err := yield(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Values reads the features holding each value of a queryable.
func (l *aggLoader) Values(ctx context.Context, name string, yield func(string, *float64, []int64) error) (int64, error) {
	return l.read(ctx, func(tx *sql.Tx) error {
		rows, err := tx.QueryContext(ctx, aggValues, l.num, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		var rids []int64
		for rows.Next() {
			var text, list string
			var num sql.NullFloat64
			if err := rows.Scan(&text, &num, &list); err != nil {
				return err
			}
			rids = rids[:0]
			for s := range strings.SplitSeq(list, ",") {
				rid, err := strconv.ParseInt(s, 10, 64)
				if err != nil {
					return fmt.Errorf("rid %q: %w", s, err)
				}
				rids = append(rids, rid)
			}
			var np *float64
			if num.Valid {
				np = &num.Float64
			}
			if err := yield(text, np, rids); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// read runs fn in a read transaction and returns the generation it saw.
func (l *aggLoader) read(ctx context.Context, fn func(*sql.Tx) error) (int64, error) {
	tx, err := l.db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback()
	var gen int64
	if err := tx.QueryRowContext(ctx, selectGeneration).Scan(&gen); err != nil {
		return 0, err
	}
	return gen, fn(tx)
}

// buildSoon builds the aggregate of a layer in the background, once for
// all who ask while it builds, so the pages after a write of a large
// layer are driven from it again: at most a few seconds at a million.
func (db *DB) buildSoon(layer string) {
	if !db.building.CompareAndSwap(false, true) {
		return
	}
	go func() {
		defer db.building.Store(false)
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Minute)
		defer cancel()
		db.withIndex(ctx, layer, "build", func(*agg.Index) error { return nil })
	}()
}

// warmMin is the layer size from which Warm builds an aggregate ahead of
// the first request: a smaller one builds in milliseconds when asked.
const warmMin = 10000

// Warm builds the aggregate of every large layer, values included, so the
// first clusters or stats request after a start does not wait for it. It
// returns how long that took; a server runs it in the background.
func (db *DB) Warm(ctx context.Context) (time.Duration, error) {
	start := time.Now()
	layers, err := db.Layers(ctx)
	if err != nil {
		return 0, err
	}
	for _, l := range layers {
		if l.Count < warmMin {
			continue
		}
		if _, err := db.Stats(ctx, geodata.Query{Layer: l.ID}); err != nil {
			return time.Since(start), err
		}
	}
	return time.Since(start), nil
}
