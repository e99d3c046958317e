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
// data version and the request (its URL, the negotiated media type and
// whether it is gzipped), so it can be checked before any query runs.
func dataETag(c echo.Context, v geodata.Version, media string) string {
	r := c.Request()
	h := sha256.New()
	for _, part := range []string{string(v), r.URL.Path, r.URL.RawQuery, media, gzipFlag(r)} {
		h.Write([]byte(part))
		h.Write([]byte{0})
	}
	return `"` + hex.EncodeToString(h.Sum(nil)[:12]) + `"`
}

func gzipFlag(r *http.Request) string {
	if strings.Contains(r.Header.Get("Accept-Encoding"), "gzip") {
		return "gz"
	}
	return ""
}

// upToDate reads the data version and sets the ETag and version headers;
// done reports that the client's copy is current and it has answered 304.
func upToDate(c echo.Context, store Store, media string) (done bool, err error) {
	v, err := store.Version(c.Request().Context())
	if err != nil {
		return false, err
	}
	return notModifiedTag(c, v, dataETag(c, v, media)), nil
}

// notModifiedTag sets the ETag, cache and version headers and reports
// whether the client's copy is current, in which case it has answered 304.
func notModifiedTag(c echo.Context, v geodata.Version, etag string) bool {
	h := c.Response().Header()
	h.Set("ETag", etag)
	h.Set("X-Data-Version", string(v))
	h.Set("Cache-Control", cacheRevalidate)
	h.Add("Vary", "Accept")
	inm := c.Request().Header.Get("If-None-Match")
	if inm == "" {
		return false
	}
	for _, candidate := range strings.Split(inm, ",") {
		candidate = strings.TrimSpace(candidate)
		if candidate == etag || candidate == "*" {
			c.Response().WriteHeader(http.StatusNotModified)
			return true
		}
	}
	return false
}
