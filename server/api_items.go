package server

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"
)

// Parameters the items handler itself reads; geodata parses the rest.
var responseParams = []string{"f", "download"}

func handleItems(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		layer, err := store.Layer(ctx, c.Param("layer"))
		if err != nil {
			return err
		}
		params := onceEach(c.QueryParams())
		q, err := geodata.ParseItemsQuery(layer, params, responseParams...)
		if err != nil {
			return err
		}
		fm, err := negotiate(c)
		if err != nil {
			return err
		}
		download, err := parseDownload(params.Get("download"))
		if err != nil {
			return err
		}
		v, err := store.Version(ctx)
		if err != nil {
			return err
		}
		if notModified(c, v, fm.Media) {
			return nil
		}
		if err := resolveNear(ctx, store, q.Near); err != nil {
			return err
		}
		page, err := store.Features(ctx, q)
		if err != nil {
			return err
		}
		if download {
			c.Response().Header().Set(echo.HeaderContentDisposition, attachment(layer.ID, q, fm.Ext))
		}
		c.Response().Header().Set(echo.HeaderContentType, fm.Media)
		c.Response().WriteHeader(http.StatusOK)
		return fm.Write(c.Response(), format.Doc{
			Layer:     layer,
			Page:      page,
			Links:     itemsLinks(c, links, layer.ID, q, len(page.Features), page.Matched),
			TimeStamp: time.Now(),
			Version:   v,
		})
	}
}

// onceEach drops repeats of a parameter that has the same value each time.
// GDAL's OAPIF driver appends the query parameters of its dataset URL to
// every request, next links included, unless it finds them there byte for
// byte; ours encode "/" as %2F, so it sends datetime twice. Repeats with
// different values are left for the parser to reject.
func onceEach(params url.Values) url.Values {
	out := make(url.Values, len(params))
	for k, vs := range params {
		if len(vs) > 1 && !slices.ContainsFunc(vs, func(v string) bool { return v != vs[0] }) {
			vs = vs[:1]
		}
		out[k] = vs
	}
	return out
}

func parseDownload(s string) (bool, error) {
	if s == "" {
		return false, nil
	}
	b, err := strconv.ParseBool(s)
	if err != nil {
		return false, geodata.Invalidf("download=%q must be 1 or 0", truncateParam(s))
	}
	return b, nil
}

// attachment names a download after its layer, and says when it holds
// only what a filter selected.
func attachment(layer string, q geodata.Query, ext string) string {
	name := layer
	if q.Filtered() {
		name += "-filtered"
	}
	return fmt.Sprintf("attachment; filename=%q", name+"."+ext)
}

// itemsLinks returns self, alternates, collection, and prev/next links
// that keep every other parameter as it was.
func itemsLinks(c echo.Context, links linker, layer string, q geodata.Query, returned, matched int) []link {
	path := "/api/collections/" + layer + "/items"
	params := onceEach(c.QueryParams())
	at := func(offset int, f string) string {
		p := url.Values{}
		for k, v := range params {
			p[k] = v
		}
		p.Del("offset")
		if offset > 0 {
			p.Set("offset", strconv.Itoa(offset))
		}
		if f != "" {
			p.Set("f", f)
		}
		return links.to(c, path, p)
	}
	current, _ := negotiate(c)
	out := []link{{Href: at(q.Offset, current.Name), Rel: "self", Type: current.Media, Title: "This page"}}
	for _, fm := range format.All() {
		if fm.Name != current.Name {
			out = append(out, link{Href: at(q.Offset, fm.Name), Rel: "alternate", Type: fm.Media, Title: "This page as " + fm.Ext})
		}
	}
	out = append(out, link{Href: links.to(c, "/api/collections/"+layer, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"})
	if q.Offset > 0 {
		out = append(out, link{Href: at(max(q.Offset-q.Limit, 0), current.Name), Rel: "prev", Type: current.Media, Title: "Previous page"})
	}
	if q.Offset+returned < matched {
		out = append(out, link{Href: at(q.Offset+returned, current.Name), Rel: "next", Type: current.Media, Title: "Next page"})
	}
	return out
}

func handleItem(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		layerID, id := c.Param("layer"), c.Param("id")
		for name := range c.QueryParams() {
			if name != "f" {
				return geodata.Invalidf("unknown parameter %q; a single feature takes only f", truncateParam(name))
			}
		}
		if f := c.QueryParam("f"); f != "" && f != "geojson" && f != "json" {
			return geodata.Invalidf("f=%q: a single feature is served as geojson only", truncateParam(f))
		}
		v, err := store.Version(ctx)
		if err != nil {
			return err
		}
		if notModified(c, v, mediaGeoJSON) {
			return nil
		}
		f, err := store.Feature(ctx, layerID, id)
		if err != nil {
			return err
		}
		gf := f.ToGeoJSON()
		base := "/api/collections/" + layerID
		body := map[string]any{
			"type":       "Feature",
			"id":         gf.ID,
			"geometry":   geojson.NewGeometry(f.Geometry),
			"properties": gf.Properties,
			"links": []link{
				{Href: links.to(c, base+"/items/"+url.PathEscape(id), nil), Rel: "self", Type: mediaGeoJSON, Title: "This feature"},
				{Href: links.to(c, base, nil), Rel: "collection", Type: mediaJSON, Title: "The layer"},
			},
		}
		c.Response().Header().Set(echo.HeaderContentType, mediaGeoJSON)
		return c.JSON(http.StatusOK, body)
	}
}
