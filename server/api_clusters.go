package server

import (
	"context"
	"encoding/json"
	"math"
	"net/url"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
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
	// features items lists with the same filters.
	NumberMatched int `json:"numberMatched"`
	Zoom          int `json:"zoom"`
	// CellDegrees is the side of a cell, 90/2^zoom.
	CellDegrees float64 `json:"cellDegrees"`
	Links       []link  `json:"links"`
	DataVersion string  `json:"dataVersion"`
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
// fitted to zoom, from the store's aggregate.
func handleClusters(store Store, links linker, rc *respCache, g *gate) echo.HandlerFunc {
	return func(c echo.Context) error {
		return serveAggregate(c, store, links, rc, g, "clusters", "clusters are", func(layer geodata.Layer, params url.Values, v geodata.Version) (computeBody, error) {
			q, zoom, err := geodata.ParseClustersQuery(layer, params, "f")
			if err != nil {
				return nil, err
			}
			linksOut := clustersLinks(c, links, layer.ID, params)
			return func(ctx context.Context) (any, error) {
				clusters, err := store.Clusters(ctx, q, zoom)
				if err != nil {
					return nil, err
				}
				body := clusterCollection{
					Type: "FeatureCollection", Features: make([]clusterFeature, len(clusters)),
					Zoom: zoom, CellDegrees: geodata.CellDegrees(zoom), Links: linksOut, DataVersion: string(v),
				}
				for i, cl := range clusters {
					body.Features[i] = clusterToGeoJSON(cl, zoom)
					body.NumberMatched += cl.Count
				}
				return body, nil
			}, nil
		})
	}
}

// computeBody computes a response body to encode as JSON.
type computeBody func(ctx context.Context) (any, error)

// aggregateFunc parses a request for one layer and returns what computes
// its body (run once, through the gate, and cached).
type aggregateFunc func(layer geodata.Layer, params url.Values, v geodata.Version) (computeBody, error)

// serveAggregate is the shape of the clusters and stats handlers: version,
// cache, layer, parameters, ETag, then the body computed once for every
// request that asks for it at the same time, through the gate.
func serveAggregate(c echo.Context, store Store, links linker, rc *respCache, g *gate, route, what string, parse aggregateFunc) error {
	ctx := c.Request().Context()
	v, err := store.Version(ctx)
	if err != nil {
		return err
	}
	enc := gzipFlag(c.Request())
	key := route + "\x00" + itemsKey(v, links.root(c), c.Param("layer"), c.QueryParams(), format.Format{Name: "json"}, enc)
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
	params := onceEach(c.QueryParams())
	if err := geojsonOnly(params.Get("f"), what); err != nil {
		return err
	}
	compute, err := parse(layer, params, v)
	if err != nil {
		return err
	}
	etag := itemsETag(key)
	if notModifiedTag(c, v, etag) || anyNotModified(c) {
		return nil
	}
	render := func(ctx context.Context) (*cachedResponse, error) {
		body, err := compute(ctx)
		if err != nil {
			return nil, err
		}
		b, err := json.Marshal(body)
		if err != nil {
			return nil, err
		}
		return newResponse(append(b, '\n'), mediaGeoJSON, "", etag, rc.gzipFor(enc))
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
