// Package server is casmap's HTTP face: an Echo app that serves the map page
// and an OGC API - Features service over a Store.
package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"runtime"
	"slices"
	"time"

	"github.com/casmap/casmap/geodata/account"
	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config holds the server's settings.
type Config struct {
	// BaseURL, when set, is used for absolute links instead of the
	// request's own scheme and host (e.g. behind a proxy); see
	// ParseBaseURL. Its host is served whatever AllowedHosts says.
	BaseURL string
	// TrustedProxies are the addresses whose X-Forwarded-For, -Proto and
	// -Host headers are believed; from anyone else they are ignored.
	TrustedProxies []netip.Prefix
	// CORSOrigins are the origins whose pages may read the API
	// cross-origin ("*" for any); none by default. Credentials are never
	// allowed cross-origin, and writes never.
	CORSOrigins []string
	// AllowedHosts are the host names served besides IP addresses,
	// localhost and the base URL's host; a request naming another in
	// Host (DNS rebinding) gets 421.
	AllowedHosts []string
	// RequestTimeout bounds how long one request may take.
	RequestTimeout time.Duration
	// CacheBytes bounds the memory of the items response cache: 0 means
	// DefaultCacheBytes, a negative value turns the cache off.
	CacheBytes int64

	// Accounts and Sessions turn on sign-in (and Editor, writes); with
	// Accounts nil the server is read-only and has no accounts.
	Accounts Accounts
	Sessions SessionStore
	Editor   Editor
	// Private requires sign-in to read the API (the page itself loads,
	// to show its sign-in form).
	Private bool
	// SessionLifetime (default 12 hours) and SessionIdle (default 2
	// hours without a request) end a session.
	SessionLifetime time.Duration
	SessionIdle     time.Duration
	// PasswordParams are the argon2id costs of new passwords (default
	// account.DefaultParams).
	PasswordParams account.Params

	// MaxExpensive bounds the expensive requests (uncached pages,
	// clusters, statistics, tiles) that run at once; 0 means the number
	// of CPUs, at least 2. Past it, a short queue, then 503.
	MaxExpensive int
	// AdmissionQueue and AdmissionWait bound the queue of expensive
	// requests waiting for a slot, and how long each waits; 0 means 16
	// and 2 s.
	AdmissionQueue int
	AdmissionWait  time.Duration
}

// New returns the casmap HTTP handler. assets is the built front end
// (index.html and hashed files); logger receives request logs and the
// details of internal errors.
func New(cfg Config, store Store, assets fs.FS, logger *slog.Logger) http.Handler {
	if cfg.RequestTimeout == 0 {
		cfg.RequestTimeout = 30 * time.Second
	}
	e := echo.New()
	e.HideBanner = true
	e.HidePort = true
	e.HTTPErrorHandler = errorHandler(logger)
	e.IPExtractor = ipExtractor(cfg.TrustedProxies)

	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(requestLogger(logger))
	e.Use(guardHosts(cfg))
	e.Use(middleware.SecureWithConfig(securityHeaders))
	if len(cfg.CORSOrigins) > 0 {
		e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
			AllowOrigins:     cfg.CORSOrigins,
			AllowMethods:     []string{http.MethodGet, http.MethodHead, http.MethodOptions},
			AllowCredentials: false,
			ExposeHeaders:    []string{"ETag", "Content-Disposition", "X-Data-Version"},
		}))
	}
	e.Use(limitQuery(MaxQueryBytes))
	e.Use(strictQuery)
	e.Use(middleware.BodyLimit("1M"))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: cfg.RequestTimeout}))
	rc := newRespCache(cfg.CacheBytes, cfg.RequestTimeout)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: gzipMinLength,
		// Cached items responses arrive compressed already; a client
		// that refuses gzip (gzip;q=0) gets identity.
		Skipper: func(c echo.Context) bool {
			return (rc != nil && precompressed[c.Path()]) || !acceptsGzip(c.Request())
		},
	}))
	slots := cfg.MaxExpensive
	if slots <= 0 {
		slots = max(2, runtime.GOMAXPROCS(0))
	}
	queue, wait := cfg.AdmissionQueue, cfg.AdmissionWait
	if queue <= 0 {
		queue = defaultQueue
	}
	if wait <= 0 {
		wait = defaultWait
	}
	addRoutes(e, cfg, store, assets, rc, newGate(slots, queue, wait))
	return e
}

