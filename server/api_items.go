package server

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
	"github.com/paulmach/orb/geojson"
)

// Parameters the items handler itself reads; geodata parses the rest.
var responseParams = []string{"f", "download"}

// maxCachedLimit is the largest page the response cache keeps; larger
// pages (a download of 10,000 features) are encoded as they stream from
// the store into a temporary file, which the client then reads: never
// held whole in memory, and a slow client holds no query.
const maxCachedLimit = 1000

// handleItems answers from rc when it holds the response (rc is nil when
// caching is off); otherwise it validates the request and computes the
// response once for every request that asks for it at the same time,
// through the gate. Pages larger than maxCachedLimit stream.
func handleItems(store Store, links linker, rc *respCache, g *gate) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		fm, fmErr := negotiate(c)
		v, err := store.Version(ctx)
		if err != nil {
			return err
		}
		enc := gzipFlag(c.Request())
		key := itemsKey(v, links.root(c), c.Param("layer"), c.QueryParams(), fm, enc)
		if rc != nil {
			c.Response().Header().Add(echo.HeaderVary, echo.HeaderAcceptEncoding)
		}
		// Only valid requests are stored, so a hit needs no validation.
		if rc != nil && fmErr == nil {
			if hit, err := rc.writeHit(c, v, key); hit {
				return err
			}
		}
		layer, err := store.Layer(ctx, c.Param("layer"))
		if err != nil {
			return err
		}
		params := onceEach(c.QueryParams())
		q, err := geodata.ParseItemsQuery(layer, params, responseParams...)
		if err != nil {
			return err
		}
		if fmErr != nil {
			return fmErr
		}
		download, err := parseDownload(params.Get("download"))
		if err != nil {
			return err
		}
		etag := itemsETag(key)
		if notModifiedTag(c, v, etag) || anyNotModified(c) {
			return nil
		}
		r := itemsRender{store: store, layer: layer, q: q, fm: fm, download: download, version: v, etag: etag,
			zip: rc.gzipFor(enc), links: newPageLinks(c, links, layer.ID, fm)}
		if rc == nil || q.Limit > maxCachedLimit {
			release, err := g.enter(ctx)
			if err != nil {
				return err
			}
			f, simplified, err := r.spool(ctx)
			release()
			if err != nil {
				return err
			}
			return r.send(c, f, simplified)
		}
		res, err := rc.fill(ctx, v, key, gated(g, r.render))
		if err != nil {
			return err
		}
		return res.write(c)
	}
}

// gated runs compute through the gate: of the requests waiting on one
// computation, only the one computing takes a slot.
func gated(g *gate, compute func(context.Context) (*cachedResponse, error)) func(context.Context) (*cachedResponse, error) {
	return func(ctx context.Context) (*cachedResponse, error) {
		release, err := g.enter(ctx)
		if err != nil {
			return nil, err
		}
		defer release()
		return compute(ctx)
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
		out[k] = onceValues(vs)
	}
	return out
}

// onceValues is one parameter's values as onceEach leaves them.
func onceValues(vs []string) []string {
	if len(vs) > 1 && !slices.ContainsFunc(vs, func(v string) bool { return v != vs[0] }) {
		return vs[:1]
	}
	return vs
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

// pageLinks makes the links of an items page from what it copied out of
// the request, so that a page can be written after its request has gone.
type pageLinks struct {
	root    string
	path    string
	params  url.Values
	current format.Format
}

func newPageLinks(c echo.Context, links linker, layer string, current format.Format) pageLinks {
	return pageLinks{root: links.root(c), path: "/api/collections/" + layer, params: onceEach(c.QueryParams()), current: current}
}

// page returns self, alternates, collection, and next links that keep
// every other parameter as it was; next carries the store's cursor, so a
// deep page costs what the first does. A page reached by offset also
// links the previous one.
func (pl pageLinks) page(q geodata.Query, info geodata.PageInfo) []link {
	at := func(set func(url.Values), f string) string {
		p := url.Values{}
		for k, v := range pl.params {
			p[k] = v
		}
		set(p)
		if f != "" {
			p.Set("f", f)
		}
		return pl.root + pl.path + "/items?" + p.Encode()
	}
	same := func(url.Values) {}
	current := pl.current
	out := []link{{Href: at(same, current.Name), Rel: "self", Type: current.Media, Title: "This page"}}
	for _, fm := range format.All() {
		if fm.Name != current.Name {
			out = append(out, link{Href: at(same, fm.Name), Rel: "alternate", Type: fm.Media, Title: "This page as " + fm.Ext})
		}
	}
	out = append(out, link{Href: pl.root + pl.path, Rel: "collection", Type: mediaJSON, Title: "The layer"})
	if q.Offset > 0 && q.After == "" {
		prev := func(p url.Values) {
			p.Del("offset")
			if o := max(q.Offset-q.Limit, 0); o > 0 {
				p.Set("offset", strconv.Itoa(o))
			}
		}
		out = append(out, link{Href: at(prev, current.Name), Rel: "prev", Type: current.Media, Title: "Previous page"})
	}
	if info.Next != "" {
		next := func(p url.Values) {
			p.Del("offset")
			p.Set("cursor", string(info.Next))
		}
		out = append(out, link{Href: at(next, current.Name), Rel: "next", Type: current.Media, Title: "Next page"})
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
		if err := geojsonOnly(c.QueryParam("f"), "a single feature is"); err != nil {
			return err
		}
		if done, err := upToDate(c, store, links, mediaGeoJSON); done || err != nil {
			return err
		}
		f, err := store.Feature(ctx, layerID, id)
		if err != nil || anyNotModified(c) {
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
