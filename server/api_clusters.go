package server

import (
	"math"
	"net/http"
	"net/url"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// clusterCollection is the body of a clusters response: a GeoJSON
// FeatureCollection of one Point per grid cell, with what a client needs
// to draw and label it.
type clusterCollection struct {
	Type     string           `json:"type"`
	Features []clusterFeature `json:"features"`
	// NumberMatched is how many features the clusters hold in all: the
	// numberMatched of items with the same filters.
	NumberMatched int `json:"numberMatched"`
	Zoom          int `json:"zoom"`
	// CellDegrees is the side of a cell, 90/2^zoom.
	CellDegrees float64 `json:"cellDegrees"`
	Links       []link  `json:"links"`
}

type clusterFeature struct {
	Type       string            `json:"type"`
	ID         string            `json:"id"`
	Geometry   *geojson.Geometry `json:"geometry"`
	Properties clusterProperties `json:"properties"`
}

type clusterProperties struct {
	Count      int            `json:"count"`
	BBox       [4]float64     `json:"bbox"`
	Categories map[string]int `json:"categories"`
	Cell       [2]int         `json:"cell"`
}

// handleClusters answers GET /api/collections/{layer}/clusters: the
// layer's features matching the items filters, counted per grid cell
// fitted to zoom.
func handleClusters(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		layer, err := store.Layer(ctx, c.Param("layer"))
		if err != nil {
			return err
		}
		params := onceEach(c.QueryParams())
		if err := geojsonOnly(params.Get("f"), "clusters are"); err != nil {
			return err
		}
		q, zoom, err := geodata.ParseClustersQuery(layer, params, "f")
		if err != nil {
			return err
		}
		if done, err := upToDate(c, store, links, mediaGeoJSON); done || err != nil || anyNotModified(c) {
			return err
		}
		cellDeg := geodata.CellDegrees(zoom)
		clusters, err := store.Clusters(ctx, q, cellDeg)
		if err != nil {
			return err
		}
		body := clusterCollection{
			Type: "FeatureCollection", Features: make([]clusterFeature, len(clusters)),
			Zoom: zoom, CellDegrees: cellDeg, Links: clustersLinks(c, links, layer.ID, params),
		}
		for i, cl := range clusters {
			body.Features[i] = clusterToGeoJSON(cl, zoom)
			body.NumberMatched += cl.Count
		}
		c.Response().Header().Set(echo.HeaderContentType, mediaGeoJSON)
		return c.JSON(http.StatusOK, body)
	}
}

// clusterToGeoJSON makes a cluster a Point feature whose id names the zoom
// and cell, so a client can key markers across requests.
func clusterToGeoJSON(cl geodata.Cluster, zoom int) clusterFeature {
	// Six decimals, about 10 cm, is more than a marker needs.
	round := func(f float64) float64 { return math.Round(f*1e6) / 1e6 }
	b := cl.Bound
	return clusterFeature{
		Type:     "Feature",
		ID:       strconv.Itoa(zoom) + "/" + strconv.Itoa(cl.Cell[0]) + "/" + strconv.Itoa(cl.Cell[1]),
		Geometry: geojson.NewGeometry(orb.Point{round(cl.Center[0]), round(cl.Center[1])}),
		Properties: clusterProperties{
			Count:      cl.Count,
			BBox:       [4]float64{b.Min[0], b.Min[1], b.Max[0], b.Max[1]},
			Categories: cl.Categories,
			Cell:       cl.Cell,
		},
	}
}

// clustersLinks returns self, the layer, and its items with the same
// filters, where a client goes once a cluster is small enough to draw.
func clustersLinks(c echo.Context, links linker, layer string, params url.Values) []link {
	base := "/api/collections/" + layer
	items := url.Values{}
	for k, v := range params {
		if k != "zoom" && k != "f" {
			items[k] = v
		}
	}
	return []link{
		{Href: links.to(c, base+"/clusters", params), Rel: "self", Type: mediaGeoJSON, Title: "These clusters"},
		{Href: links.to(c, base, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"},
		{Href: links.to(c, base+"/items", items), Rel: "items", Type: mediaGeoJSON, Title: "The features of these clusters"},
	}
}
