package format

import (
	"encoding/json"
	"io"
	"time"

	"github.com/paulmach/orb/geojson"
)

// featureCollection is an OGC API items response in GeoJSON.
type featureCollection struct {
	Type           string             `json:"type"`
	Features       []*geojson.Feature `json:"features"`
	NumberMatched  int                `json:"numberMatched"`
	NumberReturned int                `json:"numberReturned"`
	TimeStamp      string             `json:"timeStamp"`
	Links          []Link             `json:"links"`
	DataVersion    string             `json:"dataVersion"`
}

func writeGeoJSON(w io.Writer, d Doc) error {
	fc := featureCollection{
		Type:           "FeatureCollection",
		Features:       make([]*geojson.Feature, 0, len(d.Page.Features)),
		NumberMatched:  d.Page.Matched,
		NumberReturned: len(d.Page.Features),
		TimeStamp:      d.TimeStamp.UTC().Format(time.RFC3339),
		Links:          d.Links,
		DataVersion:    string(d.Version),
	}
	for _, f := range d.Page.Features {
		fc.Features = append(fc.Features, f.ToGeoJSON())
	}
	return json.NewEncoder(w).Encode(fc)
}
