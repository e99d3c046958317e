package server

import (
	"context"
	"io/fs"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"
)

// addRoutes is the whole HTTP surface in one place.
func addRoutes(e *echo.Echo, cfg Config, store Store, assets fs.FS, rc *respCache, g *gate) {
	links := linker{base: cfg.BaseURL, proxies: cfg.TrustedProxies}
	a := newAuth(cfg)
	read := a.readGuard() // sign-in first when the server is private
	get := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h, read...)
	}
	open := func(path string, h echo.HandlerFunc) {
		e.Match([]string{http.MethodGet, http.MethodHead}, path, h)
	}

	open("/healthz", handleHealth(store))

	get("/api", handleLanding(links))
	get("/api/", handleLanding(links))
	get("/api/conformance", handleConformance(a != nil && cfg.Editor != nil))
	get("/api/openapi.json", handleOpenAPI())
	get("/api/collections", handleCollections(store, links))
	get("/api/collections/:layer", handleCollection(store, links))
	get("/api/collections/:layer/queryables", handleQueryables(store, links))
	// With an Editor, ?version= answers for an earlier version, and each
	// feature has a history.
	items, item := handleItems(store, links, rc, g), handleItem(store, links)
	var w *writes
	if cfg.Editor != nil {
		w = &writes{ed: cfg.Editor, store: store, links: links}
		items, item = atVersion(w.itemsAt, items), atVersion(w.itemAt, item)
		get(itemRoute+"/history", w.history)
	}
	get(itemsRoute, items)
	get(itemRoute, item)
	get("/api/collections/:layer/clusters", handleClusters(store, links, rc, g))
	get("/api/collections/:layer/stats", handleStats(store, links, rc, g))
	get("/api/collections/:layer/tiles", handleTileSets(store, links))
	get("/api/collections/:layer/tiles/:tms", handleTileSet(store, links))
	get(tileRoute, handleTile(store, links, rc, g))
	get("/api/tileMatrixSets", handleTileMatrixSets(links))
	get("/api/tileMatrixSets/:tms", handleTileMatrixSets(links))

	if a != nil {
		addAccountRoutes(e, cfg, a)
		addWriteRoutes(e, w, a)
	}

	open("/*", handleAssets(assets))
}

// healthTimeout bounds /healthz: it answers at once, or says the store
// cannot be read.
const healthTimeout = time.Second

// handleHealth answers 200 when the store can be read. It passes no gate,
// so it never waits behind expensive requests.
func handleHealth(store Store) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx, cancel := context.WithTimeout(c.Request().Context(), healthTimeout)
		defer cancel()
		if _, err := store.Version(ctx); err != nil {
			return err
		}
		c.Response().Header().Set("Cache-Control", "no-store")
		return c.String(http.StatusOK, "ok\n")
	}
}
