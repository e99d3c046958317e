package server

import (
	"net/http"

	"github.com/labstack/echo/v4"
)

// handleQueryables describes, as JSON Schema, the properties a layer's
// items can be filtered on by equality.
func handleQueryables(store Store, links linker) echo.HandlerFunc {
	return func(c echo.Context) error {
		ctx := c.Request().Context()
		if done, err := upToDate(c, store, links, "application/schema+json"); done || err != nil {
			return err
		}
		l, err := store.Layer(ctx, c.Param("layer"))
		if err != nil || anyNotModified(c) {
			return err
		}
		props := map[string]any{}
		for _, name := range l.Queryables {
			props[name] = map[string]any{"type": "string", "title": name}
		}
		c.Response().Header().Set(echo.HeaderContentType, "application/schema+json")
		return c.JSON(http.StatusOK, map[string]any{
			"$schema":              "https://json-schema.org/draft/2019-09/schema",
			"$id":                  links.to(c, "/api/collections/"+l.ID+"/queryables", nil),
			"type":                 "object",
			"title":                l.Title,
			"properties":           props,
			"additionalProperties": false,
		})
	}
}
