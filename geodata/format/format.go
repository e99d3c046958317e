// Package format writes features out as GeoJSON, CSV or KML: one writer per
// format, shared by the API and the export command. Writers stream: a
// document is a head, the features one at a time, and a trailer with what
// is known only at the end (the links of a page), so a layer of any size
// is written in the memory of one feature.
package format

import (
	"io"
	"slices"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
)

// Media types of the formats.
const (
	MediaGeoJSON = "application/geo+json"
	MediaCSV     = "text/csv; charset=utf-8"
	MediaKML     = "application/vnd.google-earth.kml+xml"
)

// Link is an OGC API / RFC 8288 link.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// Doc is what a format writes before the features.
type Doc struct {
	Layer     geodata.Layer
	TimeStamp time.Time
	Version   geodata.Version
	// Columns are the property names a CSV gives a column each, in
	// order; the layer's property names when nil.
	Columns []string
}

// Trailer is what a format writes after the features.
type Trailer struct {
	// Matched is the number of features that match, all pages together,
	// or -1 when it is not known (GeoJSON then leaves numberMatched out).
	Matched int
	Links   []Link
}

// Encoder writes one document's features, then its trailer.
type Encoder interface {
	Feature(f geodata.Feature) error
	// Finish writes the trailer and ends the document; it does not close
	// the writer underneath.
	Finish(t Trailer) error
}

// Format is one way of writing features.
type Format struct {
	Name  string
	Media string
	Ext   string
	// New starts a document on w with its head.
	New func(w io.Writer, d Doc) (Encoder, error)
	// Raw says its encoder writes a feature's RawProperties, when set,
	// as they come: a query for it may ask the store not to decode them.
	Raw bool
}

// WriteAll writes a whole document of features held in memory: for tests
// and small documents. When d.Columns is nil the CSV columns are the
// properties the features hold.
func (fm Format) WriteAll(w io.Writer, d Doc, features []geodata.Feature, t Trailer) error {
	if d.Columns == nil && d.Layer.Properties == nil {
		d.Columns = PropertyNames(features)
	}
	enc, err := fm.New(w, d)
	if err != nil {
		return err
	}
	for _, f := range features {
		if err := enc.Feature(f); err != nil {
			return err
		}
	}
	return enc.Finish(t)
}

// All lists the formats; the first, GeoJSON, is the default.
func All() []Format {
	return []Format{
		{Name: "geojson", Media: MediaGeoJSON, Ext: "geojson", New: newGeoJSON, Raw: true},
		{Name: "csv", Media: MediaCSV, Ext: "csv", New: newCSV},
		{Name: "kml", Media: MediaKML, Ext: "kml", New: newKML},
	}
}

// ByName finds a format by its name, ignoring case; "json" is GeoJSON.
func ByName(name string) (Format, bool) {
	if strings.EqualFold(name, "json") {
		name = "geojson"
	}
	for _, f := range All() {
		if strings.EqualFold(f.Name, name) {
			return f, true
		}
	}
	return Format{}, false
}

// ByMedia finds a format by media type (without parameters).
func ByMedia(media string) (Format, bool) {
	switch media {
	case "application/geo+json", "application/json", "*/*":
		return All()[0], true
	case "text/csv":
		return All()[1], true
	case MediaKML:
		return All()[2], true
	}
	return Format{}, false
}

// PropertyNames returns the union of the features' property names, sorted.
func PropertyNames(features []geodata.Feature) []string {
	seen := map[string]bool{}
	for _, f := range features {
		for k := range f.Properties {
			seen[k] = true
		}
	}
	names := make([]string, 0, len(seen))
	for k := range seen {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}
