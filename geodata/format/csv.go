package format

import (
	"encoding/csv"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkt"
)

// csvEncoder writes one row per feature: id, lon and lat for points or WKT
// for other geometries, one column per property (sources flattened into
// readable text, other lists and objects as JSON), and the data version.
// Every cell of text, header included, goes through spreadsheetText.
type csvEncoder struct {
	w     *csv.Writer
	props []string
	v     string
	row   []string
}

func newCSV(w io.Writer, d Doc) (Encoder, error) {
	props := d.Columns
	if props == nil {
		props = d.Layer.Properties
	}
	e := &csvEncoder{w: csv.NewWriter(w), props: props, v: spreadsheetText(string(d.Version))}
	header := []string{"id", "lon", "lat", "wkt"}
	for _, name := range props {
		header = append(header, spreadsheetText(name))
	}
	header = append(header, "data_version")
	e.row = make([]string, 0, len(header))
	return e, e.w.Write(header)
}

func (e *csvEncoder) Feature(f geodata.Feature) error {
	row := append(e.row[:0], spreadsheetText(f.ID))
	if p, ok := f.Geometry.(orb.Point); ok {
		row = append(row, formatCoord(p[0]), formatCoord(p[1]), "")
	} else {
		row = append(row, "", "", wkt.MarshalString(geodata.RoundCoordinates(f.Geometry)))
	}
	for _, name := range e.props {
		row = append(row, csvCell(name, f.Properties[name]))
	}
	row = append(row, e.v)
	return e.w.Write(row)
}

func (e *csvEncoder) Finish(Trailer) error {
	e.w.Flush()
	return e.w.Error()
}

// formatCoord writes a coordinate with at most geodata.CoordDecimals
// decimal places.
func formatCoord(v float64) string {
	return strconv.FormatFloat(geodata.RoundCoordinate(v), 'f', -1, 64)
}

// csvCell is a property as a CSV cell: numbers as casmap writes them (a
// spreadsheet reads "-3" as the number it is), text made safe by
// spreadsheetText.
func csvCell(name string, v any) string {
	if n, ok := v.(float64); ok {
		return strconv.FormatFloat(n, 'f', -1, 64)
	}
	return spreadsheetText(csvValue(name, v))
}

// spreadsheetText keeps a spreadsheet from reading a cell as a formula
// (CSV injection: "=HYPERLINK(...)" or "@SUM(...)" in imported data runs
// when someone opens the download). A cell that begins with =, +, -, @, a
// tab or a carriage return gets a leading apostrophe, which Excel,
// LibreOffice and Google Sheets take as "show as text".
func spreadsheetText(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

func csvValue(name string, v any) string {
	switch v := v.(type) {
	case nil:
		return ""
	case string:
		return v
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64)
	case bool:
		return strconv.FormatBool(v)
	case []any:
		if name == "sources" {
			return flattenSources(v)
		}
	}
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}

// flattenSources renders sources as "title (publisher, date) url; ...".
func flattenSources(list []any) string {
	parts := make([]string, 0, len(list))
	for _, item := range list {
		src, _ := item.(map[string]any)
		title, _ := src["title"].(string)
		var meta []string
		for _, k := range []string{"publisher", "date"} {
			if s, _ := src[k].(string); s != "" {
				meta = append(meta, s)
			}
		}
		part := title
		if len(meta) > 0 {
			part += " (" + strings.Join(meta, ", ") + ")"
		}
		if u, _ := src["url"].(string); u != "" {
			part += " " + u
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, "; ")
}
