package server

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// Cache-Control values by kind of route.
const (
	// cacheRevalidate suits API answers: caches may keep them but must
	// check the ETag, so new data shows at once.
	cacheRevalidate = "public, no-cache"
	// cacheImmutable suits content-hashed assets.
	cacheImmutable = "public, max-age=31536000, immutable"
)

func setCache(c echo.Context, value string) {
	c.Response().Header().Set("Cache-Control", value)
}

// dataETag returns a strong ETag for a response that depends only on the
// data version and the request (its URL, the root its absolute links are
// built on, the negotiated media type and whether it is gzipped), so it
// can be checked before any query runs.
func dataETag(c echo.Context, root string, v geodata.Version, media string) string {
	r := c.Request()
	return etagFor(v, root, r.URL.Path, r.URL.RawQuery, media, gzipFlag(r))
}

// etagFor is the strong ETag of an answer that depends on version v and
// on a request's link root, path, query, media type and encoding. It
// starts with the version, so that a write's If-Match says which version
// the writer read the feature at (versionOfETag).
func etagFor(v geodata.Version, root, path, rawQuery, media, gz string) string {
	h := sha256.New()
	for _, part := range []string{string(v), root, path, rawQuery, media, gz} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return `"` + etagVersion(v) + "." + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

// etagVersion writes a version into an ETag: as it is ("v" first) when
// it is made of letters, digits, - and _, else in hex ("h" first).
func etagVersion(v geodata.Version) string {
	for _, r := range string(v) {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_') {
			return "h" + hex.EncodeToString([]byte(v))
		}
	}
	return "v" + string(v)
}

// versionOfETag reads the version back out of one of etagFor's tags.
func versionOfETag(tag string) (geodata.Version, bool) {
	tag = strings.TrimSpace(tag)
	if len(tag) < 4 || tag[0] != '"' || tag[len(tag)-1] != '"' {
		return "", false // weak (W/...) or not a tag: no strong match
	}
	ver, _, ok := strings.Cut(tag[1:len(tag)-1], ".")
	if !ok || len(ver) < 2 {
		return "", false
	}
	switch ver[0] {
	case 'v':
		return geodata.Version(ver[1:]), true
	case 'h':
		b, err := hex.DecodeString(ver[1:])
		return geodata.Version(b), err == nil
	}
	return "", false
}

func gzipFlag(r *http.Request) string {
	if acceptsGzip(r) {
		return "gz"
	}
	return ""
}

// upToDate reads the data version and sets the ETag and version headers;
// done reports that the client's copy is current and it has answered 304.
func upToDate(c echo.Context, store Store, links linker, media string) (done bool, err error) {
	v, err := store.Version(c.Request().Context())
	if err != nil {
		return false, err
	}
	return notModifiedTag(c, v, dataETag(c, links.root(c), v, media)), nil
}

// notModifiedTag sets the ETag, cache and version headers and reports
// whether the client's copy is current, in which case it has answered 304.
// If-None-Match: * is not taken here: it asks whether the resource exists
// at all, which only the handler knows (see matchesAny); a missing one is
// a 404, never a 304.
func notModifiedTag(c echo.Context, v geodata.Version, etag string) bool {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("X-Data-Version", string(v))
	h.Set("Cache-Control", cacheRevalidate)
	varyOnce(h, "Accept")
	varyOnce(h, echo.HeaderAcceptEncoding)
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, candidate := range strings.Split(inm, ",") {
		if strings.TrimSpace(candidate) == etag {
			c.Response().WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}

// matchesAny reports whether the request says If-None-Match: *, which a
// handler answers with 304 once it has found the resource.
func matchesAny(c echo.Context) bool {
	for _, candidate := range strings.Split(c.Request().Header.Get("If-None-Match"), ",") {
		if strings.TrimSpace(candidate) == "*" {
			return true
		}
	}
	return false
}

// varyOnce adds name to the Vary header unless it is there already.
func varyOnce(h http.Header, name string) {
	for _, v := range h.Values(echo.HeaderVary) {
		for _, part := range strings.Split(v, ",") {
			if strings.EqualFold(strings.TrimSpace(part), name) {
				return
			}
		}
	}
	h.Add(echo.HeaderVary, name)
}

// anyNotModified answers 304 to If-None-Match: * and reports that it did;
// handlers call it once they know the resource exists.
func anyNotModified(c echo.Context) bool {
	if !matchesAny(c) {
		return false
	}
	c.Response().WriteHeader(http.StatusNotModified)
	return true
}

// writeHit answers c from the cache when it holds key for version v (a
// 304 when the client has it already) and says whether it did.
func (rc *respCache) writeHit(c echo.Context, v geodata.Version, key string) (bool, error) {
	res, ok := rc.get(v, key)
	if !ok {
		return false, nil
	}
	if notModifiedTag(c, v, res.etag) {
		return true, nil
	}
	return true, res.write(c)
}