// ipExtractor reads the client's address from X-Forwarded-For only when
// the request comes from a trusted proxy; otherwise it is the peer's.
func ipExtractor(proxies []netip.Prefix) echo.IPExtractor {
	if len(proxies) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, p := range proxies {
		opts = append(opts, echo.TrustIPRange(prefixNet(p)))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func prefixNet(p netip.Prefix) *net.IPNet {
	p = p.Masked()
	return &net.IPNet{IP: p.Addr().AsSlice(), Mask: net.CIDRMask(p.Bits(), p.Addr().BitLen())}
}

// guardHosts answers 421 to a request for a host the server does not
// serve (see hostList), before anything else reads it; the forwarded
// host of a trusted proxy is checked too, as links are built on it.
func guardHosts(cfg Config) echo.MiddlewareFunc {
	names := slices.Clone(cfg.AllowedHosts)
	if u, err := url.Parse(cfg.BaseURL); err == nil && u.Host != "" {
		names = append(names, u.Host)
	}
	hosts := newHostList(names...)
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			r := c.Request()
			host := r.Host
			if fh := firstValue(r.Header.Get("X-Forwarded-Host")); fh != "" && fromProxy(r, cfg.TrustedProxies) {
				host = fh
			}
			if !hosts.allows(host) {
				return echo.NewHTTPError(http.StatusMisdirectedRequest, misdirected(host))
			}
			return next(c)
		}
	}
}

// precompressed are the routes whose responses come from the cache,
// gzipped already when the client takes it; the gzip middleware skips
// them.
var precompressed = map[string]bool{
	itemsRoute:                         true,
	"/api/collections/:layer/clusters": true,
	"/api/collections/:layer/stats":    true,
	tileRoute:                          true,
}

// securityHeaders forbid inline script, framing by other sites and MIME
// sniffing on every response.
var securityHeaders = middleware.SecureConfig{
	XSSProtection:         "0",
	ContentTypeNosniff:    "nosniff",
	XFrameOptions:         "DENY",
	ReferrerPolicy:        "strict-origin-when-cross-origin",
	ContentSecurityPolicy: "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: https://tile.openstreetmap.org; connect-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
}

// MaxQueryBytes is the longest query string the server reads. A real one
// with every parameter at its longest (filter values of 200 bytes,
// percent-encoded) stays near 3 KiB; beyond this a client is probing, and
// is told so before any parameter is parsed.
const MaxQueryBytes = 8 << 10

// limitQuery answers 414 to a request whose query string is longer than
// max bytes. (net/http bounds the whole request head with MaxHeaderBytes;
// this bound is the API's own, and answers in problem+json.)
func limitQuery(max int) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if len(c.Request().URL.RawQuery) > max {
				return echo.NewHTTPError(http.StatusRequestURITooLong,
					fmt.Sprintf("the query string is longer than %d bytes", max))
			}
			return next(c)
		}
	}
}

func requestLogger(logger *slog.Logger) echo.MiddlewareFunc {
	return middleware.RequestLoggerWithConfig(middleware.RequestLoggerConfig{
		LogStatus:   true,
		LogURI:      true,
		LogMethod:   true,
		LogLatency:  true,
		LogError:    true,
		HandleError: true,
		LogValuesFunc: func(c echo.Context, v middleware.RequestLoggerValues) error {
			level := slog.LevelInfo
			if v.Status >= 500 {
				level = slog.LevelError
			}
			logger.LogAttrs(c.Request().Context(), level, "request",
				slog.String("method", v.Method), slog.String("uri", v.URI),
				slog.Int("status", v.Status), slog.Duration("latency", v.Latency))
			return nil
		},
	})
}
