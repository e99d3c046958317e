// Package geodata holds casmap's domain: layers, features, queries over
// them, the parsers that turn outside input into queries, and validation.
//
// It knows nothing of HTTP or SQL. The store lives in geodata/sqlite and the
// web API in server; both speak in the types defined here.
package geodata

import (
	"time"

	"github.com/paulmach/orb"
)

// Layer ids are the API contract: clients and links name layers by them.
const (
	LayerBorders   = "borders"
	LayerGBAO      = "gbao"
	LayerTAPI      = "tapi"
	LayerRailways  = "railways"
	LayerIncidents = "incidents"
	LayerPlaces    = "places"
)

// Layer describes one map layer: what it is, how it is drawn and where its
// data comes from. Count, Extent, Temporal and Updated are derived from the
// layer's features by the store.
type Layer struct {
	ID           string   `json:"id"`
	Title        string   `json:"title"`
	Description  string   `json:"description"`
	GeometryKind string   `json:"geometry"`
	Style        Style    `json:"style"`
	Attribution  string   `json:"attribution"`
	License      string   `json:"license"`
	Queryables   []string `json:"queryables,omitempty"`
	// Properties names every property the layer's features have held,
	// sorted: the columns of a CSV of the layer. Derived by the store.
	Properties []string  `json:"-"`
	Count      int       `json:"count"`
	Extent     orb.Bound `json:"-"`
	Temporal   *Interval `json:"-"`
	Updated    time.Time `json:"updated"`
}

// Style is a layer's default look on the map.
type Style struct {
	Color     string  `json:"color"`
	FillColor string  `json:"fillColor,omitempty"`
	Weight    float64 `json:"weight,omitempty"`
	Opacity   float64 `json:"opacity,omitempty"`
	Fill      float64 `json:"fillOpacity,omitempty"`
	Dash      string  `json:"dashArray,omitempty"`
	Radius    float64 `json:"radius,omitempty"`
	Icon      string  `json:"icon,omitempty"`
}

// Feature is one item of a layer: a stable id unique within the layer, an
// RFC 7946 geometry in WGS84 longitude/latitude, and free-form properties.
// Every feature carries a "sources" property.
type Feature struct {
	ID         string
	Geometry   orb.Geometry
	Properties map[string]any
	// RawProperties, when a store sets it, holds the properties as the
	// JSON object it keeps them in, in place of Properties, which is then
	// nil. A store sets it only when the query asks (Query.RawProperties),
	// for a caller that writes the properties out as JSON unread.
	RawProperties []byte
}

// Page is one page of a query's matches.
type Page struct {
	Features []Feature
	// Matched is the number of features that match the query, all pages
	// together, or -1 when it was not counted (see PageInfo).
	Matched int
	// Next continues the listing after this page; empty on the last.
	Next Cursor
}

// Version identifies the state of the data: it changes whenever any layer
// changes, so responses and downloads can name exactly what they served.
type Version string

// LayerData is a layer with all its features, as read from the seed or an
// import file.
type LayerData struct {
	Layer    Layer
	Features []Feature
	// Version names the release of the seed these features come from (a
	// content hash, see geodata/seed's Versions); "" when they do not
	// come from the seed. A store keeps it with the layer, so a start can
	// tell whether the layer's seed features are out of date.
	Version string
}
