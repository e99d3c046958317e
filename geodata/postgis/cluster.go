package postgis

import (
	"context"
	"errors"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/agg"
	"github.com/jackc/pgx/v5"
)

// Clusters and Stats are answered from an aggregate of the layer in
// memory (geodata/agg), built once per generation of the data from one
// read of the layer's boxes and dates and, for each property a query
// filters on, one grouped read of its values: the same aggregate, and the
// same answers, as geodata/sqlite.

const (
	selectGeneration = `SELECT generation FROM meta WHERE id = 1`
	aggRows          = `SELECT rid, minx, miny, maxx, maxy, t_start, t_end FROM features WHERE layer = $1`
	// A property's values, each with the rids holding it: a list property
	// gives each scalar in it.
	aggValues = `SELECT e #>> '{}', CASE jsonb_typeof(e) WHEN 'number' THEN (e #>> '{}')::float8 END, array_agg(f.rid)
FROM features AS f,
	jsonb_array_elements(CASE jsonb_typeof(f.qprops -> $2) WHEN 'array' THEN f.qprops -> $2 ELSE jsonb_build_array(f.qprops -> $2) END) AS e
WHERE f.layer = $1 AND f.qprops ? $2 AND jsonb_typeof(e) IN ('string', 'number', 'boolean')
GROUP BY 1, 2 ORDER BY 1`
)

// Clusters groups the features of q.Layer that match q's filters (its
// bbox, interval, property values and ranges, as Features applies them)
// into the cells of a web-map zoom, and returns one Cluster per cell that
// holds any, ordered by row then column. Paging and proximity filters are
// refused. It returns an error wrapping geodata.ErrNotFound when the
// layer does not exist.
func (db *DB) Clusters(ctx context.Context, q geodata.Query, zoom int) ([]geodata.Cluster, error) {
	if zoom < 0 || zoom > geodata.MaxClusterZoom {
		return nil, geodata.Invalidf("zoom %d must be from 0 to %d", zoom, geodata.MaxClusterZoom)
	}
	var out []geodata.Cluster
	err := db.withIndex(ctx, q, "clusters", func(ix *agg.Index) (err error) {
		out, err = ix.Clusters(ctx, q, zoom)
		return err
	})
	return out, err
}

// Stats counts the features of q.Layer that match q by the values of
// each queryable and by month. Proximity filters are refused.
func (db *DB) Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error) {
	var out geodata.Stats
	err := db.withIndex(ctx, q, "stats", func(ix *agg.Index) (err error) {
		out, err = ix.Stats(ctx, q)
		return err
	})
	return out, err
}

// withIndex checks q and runs fn on its layer's current index.
func (db *DB) withIndex(ctx context.Context, q geodata.Query, what string, fn func(*agg.Index) error) error {
	l, err := db.Layer(ctx, q.Layer)
	if err != nil {
		return err
	}
	if _, err := checkQuery(q, l); err != nil {
		return err
	}
	current := func(ctx context.Context) (int64, func(context.Context) (*agg.Index, error), error) {
		v, err := db.version.current(ctx)
		if err != nil {
			return 0, nil, err
		}
		build := func(ctx context.Context) (*agg.Index, error) {
			return agg.Build(ctx, &aggLoader{db: db, layer: l.ID, queryables: l.Queryables}, l.Queryables)
		}
		return v.gen, build, nil
	}
	err = db.aggs.Use(ctx, q.Layer, current, fn)
	if err != nil && !errors.Is(err, geodata.ErrInvalid) && !errors.Is(err, geodata.ErrNotFound) {
		return wrap(ctx, err, "%s %s", what, q.Layer)
	}
	return err
}

// aggLoader reads one layer for agg.Build.
type aggLoader struct {
	db         *DB
	layer      string
	queryables []string
	memo       valueMemo
}

// Rows reads every feature's box and dates, in one snapshot.
func (l *aggLoader) Rows(ctx context.Context, yield func(agg.Row) error) (int64, error) {
	return l.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, aggRows, l.layer)
		if err != nil {
			return err
		}
		defer rows.Close()
		for n := 0; rows.Next(); n++ {
			if n&4095 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			var r agg.Row
			var start, end *int64
			if err := rows.Scan(&r.RID, &r.Box.Min[0], &r.Box.Min[1], &r.Box.Max[0], &r.Box.Max[1], &start, &end); err != nil {
				return err
			}
			if start != nil {
				r.Start, r.End, r.Dated = *start, *end, true
			}
			if err := yield(r); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// Values gives the features holding each value of a queryable: from the
// one pass over all of them (aggvalues.go) the first call makes, or, for
// one that pass has not kept, from a grouped query of its own.
func (l *aggLoader) Values(ctx context.Context, name string, yield func(string, *float64, []int64) error) (int64, error) {
	groups, gen, ok, err := l.memo.take(ctx, name, l.queryables, l.readValues)
	if err != nil {
		return 0, err
	}
	if !ok {
		return l.valuesOf(ctx, name, yield)
	}
	for _, g := range groups {
		if err := yield(g.text, g.num, g.rids); err != nil {
			return 0, err
		}
	}
	return gen, nil
}

// valuesOf reads the features holding each value of a queryable.
func (l *aggLoader) valuesOf(ctx context.Context, name string, yield func(string, *float64, []int64) error) (int64, error) {
	return l.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, aggValues, l.layer, name)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var text string
			var num *float64
			var rids []int64
			if err := rows.Scan(&text, &num, &rids); err != nil {
				return err
			}
			if err := yield(text, num, rids); err != nil {
				return err
			}
		}
		return rows.Err()
	})
}

// read runs fn in a read-only snapshot and returns the generation it saw.
func (l *aggLoader) read(ctx context.Context, fn func(pgx.Tx) error) (int64, error) {
	r, err := l.db.reader(ctx)
	if err != nil {
		return 0, err
	}
	tx, err := r.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return 0, err
	}
	defer tx.Rollback(context.Background())
	var gen int64
	if err := tx.QueryRow(ctx, selectGeneration).Scan(&gen); err != nil {
		return 0, err
	}
	return gen, fn(tx)
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
