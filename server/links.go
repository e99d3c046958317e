package server

import (
	"net/url"

	"github.com/casmap/casmap/geodata/format"

	"github.com/labstack/echo/v4"
)

// Media types the API speaks.
const (
	mediaJSON    = "application/json"
	mediaGeoJSON = "application/geo+json"
	mediaHTML    = "text/html"
	mediaOpenAPI = "application/vnd.oai.openapi+json;version=3.0"
)

// link is an OGC API / RFC 8288 link.
type link = format.Link

// linker makes absolute links: from the configured base URL, or else from
// the request's scheme and host.
type linker struct {
	base string
}

func (l linker) root(c echo.Context) string {
	if l.base != "" {
		return l.base
	}
	return c.Scheme() + "://" + c.Request().Host
}

// to returns the absolute URL of path with query q (which may be nil).
func (l linker) to(c echo.Context, path string, q url.Values) string {
	u := l.root(c) + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}
