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
	if err := rows.Err(); err != nil {
		return nil, 0, err
	}
	return out, gen, addProperties(ctx, q, out)
}

const selectProperties = `SELECT layer, name FROM layer_properties ORDER BY layer, name`

// addProperties fills in each layer's property names.
func addProperties(ctx context.Context, q querier, layers []geodata.Layer) error {
	rows, err := q.Query(ctx, selectProperties)
	if err != nil {
		return err
	}
	defer rows.Close()
	byID := map[string]*geodata.Layer{}
	for i := range layers {
		byID[layers[i].ID] = &layers[i]
	}
	for rows.Next() {
		var id, name string
		if err := rows.Scan(&id, &name); err != nil {
			return err
		}
		if l := byID[id]; l != nil {
			l.Properties = append(l.Properties, name)
		}
	}
	return rows.Err()
}

// cloneLayers copies layers deep enough that a caller's changes do not
// reach the memo.
func cloneLayers(layers []geodata.Layer) []geodata.Layer {
	out := slices.Clone(layers)
	for i := range out {
		out[i].Queryables = slices.Clone(out[i].Queryables)
		out[i].Properties = slices.Clone(out[i].Properties)
		if t := out[i].Temporal; t != nil {
			tc := *t
			out[i].Temporal = &tc
		}
	}
	return out
}

const (
	selectFeatures = `SELECT f.rid, f.id, f.properties, f.geom FROM features AS f WHERE `
	pageFeatures   = ` ORDER BY f.rid LIMIT %s OFFSET %s`
	// countCapped counts up to a bound: past it, numberMatched is left out.
	countCapped = `SELECT count(*) FROM (SELECT 1 FROM features AS f WHERE %s LIMIT %d) AS m`
	// maxCounted is the most matches a page counts for numberMatched.
	maxCounted = 10000
	countLayer = `SELECT feature_count FROM layers WHERE id = $1`
)

// Features streams one page of the features of q.Layer that match q to
// yield, in listing order (rid), and says how many match in all when that
// is cheap to know (no filter, or at most maxCounted matches), and where
// the next page starts. A bbox matches features whose bounding box meets
// it; a time interval matches dated features whose span overlaps it; an
// equality filter matches a property holding any of its values; a range,
// a number in it; a proximity filter, features within its distance of
// the target. It returns an error wrapping geodata.ErrNotFound when the
// layer does not exist and one wrapping geodata.ErrInvalid for a bad
// query.
func (db *DB) Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	layer, err := db.Layer(ctx, q.Layer)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	limit, err := checkQuery(q, layer)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	after, err := geodata.CursorKey(q.After)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	r, err := db.reader(ctx)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	if info, ok, err := db.aggPageDirect(ctx, r, q, after, limit, yield); ok || err != nil {
		if err != nil {
			return geodata.PageInfo{}, wrap(ctx, err, "query %s", q.Layer)
		}
		return info, nil
	}
	// One snapshot, so the count and the page see the same data.
	tx, err := r.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return geodata.PageInfo{}, wrap(ctx, err, "query %s", q.Layer)
	}
	defer tx.Rollback(context.Background())
	if q.Near != nil {
		info, err := db.nearPage(ctx, tx, q, after, limit, yield)
		if err != nil {
			return geodata.PageInfo{}, wrap(ctx, err, "query %s near %s", q.Layer, q.Near.Layer)
		}
		return info, nil
	}
	if info, ok, err := db.aggPage(ctx, tx, q, layer, after, limit, yield); ok || err != nil {
		if err != nil {
			return geodata.PageInfo{}, wrap(ctx, err, "query %s", q.Layer)
		}
		return info, nil
	}
	info, err := page(ctx, tx, buildWhere(q), after, limit, q.Offset, q.RawProperties, yield)
	if err != nil {
		return geodata.PageInfo{}, wrap(ctx, err, "query %s", q.Layer)
	}
	info.Matched = -1
	if !q.Filtered() {
		// The layer's kept count, in this snapshot.
		if err := tx.QueryRow(ctx, countLayer, q.Layer).Scan(&info.Matched); err != nil {
			return geodata.PageInfo{}, wrap(ctx, err, "count %s", q.Layer)
		}
	} else {
		w := buildWhere(q)
		var n int
		if err := tx.QueryRow(ctx, fmt.Sprintf(countCapped, w.sql(), maxCounted+1), w.params()...).Scan(&n); err != nil {
			return geodata.PageInfo{}, wrap(ctx, err, "count %s", q.Layer)
		}
		if n <= maxCounted {
			info.Matched = n
		}
	}
	return info, nil
}

// page streams the features matching w after row after, skipping offset,
// limit at most, to yield, and says where the next page starts.
func page(ctx context.Context, q querier, w *where, after int64, limit, offset int, raw bool, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	w.add(whereAfter, after)
	sql := selectFeatures + w.sql() + fmt.Sprintf(pageFeatures, w.arg(limit+1), w.arg(offset))
	rows, err := q.Query(ctx, sql, w.params()...)
	if err != nil {
		return geodata.PageInfo{}, err
	}
	defer rows.Close()
	var info geodata.PageInfo
	var last int64
	for rows.Next() {
		if info.Returned == limit {
			// One row more than the page: there is a next one.
			info.Next = geodata.KeyCursor(last)
			break
		}
		rid, f, err := scanRow(rows, raw)
		if err != nil {
			return geodata.PageInfo{}, err
		}
		if err := yield(f); err != nil {
			return geodata.PageInfo{}, err
		}
		info.Returned++
		last = rid
	}
	return info, rows.Err()
}

// scanRow reads a row of rid, id, properties and geometry; with raw, the
// properties stay the JSON text jsonb gives (Feature.RawProperties).
func scanRow(rows pgx.Rows, raw bool) (int64, geodata.Feature, error) {
	var rid int64
	if !raw {
		f, err := scanFeature(rowWithRid{rows, &rid})
		return rid, f, err
	}
	var (
		f           geodata.Feature
		props, geom []byte
	)
	if err := rows.Scan(&rid, &f.ID, &props, &geom); err != nil {
		return 0, geodata.Feature{}, err
	}
	g, _, err := ewkb.Unmarshal(geom)
	if err != nil {
		return 0, geodata.Feature{}, fmt.Errorf("feature %s geometry: %w", f.ID, err)
	}
	// pgx copies a []byte it scans into (pgtype.DriverBytes would not).
	f.RawProperties, f.Geometry = props, g
	return rid, f, nil
}

// rowWithRid scans a row of rid, id, properties and geometry as
// scanFeature scans one of id, properties and geometry.
type rowWithRid struct {
	rows pgx.Rows
	rid  *int64
}

func (r rowWithRid) Scan(dest ...any) error { return r.rows.Scan(append([]any{r.rid}, dest...)...) }

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
