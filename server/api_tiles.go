package server

import (
	"context"
	"net/http"
	"net/url"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/casmap/casmap/geodata/tiles"
	"github.com/labstack/echo/v4"
)

// The tile routes, after OGC API - Tiles: a layer's tilesets, its one
// tileset (WebMercatorQuad), and a tile of it.
const (
	tileSetID    = "WebMercatorQuad"
	tileSetURI   = "http://www.opengis.net/def/tilematrixset/OGC/1.0/WebMercatorQuad"
	tileRoute    = "/api/collections/:layer/tiles/:tms/:z/:y/:x"
	tileTemplate = "/tiles/" + tileSetID + "/{tileMatrix}/{tileRow}/{tileCol}"
)

// handleTile answers GET /api/collections/{layer}/tiles/WebMercatorQuad/{z}/{y}/{x}:
// the layer's features in the tile as a Mapbox Vector Tile, with the
// items filters but bbox (the tile is the box). A tile of a point layer
// that would hold more than tiles.MaxPoints holds clusters instead, so no
// tile grows without bound. Cached by data version, gated like clusters.
func handleTile(store Store, links linker, rc *respCache, g *gate) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if c.Param("tms") != tileSetID {
			return geodata.NotFoundf("tile matrix set %q is not served; use %s", truncateParam(c.Param("tms")), tileSetID)
		}
		v, err := store.Version(ctx)
		if err != nil {
			return err
		}
		enc := gzipFlag(c.Request())
		key := "tile\x00" + c.Param("z") + "/" + c.Param("y") + "/" + c.Param("x") + "\x00" +
			itemsKey(v, "", c.Param("layer"), c.QueryParams(), format.Format{Name: "mvt"}, enc)
		if rc != nil {
			c.Response().Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
			if hit, err := rc.writeHit(c, v, key); hit {
				return err
			}
		}
		layer, err := store.Layer(ctx, c.Param("layer"))
		if err != nil {
			return err
		}
		t, err := tiles.Parse(c.Param("z"), c.Param("y"), c.Param("x"))
		if err != nil {
			return err
		}
		q, err := parseTileQuery(layer, onceEach(c.QueryParams()), t)
		if err != nil {
			return err
		}
		etag := itemsETag(key)
		if notModifiedTag(c, v, etag) || anyNotModified(c) {
			return nil
		}
		render := func(ctx context.Context) (*cachedResponse, error) {
			body, err := renderTile(ctx, store, layer, q, t)
			if err != nil {
				return nil, err
			}
			return newResponse(body, tiles.MediaType, "", etag, rc.gzipFor(enc))
		}
		var res *cachedResponse
		if rc == nil {
			res, err = gated(g, render)(ctx)
		} else {
			res, err = rc.fill(ctx, v, key, gated(g, render))
		}
		if err != nil {
			return err
		}
		return res.write(c)
	}
}

// parseTileQuery reads the filters of a tile request, and sets its box.
func parseTileQuery(layer geodata.Layer, params url.Values, t tiles.Tile) (geodata.Query, error) {
	for _, name := range []string{"bbox", "limit", "offset", "cursor", "zoom", "near", "within_km", "f", "download"} {
		if params.Has(name) {
			return geodata.Query{}, geodata.Invalidf("tiles take no %s parameter: the tile is the box, and a tile is all it holds", name)
		}
	}
	q, err := geodata.ParseItemsQuery(layer, params)
	if err != nil {
		return geodata.Query{}, err
	}
	b := t.Bound()
	q.BBox = &b
	return q, nil
}

// renderTile reads what tile t of layer shows and encodes it.
func renderTile(ctx context.Context, store Store, layer geodata.Layer, q geodata.Query, t tiles.Tile) ([]byte, error) {
	if isPointLayer(layer) {
		zoom := min(t.Z+tiles.ClusterZoomStep, geodata.MaxClusterZoom)
		clusters, err := store.Clusters(ctx, q, zoom)
		if err != nil {
			return nil, err
		}
		n := 0
		for _, c := range clusters {
			n += c.Count
		}
		if n > tiles.MaxPoints {
			return tiles.Clusters(t, layer.ID, clusters)
		}
		q.Limit = tiles.MaxPoints
	} else {
		q.Limit = tiles.MaxFeatures
		z := t.Z
		q.Zoom = &z
	}
	// The tile takes scalars alone: from the stored text, when the store
	// hands it, they are picked without decoding the lists around them.
	q.RawProperties = true
	var features []geodata.Feature
	_, err := store.Features(ctx, q, func(f geodata.Feature) error {
		if q.Zoom != nil {
			f.Geometry = geodata.Simplify(f.Geometry, *q.Zoom)
		}
		features = append(features, f)
		return nil
	})
	if err != nil {
		return nil, err
	}
	return tiles.Features(t, layer.ID, features)
}

// isPointLayer reports whether a layer holds points only.
func isPointLayer(l geodata.Layer) bool {
	return strings.TrimSpace(l.GeometryKind) == "Point"
}

// tileSet describes a layer's one tileset.
func tileSet(c echo.Context, links linker, l geodata.Layer) map[string]any {
	base := "/api/collections/" + l.ID + "/tiles/" + tileSetID
	return map[string]any{
		"title":            l.Title + " as vector tiles",
		"dataType":         "vector",
		"crs":              "http://www.opengis.net/def/crs/EPSG/0/3857",
		"tileMatrixSetURI": tileSetURI,
		"links": []map[string]any{
			{"href": links.to(c, base, nil), "rel": "self", "type": mediaJSON, "title": "This tileset"},
			{"href": links.to(c, "/api/tileMatrixSets/"+tileSetID, nil), "rel": "http://www.opengis.net/def/rel/ogc/1.0/tiling-scheme", "type": mediaJSON, "title": "The tile matrix set"},
			{"href": links.root(c) + "/api/collections/" + url.PathEscape(l.ID) + tileTemplate,
				"rel": "item", "type": tiles.MediaType, "templated": true, "title": "A tile"},
		},
		"layers": []map[string]any{{"id": l.ID, "title": l.Title, "dataType": "vector", "geometryType": l.GeometryKind}},
	}
}

// handleTileSets answers GET /api/collections/{layer}/tiles.
func handleTileSets(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		l, err := store.Layer(c.Request().Context(), c.Param("layer"))
		if err != nil {
			return err
		}
		setCache(c, cacheRevalidate)
		return c.JSON(http.StatusOK, map[string]any{
			"tilesets": []map[string]any{tileSet(c, links, l)},
			"links": []link{{Href: links.to(c, "/api/collections/"+l.ID+"/tiles", nil), Rel: "self", Type: mediaJSON, Title: "This list"},
				{Href: links.to(c, "/api/collections/"+l.ID, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"}},
		})
	}
}

// handleTileSet answers GET /api/collections/{layer}/tiles/WebMercatorQuad.
func handleTileSet(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.Param("tms") != tileSetID {
			return geodata.NotFoundf("tile matrix set %q is not served; use %s", truncateParam(c.Param("tms")), tileSetID)
		}
		l, err := store.Layer(c.Request().Context(), c.Param("layer"))
		if err != nil {
			return err
		}
		setCache(c, cacheRevalidate)
		return c.JSON(http.StatusOK, tileSet(c, links, l))
	}
}
