package server

import (
	"context"

	"github.com/casmap/casmap/geodata"
)

// Store is what the server needs of casmap's data. geodata/sqlite and
// geodata/postgis provide it; handlers never see SQL. Every method takes
// the request's context to every query and loop it runs, so a client that
// hangs up stops the work it caused.
type Store interface {
	// Layers returns every layer with its derived counts and extents,
	// ordered by id.
	Layers(ctx context.Context) ([]geodata.Layer, error)
	// Layer returns one layer, or an error wrapping geodata.ErrNotFound.
	Layer(ctx context.Context, id string) (geodata.Layer, error)
	// Features streams one page of the features matching q to yield, in
	// a stable order, and returns the page's count of all matches (-1
	// when not counted) and the cursor of the next page. Its cost is
	// bounded by the page: a page may come back short while a next
	// cursor remains.
	Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error)
	// Feature returns one feature, or an error wrapping geodata.ErrNotFound.
	Feature(ctx context.Context, layer, id string) (geodata.Feature, error)
	// Version identifies the current state of all the data. Every API
	// request asks before anything else, a cache hit included, so it must
	// be cheap: the stores answer from memory while nothing changed.
	Version(ctx context.Context) (geodata.Version, error)
	// Clusters groups the features matching q (no paging, no proximity)
	// into the cells of a web-map zoom, one Cluster per cell that holds
	// any, from an aggregate: its cost is the area's, never the layer's.
	Clusters(ctx context.Context, q geodata.Query, zoom int) ([]geodata.Cluster, error)
	// Stats counts the features matching q by queryable value and by
	// month, from the same aggregate.
	Stats(ctx context.Context, q geodata.Query) (geodata.Stats, error)
}
