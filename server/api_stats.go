package server

import (
	"context"
	"net/url"

	"github.com/casmap/casmap/geodata"
	"github.com/labstack/echo/v4"
)

// statsBody is the body of a stats response.
type statsBody struct {
	NumberMatched int                             `json:"numberMatched"`
	Facets        map[string][]geodata.ValueCount `json:"facets"`
	Months        []geodata.MonthCount            `json:"months"`
	DataVersion   string                          `json:"dataVersion"`
	Links         []link                          `json:"links"`
}

// handleStats answers GET /api/collections/{layer}/stats: how many
// features match the items filters, by value of each queryable and by
// month, from the store's aggregate. It is what a page needs for its
// filter lists and histogram at any size of layer.
func handleStats(store Store, links linker, rc *respCache, g *gate) echo.HandlerFunc {
	return func(c echo.Context) error {
		return serveAggregate(c, store, links, rc, g, "stats", "statistics are", func(layer geodata.Layer, params url.Values, v geodata.Version) (computeBody, error) {
			q, err := geodata.ParseStatsQuery(layer, params, "f")
			if err != nil {
				return nil, err
			}
			base := "/api/collections/" + layer.ID
			self := links.to(c, base+"/stats", params)
			items := links.to(c, base+"/items", params)
			return func(ctx context.Context) (any, error) {
				st, err := store.Stats(ctx, q)
				if err != nil {
					return nil, err
				}
				if st.Months == nil {
					st.Months = []geodata.MonthCount{}
				}
				return statsBody{NumberMatched: st.Matched, Facets: st.Facets, Months: st.Months, DataVersion: string(v),
					Links: []link{
						{Href: self, Rel: "self", Type: mediaJSON, Title: "These statistics"},
						{Href: items, Rel: "items", Type: mediaGeoJSON, Title: "The features counted"},
					}}, nil
			}, nil
		})
	}
}
