package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
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
const layerSelect = `SELECT l.num, l.id, l.title, l.description, l.geometry_kind, l.style,
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

// layerRow is a layer as the store knows it: what clients see, its
// number in the R*Tree and feature_values, and its features' largest
// bounding-box width and height.
type layerRow struct {
	geodata.Layer
	num  int64
	span orb.Point
}

const selectProperties = `SELECT l.id, p.name FROM layer_properties AS p JOIN layers AS l ON l.num = p.layer_num ORDER BY l.id, p.name`

// queryLayers runs selectLayers, and adds each layer's property names.
func queryLayers(ctx context.Context, q queryer) ([]layerRow, error) {
	rows, err := q.QueryContext(ctx, selectLayers)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []layerRow
	byID := map[string]*geodata.Layer{}
	for rows.Next() {
		l, err := scanLayer(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	for i := range out {
		byID[out[i].ID] = &out[i].Layer
	}
	props, err := q.QueryContext(ctx, selectProperties)
	if err != nil {
		return nil, err
	}
	defer props.Close()
	for props.Next() {
		var id, name string
		if err := props.Scan(&id, &name); err != nil {
			return nil, err
		}
		if l := byID[id]; l != nil {
			l.Properties = append(l.Properties, name)
		}
	}
	return out, props.Err()
}

// scanLayer reads one row of layerSelect.
func scanLayer(s interface{ Scan(...any) error }) (layerRow, error) {
	var (
		num                    int64
		l                      geodata.Layer
		style, queryables, upd string
		minx, miny, maxx, maxy sql.NullFloat64
		start, end             sql.NullInt64
		spanX, spanY           sql.NullFloat64
	)
	if err := s.Scan(&num, &l.ID, &l.Title, &l.Description, &l.GeometryKind, &style,
		&l.Attribution, &l.License, &queryables, &upd,
		&l.Count, &minx, &miny, &maxx, &maxy, &start, &end, &spanX, &spanY); err != nil {
		return layerRow{}, err
	}
	if err := json.Unmarshal([]byte(style), &l.Style); err != nil {
		return layerRow{}, fmt.Errorf("layer %s style: %w", l.ID, err)
	}
	if err := json.Unmarshal([]byte(queryables), &l.Queryables); err != nil {
		return layerRow{}, fmt.Errorf("layer %s queryables: %w", l.ID, err)
	}
	if len(l.Queryables) == 0 {
		l.Queryables = nil
	}
	t, err := time.Parse(time.RFC3339, upd)
	if err != nil {
		return layerRow{}, fmt.Errorf("layer %s updated: %w", l.ID, err)
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
	return layerRow{Layer: l, num: num, span: orb.Point{spanX.Float64, spanY.Float64}}, nil
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
	return scanFeatureAs(s, false)
}

// scanFeatureAs is scanFeature, leaving the properties as the JSON text
// they are kept in when raw is set.
func scanFeatureAs(s interface{ Scan(...any) error }, raw bool) (geodata.Feature, error) {
	var (
		f     geodata.Feature
		props string
		geom  = wkb.Scanner(nil)
	)
	if err := s.Scan(&f.ID, &props, geom); err != nil {
		return geodata.Feature{}, err
	}
	if raw {
		// Every row's text was written by encoding/json (featureRow):
		// a compact object, markup escaped, keys in order.
		f.RawProperties, f.Geometry = []byte(props), geom.Geometry
		return f, nil
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
