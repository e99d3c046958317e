package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// queryer is what both *sql.DB and *sql.Tx offer for reading.
type queryer interface {
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// layerSelect reads a layer with what its features say about it: how many,
// where and when, and the widest and tallest bounding box, which bound
// how far from a bbox the centre of a feature in it can lie. The
// aggregates are NULL for a layer with no features.
const layerSelect = `SELECT l.id, l.title, l.description, l.geometry_kind, l.style,
	l.attribution, l.license, l.queryables, l.updated,
	count(f.rid), min(f.minx), min(f.miny), max(f.maxx), max(f.maxy),
	min(f.t_start), max(f.t_end), max(f.maxx - f.minx), max(f.maxy - f.miny)
FROM layers AS l LEFT JOIN features AS f ON f.layer = l.id`

const selectLayers = layerSelect + ` GROUP BY l.id ORDER BY l.id`

// Layers returns every layer with its feature count, extent, time span and
// update time, ordered by id.
func (db *DB) Layers(ctx context.Context) ([]geodata.Layer, error) {
	layers, err := db.layers.get(ctx, db.r)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list layers: %w", err)
	}
	return layers, nil
}

// Layer returns one layer like Layers does, or an error wrapping
// geodata.ErrNotFound when there is no layer with that id.
func (db *DB) Layer(ctx context.Context, id string) (geodata.Layer, error) {
	layers, err := db.layers.get(ctx, db.r)
	if err != nil {
		return geodata.Layer{}, fmt.Errorf("sqlite: read layer %s: %w", id, err)
	}
	for _, l := range layers {
		if l.ID == id {
			return l, nil
		}
	}
	return geodata.Layer{}, geodata.NotFoundf("layer %q does not exist", id)
}

// queryLayers runs selectLayers. It returns the layers, and by layer id
// the largest width and height of a feature's bounding box.
func queryLayers(ctx context.Context, q queryer) ([]geodata.Layer, map[string]orb.Point, error) {
	rows, err := q.QueryContext(ctx, selectLayers)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var out []geodata.Layer
	spans := map[string]orb.Point{}
	for rows.Next() {
		l, span, err := scanLayer(rows)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, l)
		spans[l.ID] = span
	}
	return out, spans, rows.Err()
}

// scanLayer reads one row of layerSelect: the layer and its features'
// largest bounding-box width and height.
func scanLayer(s interface{ Scan(...any) error }) (geodata.Layer, orb.Point, error) {
	var (
		l                      geodata.Layer
		style, queryables, upd string
		minx, miny, maxx, maxy sql.NullFloat64
		start, end             sql.NullInt64
		spanX, spanY           sql.NullFloat64
	)
	if err := s.Scan(&l.ID, &l.Title, &l.Description, &l.GeometryKind, &style,
		&l.Attribution, &l.License, &queryables, &upd,
		&l.Count, &minx, &miny, &maxx, &maxy, &start, &end, &spanX, &spanY); err != nil {
		return geodata.Layer{}, orb.Point{}, err
	}
	if err := json.Unmarshal([]byte(style), &l.Style); err != nil {
		return geodata.Layer{}, orb.Point{}, fmt.Errorf("layer %s style: %w", l.ID, err)
	}
	if err := json.Unmarshal([]byte(queryables), &l.Queryables); err != nil {
		return geodata.Layer{}, orb.Point{}, fmt.Errorf("layer %s queryables: %w", l.ID, err)
	}
	if len(l.Queryables) == 0 {
		l.Queryables = nil
	}
	t, err := time.Parse(time.RFC3339, upd)
	if err != nil {
		return geodata.Layer{}, orb.Point{}, fmt.Errorf("layer %s updated: %w", l.ID, err)
	}
	l.Updated = t
	if minx.Valid {
		l.Extent = orb.Bound{
			Min: orb.Point{minx.Float64, miny.Float64},
			Max: orb.Point{maxx.Float64, maxy.Float64},
		}
	}
	if start.Valid {
		l.Temporal = &geodata.Interval{
			Start: time.Unix(start.Int64, 0).UTC(),
			End:   time.Unix(end.Int64, 0).UTC(),
		}
	}
	return l, orb.Point{spanX.Float64, spanY.Float64}, nil
}

