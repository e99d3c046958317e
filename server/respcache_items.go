package server

import (
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/format"
	"github.com/klauspost/compress/gzip"
	"github.com/labstack/echo/v4"
)

// itemsRoute is the route whose responses the cache holds; Echo's gzip
// middleware skips it, as its bodies come compressed from the cache.
const itemsRoute = "/api/collections/:layer/items"

// gzipMinLength is the smallest body worth compressing, as for Echo's gzip
// middleware.
const gzipMinLength = 1024

// itemsKey identifies an items response: everything its bytes depend on.
// The query is canonical (sorted and encoded as url.Values.Encode does,
// repeats of one value folded as onceEach folds them) and without f,
// which the negotiated format replaces in the body's links. root is in
// the key because links are absolute. enc is gzipFlag's answer: whether
// the client takes gzip, so that the key, and the ETag made of it, tell
// the two encodings apart even when the cache is off.
func itemsKey(v geodata.Version, root, layer string, params url.Values, fm format.Format, enc string) string {
	names := make([]string, 0, len(params))
	for name := range params {
		if name != "f" {
			names = append(names, name)
		}
	}
	slices.Sort(names)
	var b strings.Builder
	for _, s := range [...]string{string(v), root, layer} {
		b.WriteString(s)
		b.WriteByte(0)
	}
	sep := false
	for _, name := range names {
		for _, value := range onceValues(params[name]) {
			if sep {
				b.WriteByte('&')
			}
			sep = true
			b.WriteString(url.QueryEscape(name))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(value))
		}
	}
	for _, s := range [...]string{fm.Name, enc} {
		b.WriteByte(0)
		b.WriteString(s)
	}
	return b.String()
}

// itemsETag returns the strong ETag of the response key identifies. The
// key holds the data version and everything else the bytes depend on, so
// the tag is known before any query runs, and a cached response carries
// its own.
func itemsETag(key string) string {
	sum := sha256.Sum256([]byte(key))
	return `"` + hex.EncodeToString(sum[:12]) + `"`
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
	etag     string
	// zip, when set, compresses the body (when it is large enough).
	zip *gzipPool
}

// simplifiedHeader says, on a page asked for with zoom, whether any of its
// geometries came back simplified ("true") or every one as stored
// ("false"): a map that has a page of "false" has the layer's finest
// geometry and need not ask again at a closer zoom.
const simplifiedHeader = "X-Geometry-Simplified"

// encode runs the query and writes the page to w as it comes from the
// store: memory holds one feature at a time, whatever the page's size.
// It returns the page's simplifiedHeader value ("" without zoom).
func (r itemsRender) encode(ctx context.Context, w io.Writer) (string, error) {
	enc, err := r.fm.New(w, format.Doc{Layer: r.layer, TimeStamp: time.Now(), Version: r.version})
	if err != nil {
		return "", err
	}
	q := r.q
	q.RawProperties = r.fm.Raw
	whole := true
	info, err := r.store.Features(ctx, q, func(f geodata.Feature) error {
		if r.q.Zoom != nil {
			var same bool
			f.Geometry, same = geodata.SimplifyWhole(f.Geometry, *r.q.Zoom)
			whole = whole && same
		}
		return enc.Feature(f)
	})
	if err != nil {
		return "", err
	}
	simplified := ""
	if r.q.Zoom != nil {
		simplified = strconv.FormatBool(!whole)
	}
	return simplified, enc.Finish(format.Trailer{Matched: info.Matched, Links: r.links.page(r.q, info)})
}

// render runs the query and encodes the page into a response to keep.
func (r itemsRender) render(ctx context.Context) (*cachedResponse, error) {
	buf := r.zip.buffer()
	defer r.zip.recycle(buf)
	simplified, err := r.encode(ctx, buf)
	if err != nil {
		return nil, err
	}
	disposition := ""
	if r.download {
		disposition = attachment(r.layer.ID, r.q, r.fm.Ext)
	}
	res, err := newResponse(buf.Bytes(), r.fm.Media, disposition, r.etag, r.zip)
	if err != nil {
		return nil, err
	}
	res.simplified = simplified
	return res, nil
}

// spool writes the page, compressed when the client takes gzip, to an
// unnamed temporary file, for pages too large to keep in memory: the
// query runs (and holds its admission slot) only as long as encoding
// takes, and the client then reads the file at its own pace.
// It returns the file and the page's simplifiedHeader value.
func (r itemsRender) spool(ctx context.Context) (*os.File, string, error) {
	f, err := os.CreateTemp("", "casmap-page-*")
	if err != nil {
		return nil, "", err
	}
	// Unlinked at once: the file lives as long as it is open.
	os.Remove(f.Name())
	bw := bufio.NewWriterSize(f, 64<<10)
	var w io.Writer = bw
	var zw *gzip.Writer
	if r.zip != nil {
		zw = r.zip.writer(bw)
		defer r.zip.done(zw)
		w = zw
	}
	simplified, err := r.encode(ctx, w)
	if err == nil && zw != nil {
		err = zw.Close()
	}
	if err == nil {
		err = bw.Flush()
	}
	if err == nil {
		_, err = f.Seek(0, io.SeekStart)
	}
	if err != nil {
		f.Close()
		return nil, "", err
	}
	return f, simplified, nil
}

// send writes a spooled page as the 200 answer, with its length and
// simplifiedHeader (when not empty).
func (r itemsRender) send(c echo.Context, f *os.File, simplified string) error {
	defer f.Close()
	info, err := f.Stat()
	if err != nil {
		return err
	}
	h := c.Response().Header()
	h.Set(echo.HeaderContentType, r.fm.Media)
	if r.download {
		h.Set(echo.HeaderContentDisposition, attachment(r.layer.ID, r.q, r.fm.Ext))
	}
	if r.zip != nil {
		h.Set(echo.HeaderContentEncoding, "gzip")
	}
	if simplified != "" {
		h.Set(simplifiedHeader, simplified)
	}
	h.Set(echo.HeaderContentLength, strconv.FormatInt(info.Size(), 10))
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err = io.Copy(c.Response(), f)
	return err
}

// newResponse makes a response to keep from a body, gzipped when asked
// and large enough to gain from it. It keeps a copy, never body itself.
func newResponse(body []byte, media, disposition, etag string, zip *gzipPool) (*cachedResponse, error) {
	res := &cachedResponse{body: body, media: media, disposition: disposition, etag: etag}
	if zip != nil && len(res.body) >= gzipMinLength {
		var err error
		if res.body, err = zip.compress(res.body); err != nil {
			return nil, err
		}
		res.encoding = "gzip"
	}
	switch spare := cap(res.body) - len(res.body); {
	case res.encoding == "":
		// The caller may reuse body (gzipPool.buffer).
		res.body = bytes.Clone(res.body)
	case spare > len(res.body)/8:
		// A grown buffer: keep only what the response holds.
		res.body = bytes.Clone(res.body)
	}
	res.length = strconv.Itoa(len(res.body))
	return res, nil
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
	if res.simplified != "" {
		h.Set(simplifiedHeader, res.simplified)
	}
	h.Set(echo.HeaderContentLength, res.length)
	c.Response().WriteHeader(http.StatusOK)
	if c.Request().Method == http.MethodHead {
		return nil
	}
	_, err := c.Response().Write(res.body)
	return err
}
