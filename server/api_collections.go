package server

import (
	"net/http"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
)

const (
	crs84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
	trs   = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
)

// collection is one layer as an OGC API collection, with casmap's own
// members (itemCount, style, attribution...) for the map page.
type collection struct {
	ID           string        `json:"id"`
	Title        string        `json:"title"`
	Description  string        `json:"description"`
	ItemType     string        `json:"itemType"`
	CRS          []string      `json:"crs"`
	Extent       extent        `json:"extent"`
	Links        []link        `json:"links"`
	ItemCount    int           `json:"itemCount"`
	GeometryKind string        `json:"geometryKind"`
	Style        geodata.Style `json:"style"`
	Attribution  string        `json:"attribution"`
	License      string        `json:"license"`
	Updated      string        `json:"updated,omitempty"`
}

type extent struct {
	Spatial  spatialExtent   `json:"spatial"`
	Temporal *temporalExtent `json:"temporal,omitempty"`
}

type spatialExtent struct {
	BBox [][4]float64 `json:"bbox"`
	CRS  string       `json:"crs"`
}

type temporalExtent struct {
	Interval [][2]*string `json:"interval"`
	TRS      string       `json:"trs"`
}

func handleCollections(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if done, err := upToDate(c, store, links, mediaJSON); done || err != nil || anyNotModified(c) {
			return err
		}
		layers, err := store.Layers(ctx)
		if err != nil {
			return err
		}
		out := make([]collection, 0, len(layers))
		for _, l := range layers {
			out = append(out, toCollection(c, links, l))
		}
		return c.JSON(http.StatusOK, map[string]any{
			"collections": out,
			"links": []link{
				{Href: links.to(c, "/api/collections", nil), Rel: "self", Type: mediaJSON, Title: "The layers"},
			},
		})
	}
}

func handleCollection(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if done, err := upToDate(c, store, links, mediaJSON); done || err != nil {
			return err
		}
		l, err := store.Layer(ctx, c.Param("layer"))
		if err != nil || anyNotModified(c) {
			return err
		}
		return c.JSON(http.StatusOK, toCollection(c, links, l))
	}
}

func toCollection(c echo.Context, links linker, l geodata.Layer) collection {
	base := "/api/collections/" + l.ID
	col := collection{
		ID:           l.ID,
		Title:        l.Title,
		Description:  l.Description,
		ItemType:     "feature",
		CRS:          []string{crs84},
		Extent:       extent{Spatial: spatialExtent{BBox: [][4]float64{bboxOf(l)}, CRS: crs84}},
		ItemCount:    l.Count,
		GeometryKind: l.GeometryKind,
		Style:        l.Style,
		Attribution:  l.Attribution,
		License:      l.License,
		Links: []link{
			{Href: links.to(c, base, nil), Rel: "self", Type: mediaJSON, Title: l.Title},
			{Href: links.to(c, base+"/items", nil), Rel: "items", Type: mediaGeoJSON, Title: l.Title + " as GeoJSON"},
			{Href: links.to(c, base+"/items?f=csv", nil), Rel: "items", Type: format.MediaCSV, Title: l.Title + " as CSV"},
			{Href: links.to(c, base+"/items?f=kml", nil), Rel: "items", Type: format.MediaKML, Title: l.Title + " as KML"},
			{Href: links.to(c, base+"/queryables", nil), Rel: "http://www.opengis.net/def/rel/ogc/1.0/queryables", Type: "application/schema+json", Title: "Properties you can filter on"},
			{Href: links.to(c, base+"/tiles", nil), Rel: "http://www.opengis.net/def/rel/ogc/1.0/tilesets-vector", Type: mediaJSON, Title: l.Title + " as vector tiles"},
			{Href: links.to(c, base+"/stats", nil), Rel: "describedby", Type: mediaJSON, Title: "Counts by property value and month"},
			{Href: links.to(c, "/api/collections", nil), Rel: "parent", Type: mediaJSON, Title: "All layers"},
		},
	}
	if !l.Updated.IsZero() {
		col.Updated = l.Updated.UTC().Format(time.RFC3339)
	}
	if l.Temporal != nil {
		col.Extent.Temporal = &temporalExtent{
			Interval: [][2]*string{{timeOrNil(l.Temporal.Start), timeOrNil(l.Temporal.End)}},
			TRS:      trs,
		}
	}
	return col
}

// bboxOf returns the layer's extent, or the whole world for an empty layer.
func bboxOf(l geodata.Layer) [4]float64 {
	if l.Count == 0 {
		return [4]float64{-180, -90, 180, 90}
	}
	return [4]float64{l.Extent.Min[0], l.Extent.Min[1], l.Extent.Max[0], l.Extent.Max[1]}
}

func timeOrNil(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.UTC().Format(time.RFC3339)
	return &s
}
