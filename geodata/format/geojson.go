package format

import (
	"bufio"
	"encoding/json"
	"io"
	"time"

	"github.com/casmap/casmap/geodata"
)

// geojsonEncoder writes an OGC API items response in GeoJSON: the
// FeatureCollection's features as they come, and the members known only
// at the end (numberMatched, links) after them; JSON objects are
// unordered, so readers find them all the same.
type geojsonEncoder struct {
	w        *bufio.Writer
	d        Doc
	returned int
	// buf is reused from feature to feature.
	buf []byte
}

func newGeoJSON(w io.Writer, d Doc) (Encoder, error) {
	e := &geojsonEncoder{w: bufio.NewWriterSize(w, 32<<10), d: d}
	_, err := e.w.WriteString(`{"type":"FeatureCollection","features":[`)
	return e, err
}

func (e *geojsonEncoder) Feature(f geodata.Feature) error {
	var err error
	e.buf = e.buf[:0]
	if e.returned > 0 {
		e.buf = append(e.buf, ',')
	}
	if e.buf, err = appendFeature(e.buf, f); err != nil {
		return err
	}
	e.returned++
	_, err = e.w.Write(e.buf)
	return err
}

// collectionTail is what follows the features.
type collectionTail struct {
	NumberMatched  *int   `json:"numberMatched,omitempty"`
	NumberReturned int    `json:"numberReturned"`
	TimeStamp      string `json:"timeStamp"`
	Links          []Link `json:"links"`
	DataVersion    string `json:"dataVersion"`
}

func (e *geojsonEncoder) Finish(t Trailer) error {
	tail := collectionTail{
		NumberReturned: e.returned,
		TimeStamp:      e.d.TimeStamp.UTC().Format(time.RFC3339),
		Links:          t.Links,
		DataVersion:    string(e.d.Version),
	}
	if tail.Links == nil {
		tail.Links = []Link{}
	}
	if t.Matched >= 0 {
		tail.NumberMatched = &t.Matched
	}
	b, err := json.Marshal(tail)
	if err != nil {
		return err
	}
	// b is {...}: its members continue the collection's.
	if _, err := e.w.WriteString("],"); err != nil {
		return err
	}
	if _, err := e.w.Write(b[1:]); err != nil {
		return err
	}
	if err := e.w.WriteByte('\n'); err != nil {
		return err
	}
	return e.w.Flush()
}
