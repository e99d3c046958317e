package server

import (
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strings"

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
// the request's scheme and host. X-Forwarded-Proto and X-Forwarded-Host
// are read only from the proxies configured: from anyone else they would
// let a client write the links a cache then serves to others.
type linker struct {
	base    string
	proxies []netip.Prefix
}

func (l linker) root(c echo.Context) string {
	if l.base != "" {
		return l.base
	}
	r := c.Request()
	scheme, host := "http", r.Host
	if r.TLS != nil {
		scheme = "https"
	}
	if fromProxy(r, l.proxies) {
		if p := strings.ToLower(firstValue(r.Header.Get(echo.HeaderXForwardedProto))); p == "http" || p == "https" {
			scheme = p
		}
		if h := firstValue(r.Header.Get("X-Forwarded-Host")); bareHost(h) != "" {
			host = h
		}
	}
	return scheme + "://" + host
}

// to returns the absolute URL of path with query q (which may be nil).
func (l linker) to(c echo.Context, path string, q url.Values) string {
	u := l.root(c) + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	return u
}

// fromProxy reports whether r came straight from one of the proxies.
func fromProxy(r *http.Request, proxies []netip.Prefix) bool {
	if len(proxies) == 0 {
		return false
	}
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	addr, err := netip.ParseAddr(host)
	if err != nil {
		return false
	}
	addr = addr.Unmap()
	for _, p := range proxies {
		if p.Contains(addr) {
			return true
		}
	}
	return false
}

// firstValue is the first of a comma-separated header's values (the one
// the proxy nearest the client wrote), trimmed.
func firstValue(h string) string {
	first, _, _ := strings.Cut(h, ",")
	return strings.TrimSpace(first)
}

// ParseBaseURL checks a --base-url value: an absolute http or https URL
// with a host and no query or fragment. It returns it without a trailing
// slash, as links are built on it.
func ParseBaseURL(s string) (string, error) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.RawQuery != "" || u.Fragment != "" || u.User != nil {
		return "", errBaseURL(s)
	}
	return strings.TrimSuffix(u.Scheme+"://"+u.Host+u.EscapedPath(), "/"), nil
}

type errBaseURL string

func (e errBaseURL) Error() string {
	return "base URL " + truncateParam(string(e)) + " must be an absolute http:// or https:// URL with a host and no query, such as https://map.example.org"
}
