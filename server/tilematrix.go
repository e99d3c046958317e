package server

import (
	"net/http"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/tiles"
	"github.com/labstack/echo/v4"
)

// WebMercatorQuad, as OGC's Two Dimensional Tile Matrix Set standard
// defines it: 256-pixel tiles of EPSG:3857, one at zoom 0, from the
// top-left corner of the world. The document carries the members of
// version 2.0 of the standard and those of 1.0 (type, identifier,
// supportedCRS, topLeftCorner), which GDAL 3.6, Debian's, reads.
const (
	mercatorHalf = 20037508.3427892
	// scale0 is the scale denominator of zoom 0 (0.28 mm pixels).
	scale0 = 559082264.028717
)

func webMercatorQuad() map[string]any {
	var matrices []map[string]any
	for z := 0; z <= tiles.MaxZoom; z++ {
		n := 1 << z
		matrices = append(matrices, map[string]any{
			"type":             "TileMatrixType",
			"identifier":       strconv.Itoa(z),
			"topLeftCorner":    []float64{-mercatorHalf, mercatorHalf},
			"id":               strconv.Itoa(z),
			"scaleDenominator": scale0 / float64(n),
			"cellSize":         2 * mercatorHalf / 256 / float64(n),
			"cornerOfOrigin":   "topLeft",
			"pointOfOrigin":    []float64{-mercatorHalf, mercatorHalf},
			"tileWidth":        256,
			"tileHeight":       256,
			"matrixWidth":      n,
			"matrixHeight":     n,
		})
	}
	return map[string]any{
		"type":         "TileMatrixSetType",
		"identifier":   tileSetID,
		"supportedCRS": "http://www.opengis.net/def/crs/EPSG/0/3857",
		"boundingBox": map[string]any{
			"type":        "BoundingBoxType",
			"crs":         "http://www.opengis.net/def/crs/EPSG/0/3857",
			"lowerCorner": []float64{-mercatorHalf, -mercatorHalf},
			"upperCorner": []float64{mercatorHalf, mercatorHalf},
		},
		"id":           tileSetID,
		"title":        "Google Maps Compatible for the World",
		"uri":          tileSetURI,
		"crs":          "http://www.opengis.net/def/crs/EPSG/0/3857",
		"orderedAxes":  []string{"X", "Y"},
		"tileMatrices": matrices,
	}
}

// handleTileMatrixSets answers GET /api/tileMatrixSets and
// /api/tileMatrixSets/WebMercatorQuad.
func handleTileMatrixSets(links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		setCache(c, cacheRevalidate)
		if id := c.Param("tms"); id != "" {
			if id != tileSetID {
				return geodata.NotFoundf("tile matrix set %q is not served; use %s", truncateParam(id), tileSetID)
			}
			return c.JSON(http.StatusOK, webMercatorQuad())
		}
		return c.JSON(http.StatusOK, map[string]any{"tileMatrixSets": []map[string]any{{
			"id": tileSetID, "title": "Google Maps Compatible for the World", "uri": tileSetURI,
			"links": []link{{Href: links.to(c, "/api/tileMatrixSets/"+tileSetID, nil), Rel: "self", Type: mediaJSON, Title: tileSetID}},
		}}})
	}
}
