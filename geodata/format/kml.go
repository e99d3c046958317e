package format

import (
	"encoding/xml"
	"html"
	"io"
	"sort"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// kmlEncoder writes a KML 2.2 document that Google Earth opens: one
// Placemark per feature, named after it, with its properties as
// ExtendedData and a plain-text description.
//
// KML 2.2 makes <description> HTML and every other text plain: names and
// ExtendedData names and values are XML-escaped once, by encoding/xml, so
// a KML reader (GDAL, QGIS, Google Earth's places list) reads back the
// string that was stored, apostrophes included, and markup in it stays
// text. Descriptions are HTML-escaped before that XML escaping, so the
// HTML a balloon renders shows the text and runs none of it.
type kmlEncoder struct {
	w   io.Writer
	enc *xml.Encoder
}

func newKML(w io.Writer, d Doc) (Encoder, error) {
	if _, err := io.WriteString(w, xml.Header+`<kml xmlns="http://www.opengis.net/kml/2.2"><Document>`); err != nil {
		return nil, err
	}
	e := &kmlEncoder{w: w, enc: xml.NewEncoder(w)}
	// The document's name and description are bare elements: encoding/xml
	// cannot encode an unnamed struct around them.
	desc := html.EscapeString(d.Layer.Description + " Data version " + string(d.Version) + ". " + d.Layer.Attribution + ".")
	if err := e.enc.EncodeElement(d.Layer.Title, xml.StartElement{Name: xml.Name{Local: "name"}}); err != nil {
		return nil, err
	}
	if err := e.enc.EncodeElement(desc, xml.StartElement{Name: xml.Name{Local: "description"}}); err != nil {
		return nil, err
	}
	return e, nil
}

func (e *kmlEncoder) Feature(f geodata.Feature) error {
	pm := kmlPlacemark{ID: f.ID, Name: featureName(f.ID, f.Properties)}
	var desc []string
	for _, k := range sortedKeys(f.Properties) {
		v := csvValue(k, f.Properties[k])
		pm.Data = append(pm.Data, kmlData{Name: k, Value: v})
		desc = append(desc, k+": "+v)
	}
	pm.Description = html.EscapeString(strings.Join(desc, "\n"))
	pm.Geometry = kmlGeometry(f.Geometry)
	return e.enc.EncodeElement(pm, xml.StartElement{Name: xml.Name{Local: "Placemark"}})
}

func (e *kmlEncoder) Finish(Trailer) error {
	if err := e.enc.Flush(); err != nil {
		return err
	}
	_, err := io.WriteString(e.w, "</Document></kml>\n")
	return err
}

type kmlPlacemark struct {
	ID          string    `xml:"id,attr"`
	Name        string    `xml:"name"`
	Description string    `xml:"description"`
	Data        []kmlData `xml:"ExtendedData>Data"`
	Geometry    any
}

type kmlData struct {
	Name  string `xml:"name,attr"`
	Value string `xml:"value"`
}

type kmlPoint struct {
	XMLName     xml.Name `xml:"Point"`
	Coordinates string   `xml:"coordinates"`
}

type kmlLine struct {
	XMLName     xml.Name `xml:"LineString"`
	Coordinates string   `xml:"coordinates"`
}

type kmlPolygon struct {
	XMLName xml.Name `xml:"Polygon"`
	Outer   string   `xml:"outerBoundaryIs>LinearRing>coordinates"`
	Inner   []string `xml:"innerBoundaryIs>LinearRing>coordinates"`
}

type kmlMulti struct {
	XMLName xml.Name `xml:"MultiGeometry"`
	Parts   []any
}

func kmlGeometry(g orb.Geometry) any {
	switch g := g.(type) {
	case orb.Point:
		return kmlPoint{Coordinates: kmlCoords([]orb.Point{g})}
	case orb.LineString:
		return kmlLine{Coordinates: kmlCoords(g)}
	case orb.Polygon:
		p := kmlPolygon{}
		for i, r := range g {
			if i == 0 {
				p.Outer = kmlCoords(r)
			} else {
				p.Inner = append(p.Inner, kmlCoords(r))
			}
		}
		return p
	case orb.MultiPoint:
		return multi(len(g), func(i int) orb.Geometry { return g[i] })
	case orb.MultiLineString:
		return multi(len(g), func(i int) orb.Geometry { return g[i] })
	case orb.MultiPolygon:
		return multi(len(g), func(i int) orb.Geometry { return g[i] })
	case orb.Collection:
		return multi(len(g), func(i int) orb.Geometry { return g[i] })
	}
	return nil
}

func multi(n int, part func(int) orb.Geometry) kmlMulti {
	m := kmlMulti{Parts: make([]any, 0, n)}
	for i := 0; i < n; i++ {
		m.Parts = append(m.Parts, kmlGeometry(part(i)))
	}
	return m
}

func kmlCoords(points []orb.Point) string {
	var b strings.Builder
	for i, p := range points {
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(formatCoord(p[0]) + "," + formatCoord(p[1]))
	}
	return b.String()
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// featureName is what a person calls a feature: its name or title, or its
// id when it has neither.
func featureName(id string, props map[string]any) string {
	for _, k := range []string{"name", "title"} {
		if s, _ := props[k].(string); s != "" {
			return s
		}
	}
	return id
}
