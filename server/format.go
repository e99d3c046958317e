package server

import (
	"io"
	"mime"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// More media types, for the download formats.
const (
	mediaCSV = "text/csv; charset=utf-8"
	mediaKML = "application/vnd.google-earth.kml+xml"
)

// itemsDoc is everything a format needs to write one page of items.
type itemsDoc struct {
	Layer     geodata.Layer
	Page      geodata.Page
	Links     []link
	TimeStamp time.Time
	Version   geodata.Version
}

// format is one way of writing items; each has exactly one writer.
type format struct {
	name  string
	media string
	ext   string
	write func(w io.Writer, d itemsDoc) error
}

// formats lists the output formats; the first is the default.
func formats() []format {
	return []format{
		{name: "geojson", media: mediaGeoJSON, ext: "geojson", write: writeGeoJSON},
		{name: "csv", media: mediaCSV, ext: "csv", write: writeCSV},
		{name: "kml", media: mediaKML, ext: "kml", write: writeKML},
	}
}

// negotiate picks the format from the f parameter, or else from the Accept
// header; with neither it is GeoJSON.
func negotiate(c echo.Context) (format, error) {
	all := formats()
	if f := c.QueryParam("f"); f != "" {
		for _, fm := range all {
			if strings.EqualFold(f, fm.name) || (fm.name == "geojson" && strings.EqualFold(f, "json")) {
				return fm, nil
			}
		}
		return format{}, geodata.Invalidf("f=%q is not a format casmap writes; use geojson, csv or kml", truncateParam(f))
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		media, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		switch media {
		case "application/geo+json", "application/json", "*/*":
			return all[0], nil
		case "text/csv":
			return all[1], nil
		case "application/vnd.google-earth.kml+xml":
			return all[2], nil
		}
	}
	return all[0], nil
}

func truncateParam(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}
