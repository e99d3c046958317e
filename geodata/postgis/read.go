package postgis

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sync"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/ewkb"
)

// querier is what pools, connections and transactions offer for reading.
type querier interface {
	Query(ctx context.Context, sql string, args ...any) (pgx.Rows, error)
	QueryRow(ctx context.Context, sql string, args ...any) pgx.Row
}

// selectLayers reads every layer with its kept count, extent and time
// span, and the generation the rows belong to.
const selectLayers = `SELECT id, title, description, geometry_kind, style, attribution, license,
	queryables, updated, feature_count, minx, miny, maxx, maxy, t_start, t_end,
	(SELECT generation FROM meta WHERE id = 1)
FROM layers ORDER BY id`

// layerMemo remembers the layers for one generation of the data.
type layerMemo struct {
	mu     sync.Mutex
	gen    int64
	layers []geodata.Layer
}

// Layers returns every layer with its feature count, extent, time span and
// update time, ordered by id.
func (db *DB) Layers(ctx context.Context) ([]geodata.Layer, error) {
	layers, err := db.allLayers(ctx)
	if err != nil {
		return nil, err
	}
	return cloneLayers(layers), nil
}

// Layer returns one layer like Layers does, or an error wrapping
// geodata.ErrNotFound when there is no layer with that id.
func (db *DB) Layer(ctx context.Context, id string) (geodata.Layer, error) {
	layers, err := db.allLayers(ctx)
	if err != nil {
		return geodata.Layer{}, err
	}
	for _, l := range layers {
		if l.ID == id {
			return cloneLayers([]geodata.Layer{l})[0], nil
		}
	}
	return geodata.Layer{}, geodata.NotFoundf("layer %q does not exist", id)
}

// allLayers returns the memo's layers, reading them when the version
// moved past them. The slice is shared: callers copy before handing out.
func (db *DB) allLayers(ctx context.Context) ([]geodata.Layer, error) {
	v, err := db.version.current(ctx)
	if err != nil {
		return nil, err
	}
	m := &db.layers
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.layers != nil && m.gen >= v.gen {
		return m.layers, nil
	}
	r, err := db.reader(ctx)
	if err != nil {
		return nil, err
	}
	layers, gen, err := queryLayers(ctx, r)
	if err != nil {
		return nil, wrap(ctx, err, "list layers")
	}
	m.gen, m.layers = gen, layers
	return layers, nil
}

func queryLayers(ctx context.Context, q querier) ([]geodata.Layer, int64, error) {
	rows, err := q.Query(ctx, selectLayers)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	out := []geodata.Layer{}
	var gen int64
	for rows.Next() {
		var (
			l                      geodata.Layer
			style, queryables      []byte
			minx, miny, maxx, maxy *float64
			start, end             *int64
		)
		if err := rows.Scan(&l.ID, &l.Title, &l.Description, &l.GeometryKind, &style,
			&l.Attribution, &l.License, &queryables, &l.Updated, &l.Count,
			&minx, &miny, &maxx, &maxy, &start, &end, &gen); err != nil {
			return nil, 0, err
		}
		if err := json.Unmarshal(style, &l.Style); err != nil {
			return nil, 0, fmt.Errorf("layer %s style: %w", l.ID, err)
		}
		if err := json.Unmarshal(queryables, &l.Queryables); err != nil {
			return nil, 0, fmt.Errorf("layer %s queryables: %w", l.ID, err)
		}
		if len(l.Queryables) == 0 {
			l.Queryables = nil
		}
		l.Updated = l.Updated.UTC()
		if minx != nil {
			l.Extent = orb.Bound{Min: orb.Point{*minx, *miny}, Max: orb.Point{*maxx, *maxy}}
		}
		if start != nil {
			l.Temporal = &geodata.Interval{Start: time.Unix(*start, 0).UTC(), End: time.Unix(*end, 0).UTC()}
		}
		out = append(out, l)
	}
	return out, gen, rows.Err()
}

// cloneLayers copies layers deep enough that a caller's changes do not
// reach the memo.
func cloneLayers(layers []geodata.Layer) []geodata.Layer {
	out := slices.Clone(layers)
	for i := range out {
		out[i].Queryables = slices.Clone(out[i].Queryables)
		if t := out[i].Temporal; t != nil {
			tc := *t
			out[i].Temporal = &tc
		}
	}
	return out
}

const (
	selectFeatures = `SELECT f.id, f.properties, f.geom FROM features AS f WHERE `
	pageFeatures   = ` ORDER BY f.rid LIMIT %s OFFSET %s`
	countFeatures  = `SELECT count(*) FROM features AS f WHERE `
	countLayer     = `SELECT feature_count FROM layers WHERE id = $1`
)

