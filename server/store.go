package server

import (
	"context"

	"github.com/casmap/casmap/geodata"
)

// Store is what the server needs of casmap's data. geodata/sqlite provides
// it; handlers never see SQL.
type Store interface {
	// Layers returns every layer with its derived counts and extents,
	// ordered by id.
	Layers(ctx context.Context) ([]geodata.Layer, error)
	// Layer returns one layer, or an error wrapping geodata.ErrNotFound.
	Layer(ctx context.Context, id string) (geodata.Layer, error)
	// Features returns one page of the features matching q, in a stable
	// order, with the count of all matches.
	Features(ctx context.Context, q geodata.Query) (geodata.Page, error)
	// Feature returns one feature, or an error wrapping geodata.ErrNotFound.
	Feature(ctx context.Context, layer, id string) (geodata.Feature, error)
	// Version identifies the current state of all the data. Every API
	// request asks before anything else, a cache hit included, so it must
	// be cheap: geodata/sqlite answers from memory while nothing changed.
	Version(ctx context.Context) (geodata.Version, error)
	// Clusters groups the features matching q (no paging, no proximity)
	// into square grid cells cellDeg degrees a side, one Cluster per cell
	// that holds any; their counts add up to the Matched of Features.
	Clusters(ctx context.Context, q geodata.Query, cellDeg float64) ([]geodata.Cluster, error)
}
