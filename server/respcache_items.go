package server

import (
	"bytes"
	"compress/gzip"
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/labstack/echo/v4"
)

// itemsRoute is the route whose responses the cache holds; Echo's gzip
// middleware skips it, as its bodies come compressed from the cache.
const itemsRoute = "/api/collections/:layer/items"

// gzipMinLength is the smallest body worth compressing, as for Echo's gzip
// middleware.
const gzipMinLength = 1024

// itemsKey identifies an items response: everything its bytes depend on.
// The query is canonical (sorted, repeats of one value folded as the
// parser folds them) and without f, which the negotiated format replaces
// in the body's links. root is in the key because links are absolute.
func itemsKey(v geodata.Version, root, layer string, params url.Values, fm format.Format, gz bool) string {
	p := onceEach(params)
	delete(p, "f")
	enc := ""
	if gz {
		enc = "gzip"
	}
	return strings.Join([]string{string(v), root, layer, p.Encode(), fm.Name, enc}, "\x00")
}

// itemsRender is one items response to compute. It holds nothing of the
// request it came from, so it can finish after that request has gone.
type itemsRender struct {
	store    Store
	layer    geodata.Layer
	q        geodata.Query
	fm       format.Format
	links    pageLinks
	download bool
	version  geodata.Version
	// gzip asks for the body compressed (when it is large enough).
	gzip bool
}

// render runs the query and encodes the page.
func (r itemsRender) render(ctx context.Context) (*cachedResponse, error) {
	if err := resolveNear(ctx, r.store, r.q.Near); err != nil {
		return nil, err
	}
	page, err := r.store.Features(ctx, r.q)
	if err != nil {
		return nil, err
	}
	if r.q.Zoom != nil {
		page.Features = geodata.SimplifyFeatures(page.Features, *r.q.Zoom)
	}
	var buf bytes.Buffer
	err = r.fm.Write(&buf, format.Doc{
		Layer:     r.layer,
		Page:      page,
		Links:     r.links.page(r.q, len(page.Features), page.Matched),
		TimeStamp: time.Now(),
		Version:   r.version,
	})
	if err != nil {
		return nil, err
	}
	res := &cachedResponse{body: buf.Bytes(), media: r.fm.Media}
	if r.download {
		res.disposition = attachment(r.layer.ID, r.q, r.fm.Ext)
	}
	if r.gzip && len(res.body) >= gzipMinLength {
		if res.body, err = gzipBytes(res.body); err != nil {
			return nil, err
		}
		res.encoding = "gzip"
	}
	return res, nil
}

// gzipBytes compresses b at the default level: on the borders layer the
// best level saves 0.4% of the bytes for 2.3 times the time, and every
// miss (a new bbox, say) pays that time.
func gzipBytes(b []byte) ([]byte, error) {
	var out bytes.Buffer
	out.Grow(len(b) / 3)
	zw, err := gzip.NewWriterLevel(&out, gzip.DefaultCompression)
	if err != nil {
		return nil, err
	}
	if _, err := zw.Write(b); err != nil {
		return nil, err
	}
	if err := zw.Close(); err != nil {
		return nil, err
	}
	return out.Bytes(), nil
}

// write sends res as the 200 answer, with its length known up front.
func (res *cachedResponse) write(c echo.Context) error {
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, res.media)
	if res.disposition != "" {
		h.Set(echo.HeaderContentDisposition, res.disposition)
	}
	if res.encoding != "" {
		h.Set(echo.HeaderContentEncoding, res.encoding)
	}
	h.Set(echo.HeaderContentLength, strconv.Itoa(len(res.body)))
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(res.body)
	return err
}
