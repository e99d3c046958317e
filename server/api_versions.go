package server

import (
	"bytes"
	"encoding/base64"
	"net/http"
	"net/url"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
)

// Data as it was at a version (?version=), so a citation that names one
// stays true after edits. What a version holds never changes, so these
// answers are cached for good; a page costs the page and the changes
// made since the version (Editor.FeaturesAt).

// atVersion sends a request with ?version= to at, and others to now.
func atVersion(at, now echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		if c.QueryParams().Has("version") {
			return at(c)
		}
		return now(c)
	}
}

// versionParams are the only parameters a page at a version takes.
var versionParams = map[string]bool{"version": true, "limit": true, "cursor": true, "f": true, "download": true}

// itemsAt is GET .../items?version=V[&limit=N][&cursor=C][&f=...].
func (w writes) itemsAt(c echo.Context) error {
	ctx := c.Request().Context()
	params := c.QueryParams()
	for name := range params {
		if !versionParams[name] {
			return geodata.Invalidf("with version, items takes only limit, cursor, f and download (not %q): filter the download instead", truncateParam(name))
		}
	}
	layer, err := w.store.Layer(ctx, c.Param("layer"))
	if err != nil {
		return err
	}
	fm, err := negotiate(c)
	if err != nil {
		return err
	}
	limit := geodata.DefaultLimit
	if s := params.Get("limit"); s != "" {
		if limit, err = geodata.ParseLimit(s); err != nil {
			return err
		}
	}
	after, err := decodeCursor(params.Get("cursor"))
	if err != nil {
		return err
	}
	download, err := parseDownload(params.Get("download"))
	if err != nil {
		return err
	}
	v := geodata.Version(params.Get("version"))
	var page []geodata.Feature
	next, err := w.ed.FeaturesAt(ctx, geodata.VersionQuery{Layer: layer.ID, Version: v, After: after, Limit: limit},
		func(f geodata.Feature) error { page = append(page, f); return nil })
	if err != nil {
		return err
	}
	links := w.pageAtLinks(c, layer.ID, params, fm, next)
	// No numberMatched: the page does not count the layer as it was.
	var buf bytes.Buffer
	err = fm.WriteAll(&buf, format.Doc{Layer: layer, TimeStamp: time.Now(), Version: v, Columns: format.PropertyNames(page)},
		page, format.Trailer{Matched: -1, Links: links})
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", etagFor(v, w.links.root(c), c.Request().URL.Path, c.Request().URL.RawQuery, fm.Media, gzipFlag(c.Request())))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Data-Version", string(v))
	varyOnce(h, "Accept")
	varyOnce(h, echo.HeaderAcceptEncoding)
	if download {
		h.Set("Content-Disposition", attachment(layer.ID+"-"+string(v), geodata.Query{}, fm.Ext))
	}
	return c.Blob(http.StatusOK, fm.Media, buf.Bytes())
}

// pageAtLinks are self, collection and next of a page at a version.
func (w writes) pageAtLinks(c echo.Context, layer string, params url.Values, fm format.Format, next string) []link {
	at := func(cursor string) string {
		p := url.Values{}
		for k, vs := range params {
			p[k] = vs
		}
		p.Del("cursor")
		if cursor != "" {
			p.Set("cursor", cursor)
		}
		return w.links.to(c, "/api/collections/"+layer+"/items", p)
	}
	out := []link{
		{Href: at(params.Get("cursor")), Rel: "self", Type: fm.Media, Title: "This page, as it was at version " + params.Get("version")},
		{Href: w.links.to(c, "/api/collections/"+layer, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"},
	}
	if next != "" {
		out = append(out, link{Href: at(encodeCursor(next)), Rel: "next", Type: fm.Media, Title: "Next page"})
	}
	return out
}

// encodeCursor and decodeCursor keep the last id of a page opaque.
func encodeCursor(id string) string { return base64.RawURLEncoding.EncodeToString([]byte(id)) }

func decodeCursor(s string) (string, error) {
	if s == "" {
		return "", nil
	}
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil || len(b) > 400 {
		return "", geodata.Invalidf("cursor %q is not one this server gave; follow the next link", truncateParam(s))
	}
	return string(b), nil
}

// itemAt is GET .../items/{id}?version=V.
func (w writes) itemAt(c echo.Context) error {
	for name := range c.QueryParams() {
		if name != "version" && name != "f" {
			return geodata.Invalidf("with version, a feature takes only f (not %q)", truncateParam(name))
		}
	}
	if err := geojsonOnly(c.QueryParam("f"), "a single feature is"); err != nil {
		return err
	}
	v := geodata.Version(c.QueryParam("version"))
	f, err := w.ed.FeatureAt(c.Request().Context(), c.Param("layer"), c.Param("id"), v)
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set("ETag", etagFor(v, w.links.root(c), c.Request().URL.Path, c.Request().URL.RawQuery, mediaGeoJSON, gzipFlag(c.Request())))
	h.Set("Cache-Control", "public, max-age=31536000, immutable")
	h.Set("X-Data-Version", string(v))
	h.Set(echo.HeaderContentType, mediaGeoJSON)
	return c.JSON(http.StatusOK, featureBody(c, w.links, c.Param("layer"), f))
}
