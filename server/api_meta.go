package server

import (
	_ "embed"
	"net/http"
	"slices"

	"github.com/labstack/echo/v4"
)

// openAPIDoc is the OpenAPI 3.0 definition of /api.
//
//go:embed openapi.json
var openAPIDoc []byte

// Conformance classes casmap implements, from OGC API - Features Part 1.
var conformsTo = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tileset",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/tilesets-list",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/geodata-tilesets",
	"http://www.opengis.net/spec/ogcapi-tiles-1/1.0/conf/mvt",
}

func handleLanding(links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		setCache(c, cacheRevalidate)
		return c.JSON(http.StatusOK, map[string]any{
			"title":       "casmap",
			"description": "Security and infrastructure in Afghanistan and Central Asia: borders, GBAO, the TAPI pipeline, railways, incidents and places, as OGC API - Features.",
			"links": []link{
				{Href: links.to(c, "/api", nil), Rel: "self", Type: mediaJSON, Title: "This document"},
				{Href: links.to(c, "/api/openapi.json", nil), Rel: "service-desc", Type: mediaOpenAPI, Title: "The API definition (OpenAPI 3.0)"},
				{Href: links.to(c, "/api/conformance", nil), Rel: "conformance", Type: mediaJSON, Title: "Conformance classes implemented"},
				{Href: links.to(c, "/api/collections", nil), Rel: "data", Type: mediaJSON, Title: "The layers"},
				{Href: links.to(c, "/api/tileMatrixSets", nil), Rel: "http://www.opengis.net/def/rel/ogc/1.0/tiling-schemes", Type: mediaJSON, Title: "The tile matrix sets"},
				{Href: links.to(c, "/", nil), Rel: "alternate", Type: mediaHTML, Title: "The map"},
			},
		})
	}
}

// part4 are the classes of OGC API - Features Part 4 (create, replace,
// update, delete) a server that takes writes conforms to.
var part4 = []string{
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/create-replace-delete",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/update",
	"http://www.opengis.net/spec/ogcapi-features-4/1.0/conf/features",
}

// handleConformance lists the classes the server conforms to; writes
// says whether it takes writes (Part 4).
func handleConformance(writes bool) echo.HandlerFunc {
	classes := slices.Clone(conformsTo)
	if writes {
		classes = append(classes, part4...)
	}
	return func(c echo.Context) error {
		setCache(c, cacheRevalidate)
		return c.JSON(http.StatusOK, map[string]any{"conformsTo": classes})
	}
}

func handleOpenAPI() echo.HandlerFunc {
	return func(c echo.Context) error {
		setCache(c, cacheRevalidate)
		return c.Blob(http.StatusOK, mediaOpenAPI, openAPIDoc)
	}
}
