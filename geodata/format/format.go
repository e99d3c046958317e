// Package format writes features out as GeoJSON, CSV or KML: one writer per
// format, shared by the API and the export command.
package format

import (
	"io"
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

// Doc is everything a format needs to write a set of features.
type Doc struct {
	Layer     geodata.Layer
	Page      geodata.Page
	Links     []Link
	TimeStamp time.Time
	Version   geodata.Version
}

// Format is one way of writing features.
type Format struct {
	Name  string
	Media string
	Ext   string
	Write func(w io.Writer, d Doc) error
}

// All lists the formats; the first, GeoJSON, is the default.
func All() []Format {
	return []Format{
		{Name: "geojson", Media: MediaGeoJSON, Ext: "geojson", Write: writeGeoJSON},
		{Name: "csv", Media: MediaCSV, Ext: "csv", Write: writeCSV},
		{Name: "kml", Media: MediaKML, Ext: "kml", Write: writeKML},
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
