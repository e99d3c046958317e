// Package tiles writes map tiles: Mapbox Vector Tiles (MVT) of a layer's
// features, or of its clusters where a tile would hold more points than a
// map can draw, in the WebMercatorQuad tile matrix set of OGC API - Tiles.
package tiles

import (
	"fmt"
	"math"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/mvt"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/maptile"
	"github.com/paulmach/orb/simplify"
	"github.com/tidwall/gjson"
)

// Limits of one tile.
const (
	// MaxZoom is the deepest tile matrix served.
	MaxZoom = 18
	// MaxPoints is the most features a tile holds one by one; a tile of
	// a point layer that would hold more holds clusters instead. It is
	// about the most clusters a tile holds, so whichever it holds, a tile
	// costs about as much (a tile's features are its cost: reading,
	// picking their properties and encoding them).
	MaxPoints = 1000
	// MaxFeatures bounds the lines and polygons of one tile.
	MaxFeatures = 5000
	// ClusterZoomStep is how much finer than the tile's zoom its clusters
	// are counted: 3 more zoom levels make cells of 64 px at z+3, that is
	// 8 px of the tile, so a tile holds at most 32 by 32 clusters (34 by
	// 34 with its buffer).
	ClusterZoomStep = 3
	// bufferPx is how far beyond its edges a tile reaches, in pixels of
	// 256, so symbols at an edge are drawn whole on both tiles.
	bufferPx = 8
)

// MediaType is the media type of a tile.
const MediaType = "application/vnd.mapbox-vector-tile"

// Tile is one tile of the WebMercatorQuad matrix set.
type Tile struct {
	Z, X, Y int
}

// Parse reads a tile's matrix (zoom), row and column from a path.
func Parse(z, row, col string) (Tile, error) {
	zi, err := strconv.Atoi(z)
	if err != nil || zi < 0 || zi > MaxZoom {
		return Tile{}, geodata.Invalidf("tile matrix %q must be a zoom level from 0 to %d", truncate(z), MaxZoom)
	}
	n := 1 << zi
	y, err := strconv.Atoi(row)
	if err != nil || y < 0 || y >= n {
		return Tile{}, geodata.Invalidf("tile row %q must be a whole number from 0 to %d at zoom %d", truncate(row), n-1, zi)
	}
	x, err := strconv.Atoi(col)
	if err != nil || x < 0 || x >= n {
		return Tile{}, geodata.Invalidf("tile column %q must be a whole number from 0 to %d at zoom %d", truncate(col), n-1, zi)
	}
	return Tile{Z: zi, X: x, Y: y}, nil
}

func truncate(s string) string {
	if len(s) > 20 {
		return s[:20] + "…"
	}
	return s
}

func (t Tile) maptile() maptile.Tile { return maptile.New(uint32(t.X), uint32(t.Y), maptile.Zoom(t.Z)) }

// Bound is the area the tile covers with its buffer, in longitude and
// latitude, clamped to what WGS84 allows.
func (t Tile) Bound() orb.Bound {
	b := t.maptile().Bound(float64(bufferPx) / 256)
	b.Min[0], b.Max[0] = math.Max(b.Min[0], -180), math.Min(b.Max[0], 180)
	b.Min[1], b.Max[1] = math.Max(b.Min[1], -90), math.Min(b.Max[1], 90)
	return b
}

// Features encodes features as one MVT layer, projected to the tile,
// clipped to its buffer and simplified to its pixels, with their id and
// scalar properties: a tile is for drawing, and lists (sources,
// statements) are read from the feature itself when someone asks.
func Features(t Tile, layer string, features []geodata.Feature) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	for _, f := range features {
		gf := geojson.NewFeature(f.Geometry)
		gf.ID = f.ID
		gf.Properties = scalarProperties(f)
		fc.Append(gf)
	}
	return encode(t, layer, fc)
}

// Clusters encodes clusters as one MVT layer of points, each with its
// count, the count of each category (category_attack...), and cluster
// set to true.
func Clusters(t Tile, layer string, clusters []geodata.Cluster) ([]byte, error) {
	fc := geojson.NewFeatureCollection()
	for _, c := range clusters {
		gf := geojson.NewFeature(c.Center)
		gf.Properties = geojson.Properties{"cluster": true, "count": c.Count}
		for cat, n := range c.Categories {
			gf.Properties["category_"+cat] = n
		}
		fc.Append(gf)
	}
	return encode(t, layer, fc)
}

func encode(t Tile, layer string, fc *geojson.FeatureCollection) ([]byte, error) {
	layers := mvt.NewLayers(map[string]*geojson.FeatureCollection{layer: fc})
	layers.ProjectToTile(t.maptile())
	extent := float64(mvt.DefaultExtent)
	buf := extent * bufferPx / 256
	layers.Clip(orb.Bound{Min: orb.Point{-buf, -buf}, Max: orb.Point{extent + buf, extent + buf}})
	layers.Simplify(simplify.DouglasPeucker(1.0))
	layers.RemoveEmpty(1.0, 1.0)
	b, err := mvt.Marshal(layers)
	if err != nil {
		return nil, fmt.Errorf("tiles: encode %s %d/%d/%d: %w", layer, t.Z, t.Y, t.X, err)
	}
	return b, nil
}

// scalarProperties are a feature's id and its properties that MVT can
// hold: strings, numbers and booleans. A feature read with
// geodata.Query.RawProperties has them picked from its JSON text in one
// pass, lists and objects skipped unread: decoding the whole object
// first costs most of a dense tile.
func scalarProperties(f geodata.Feature) geojson.Properties {
	if f.Properties == nil && f.RawProperties != nil {
		return rawScalars(f.ID, f.RawProperties)
	}
	out := geojson.Properties{"id": f.ID}
	for k, v := range f.Properties {
		switch v.(type) {
		case string, float64, bool:
			out[k] = v
		}
	}
	return out
}

// rawScalars reads the scalar members of a JSON object's text, as
// encoding/json would decode them (numbers as float64).
func rawScalars(id string, raw []byte) geojson.Properties {
	out := make(geojson.Properties, 16)
	out["id"] = id
	gjson.ParseBytes(raw).ForEach(func(k, v gjson.Result) bool {
		switch v.Type {
		case gjson.String:
			out[k.Str] = v.Str
		case gjson.Number:
			out[k.Str] = v.Num
		case gjson.True:
			out[k.Str] = true
		case gjson.False:
			out[k.Str] = false
		}
		return true
	})
	return out
}