// Features returns one page of the features of q.Layer that match q, in
// the order they were added, and how many match in all. A bbox matches
// features whose bounding box intersects it; a time interval matches dated
// features whose span overlaps it. It returns an error wrapping
// geodata.ErrNotFound when the layer does not exist and one wrapping
// geodata.ErrInvalid for a bad query.
func (db *DB) Features(ctx context.Context, q geodata.Query) (geodata.Page, error) {
	limit, offset, err := checkQuery(q)
	if err != nil {
		return geodata.Page{}, err
	}
	layer, err := db.Layer(ctx, q.Layer)
	if err != nil {
		return geodata.Page{}, err
	}
	if q.Near != nil {
		return db.nearPage(ctx, q, layer, limit, offset)
	}
	r, err := db.reader(ctx)
	if err != nil {
		return geodata.Page{}, err
	}
	// One snapshot, so the count and the page see the same data.
	tx, err := r.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return geodata.Page{}, wrap(ctx, err, "query %s", q.Layer)
	}
	defer tx.Rollback(context.Background())
	w := buildWhere(q, layer.Queryables)
	page := geodata.Page{Features: []geodata.Feature{}}
	err = scanFeatures(ctx, tx, w, limit, offset, func(f geodata.Feature) error {
		page.Features = append(page.Features, f)
		return nil
	})
	if err != nil {
		return geodata.Page{}, wrap(ctx, err, "query %s", q.Layer)
	}
	page.Matched = offset + len(page.Features)
	// A short page that is not past the end tells how many match; a layer
	// without filters has its count kept.
	if len(page.Features) == limit || (len(page.Features) == 0 && offset > 0) {
		count, args := countFeatures+w.sql(), w.args
		if !q.Filtered() {
			count, args = countLayer, []any{q.Layer}
		}
		if err := tx.QueryRow(ctx, count, args...).Scan(&page.Matched); err != nil {
			return geodata.Page{}, wrap(ctx, err, "count %s", q.Layer)
		}
	}
	return page, nil
}

// scanFeatures streams the features matching w, from offset on, limit at
// most, to yield.
func scanFeatures(ctx context.Context, q querier, w *where, limit, offset int, yield func(geodata.Feature) error) error {
	page := fmt.Sprintf(pageFeatures, w.arg(limit), w.arg(offset))
	defer func() { w.args = w.args[:len(w.args)-2] }()
	rows, err := q.Query(ctx, selectFeatures+w.sql()+page, w.args...)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		f, err := scanFeature(rows)
		if err != nil {
			return err
		}
		if err := yield(f); err != nil {
			return err
		}
	}
	return rows.Err()
}

const selectFeature = `SELECT f.id, f.properties, f.geom FROM features AS f WHERE f.layer = $1 AND f.id = $2`

// Feature returns one feature, or an error wrapping geodata.ErrNotFound
// when the layer or the feature does not exist.
func (db *DB) Feature(ctx context.Context, layer, id string) (geodata.Feature, error) {
	if _, err := db.Layer(ctx, layer); err != nil {
		return geodata.Feature{}, err
	}
	r, err := db.reader(ctx)
	if err != nil {
		return geodata.Feature{}, err
	}
	f, err := scanFeature(r.QueryRow(ctx, selectFeature, layer, id))
	if errors.Is(err, pgx.ErrNoRows) {
		return geodata.Feature{}, geodata.NotFoundf("feature %q not found in layer %q", id, layer)
	}
	if err != nil {
		return geodata.Feature{}, wrap(ctx, err, "read feature %s/%s", layer, id)
	}
	return f, nil
}

// scanFeature reads a row of id, properties and geometry (EWKB).
func scanFeature(s interface{ Scan(...any) error }) (geodata.Feature, error) {
	var (
		f     geodata.Feature
		props []byte
		geom  []byte
	)
	if err := s.Scan(&f.ID, &props, &geom); err != nil {
		return geodata.Feature{}, err
	}
	return decodeFeature(f.ID, props, geom)
}

// decodeFeature builds a feature from its stored properties (JSON) and
// geometry (EWKB).
func decodeFeature(id string, props, geom []byte) (geodata.Feature, error) {
	f := geodata.Feature{ID: id}
	if err := json.Unmarshal(props, &f.Properties); err != nil {
		return geodata.Feature{}, fmt.Errorf("feature %s properties: %w", f.ID, err)
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	g, _, err := ewkb.Unmarshal(geom)
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("feature %s geometry: %w", f.ID, err)
	}
	f.Geometry = g
	return f, nil
}