const (
	countFeatures  = `SELECT count(*) FROM features AS f WHERE `
	selectFeatures = `SELECT f.id, f.properties, f.geometry FROM features AS f WHERE `
	pageFeatures   = ` ORDER BY f.rid LIMIT ? OFFSET ?`
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
	// One read transaction, so the count and the page see the same data.
	tx, err := db.r.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return geodata.Page{}, fmt.Errorf("sqlite: query %s: %w", q.Layer, err)
	}
	defer tx.Rollback()
	num, err := layerNum(ctx, tx, q.Layer)
	if err != nil {
		return geodata.Page{}, err
	}
	if q.Near != nil {
		return nearPage(ctx, tx, q, num, limit, offset)
	}
	w := buildWhere(q, num)
	features, err := queryPage(ctx, tx, w, limit, offset)
	if err != nil {
		return geodata.Page{}, fmt.Errorf("sqlite: query %s: %w", q.Layer, err)
	}
	page := geodata.Page{Features: features, Matched: offset + len(features)}
	// A short page that is not past the end already tells how many match;
	// only otherwise does it take a second pass to count them.
	if len(features) == limit || (len(features) == 0 && offset > 0) {
		if err := tx.QueryRowContext(ctx, countFeatures+w.sql(), w.args...).Scan(&page.Matched); err != nil {
			return geodata.Page{}, fmt.Errorf("sqlite: count %s: %w", q.Layer, err)
		}
	}
	return page, nil
}

// queryPage returns the features matching w from offset on, limit at most.
func queryPage(ctx context.Context, tx *sql.Tx, w *where, limit, offset int) ([]geodata.Feature, error) {
	args := append(slices.Clip(w.args), limit, offset)
	rows, err := tx.QueryContext(ctx, selectFeatures+w.sql()+pageFeatures, args...)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := []geodata.Feature{}
	for rows.Next() {
		f, err := scanFeature(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, f)
	}
	return out, rows.Err()
}

const selectFeature = `SELECT f.id, f.properties, f.geometry FROM features AS f WHERE f.layer = ? AND f.id = ?`

// Feature returns one feature, or an error wrapping geodata.ErrNotFound
// when the layer or the feature does not exist.
func (db *DB) Feature(ctx context.Context, layer, id string) (geodata.Feature, error) {
	f, err := scanFeature(db.r.QueryRowContext(ctx, selectFeature, layer, id))
	if errors.Is(err, sql.ErrNoRows) {
		if _, err := layerNum(ctx, db.r, layer); err != nil {
			return geodata.Feature{}, err
		}
		return geodata.Feature{}, geodata.NotFoundf("feature %q not found in layer %q", id, layer)
	}
	if err != nil {
		return geodata.Feature{}, fmt.Errorf("sqlite: read feature %s/%s: %w", layer, id, err)
	}
	return f, nil
}

// scanFeature reads a row of id, properties and geometry.
func scanFeature(s interface{ Scan(...any) error }) (geodata.Feature, error) {
	var (
		f     geodata.Feature
		props string
		geom  = wkb.Scanner(nil)
	)
	if err := s.Scan(&f.ID, &props, geom); err != nil {
		return geodata.Feature{}, err
	}
	if err := json.Unmarshal([]byte(props), &f.Properties); err != nil {
		return geodata.Feature{}, fmt.Errorf("feature %s properties: %w", f.ID, err)
	}
	if f.Properties == nil {
		f.Properties = map[string]any{}
	}
	f.Geometry = geom.Geometry
	return f, nil
}
