package server

import (
	"mime"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
)

// negotiate picks the output format from the f parameter, or else from the
// Accept header; with neither it is GeoJSON.
func negotiate(c echo.Context) (format.Format, error) {
	if f := c.QueryParam("f"); f != "" {
		fm, ok := format.ByName(f)
		if !ok {
			return format.Format{}, geodata.Invalidf("f=%q is not a format casmap writes; use geojson, csv or kml", truncateParam(f))
		}
		return fm, nil
	}
	for _, part := range strings.Split(c.Request().Header.Get("Accept"), ",") {
		media, _, err := mime.ParseMediaType(strings.TrimSpace(part))
		if err != nil {
			continue
		}
		if fm, ok := format.ByMedia(media); ok {
			return fm, nil
		}
	}
	return format.All()[0], nil
}

func truncateParam(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// geojsonOnly rejects an f parameter other than geojson (or json) for
// responses that come in no other format; what names them.
func geojsonOnly(f, what string) error {
	if fm, ok := format.ByName(f); f != "" && (!ok || fm.Name != "geojson") {
		return geodata.Invalidf("f=%q: %s served as geojson only", truncateParam(f), what)
	}
	return nil
}
