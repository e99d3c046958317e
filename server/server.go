// Package server is casmap's HTTP face: an Echo app that serves the map page
// and an OGC API - Features service over a Store.
package server

import (
	"fmt"
	"io/fs"
	"log/slog"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"
)

// Config holds the server's settings.
type Config struct {
	// BaseURL, when set, is used for absolute links instead of the
	// request's own scheme and host (e.g. behind a proxy).
	BaseURL string
	// RequestTimeout bounds how long one request may take.
	RequestTimeout time.Duration
	// CacheBytes bounds the memory of the items response cache: 0 means
	// DefaultCacheBytes, a negative value turns the cache off.
	CacheBytes int64
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
	e.IPExtractor = echo.ExtractIPDirect()

	e.Use(middleware.RecoverWithConfig(middleware.RecoverConfig{
		LogErrorFunc: func(c echo.Context, err error, stack []byte) error {
			logger.Error("panic", "path", c.Request().URL.Path, "err", err, "stack", string(stack))
			return err
		},
	}))
	e.Use(requestLogger(logger))
	e.Use(middleware.SecureWithConfig(securityHeaders))
	e.Use(middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOrigins:  []string{"*"},
		AllowMethods:  []string{http.MethodGet, http.MethodHead, http.MethodOptions},
		ExposeHeaders: []string{"ETag", "Content-Disposition", "X-Data-Version"},
	}))
	e.Use(middleware.BodyLimit("1M"))
	e.Use(limitQuery(MaxQueryBytes))
	e.Use(middleware.ContextTimeoutWithConfig(middleware.ContextTimeoutConfig{Timeout: cfg.RequestTimeout}))
	rc := newRespCache(cfg.CacheBytes, cfg.RequestTimeout)
	e.Use(middleware.GzipWithConfig(middleware.GzipConfig{
		MinLength: gzipMinLength,
		// Cached items responses arrive compressed already.
		Skipper: func(c echo.Context) bool { return rc != nil && c.Path() == itemsRoute },
	}))

	addRoutes(e, cfg, store, assets, rc)
	return e
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
