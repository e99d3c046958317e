package geodata

import (
	"context"
	"time"

	"github.com/paulmach/orb"
)

// Paging limits of the items API.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
	// MaxOffset bounds the offset parameter: skipping rows costs what
	// reading them costs, so deep pages go through the next link's
	// cursor, which costs what the first page costs.
	MaxOffset = 10000
	// MaxFilterValues bounds the values of one multi-value filter.
	MaxFilterValues = 50
)

// Query selects features of one layer. Zero values mean "no constraint":
// a nil BBox or Interval matches everything, Limit 0 means DefaultLimit.
type Query struct {
	Layer    string
	BBox     *orb.Bound
	Interval *Interval
	// Props holds equality filters on queryable properties, by name: a
	// feature matches a name when its property, or any scalar in it when
	// it is a list, equals any of the values. Every name must match.
	Props map[string][]string
	// Ranges holds inclusive numeric ranges on queryable properties.
	Ranges map[string]Range
	// Near keeps only features within a distance of other features.
	Near *Near
	// Zoom, when set, asks for geometries simplified for a web map at
	// that zoom level (see Simplify); it does not change which features
	// match.
	Zoom *int
	// RawProperties lets the store hand each feature's properties as
	// the JSON text it keeps (Feature.RawProperties) instead of decoding
	// them, for a caller that only writes them out as JSON; it does not
	// change which features match. A store may ignore it.
	RawProperties bool
	// After continues a listing after the position a previous page's
	// PageInfo.Next gave; empty starts at the beginning.
	After  Cursor
	Limit  int
	Offset int
}

// Range is an inclusive numeric range; a nil end is open.
type Range struct {
	Min, Max *float64
}

// Contains reports whether v lies in r.
func (r Range) Contains(v float64) bool {
	return (r.Min == nil || v >= *r.Min) && (r.Max == nil || v <= *r.Max)
}

// Cursor is a position in a layer's listing order, opaque to everyone but
// the store that made it.
type Cursor string

// PageInfo is what a store says about a page it has streamed.
type PageInfo struct {
	// Returned is how many features the page held.
	Returned int
	// Matched is how many features match the query, all pages together,
	// or -1 when counting them would cost more than the page did.
	Matched int
	// Next is the cursor of the next page; empty on the last page. A page
	// may hold fewer than the limit while Next is set: stores bound the
	// work of one page.
	Next Cursor
}

// FeatureSource is what streams pages of features: both stores.
type FeatureSource interface {
	Features(ctx context.Context, q Query, yield func(Feature) error) (PageInfo, error)
}

// ReadPage collects one page of q from src into memory: for tests and
// callers whose pages are small.
func ReadPage(ctx context.Context, src FeatureSource, q Query) (Page, error) {
	page := Page{Features: []Feature{}}
	info, err := src.Features(ctx, q, func(f Feature) error {
		page.Features = append(page.Features, f)
		return nil
	})
	if err != nil {
		return Page{}, err
	}
	page.Matched, page.Next = info.Matched, info.Next
	return page, nil
}

// Near is a proximity filter: features within Km kilometres of the
// features of Layer (or of its one feature ID). The store measures from
// the target's geometry as the data holds it.
type Near struct {
	Layer string
	ID    string
	Km    float64
}

// MaxZoom is the highest zoom level the zoom parameter accepts.
const MaxZoom = 22

// Maximum distance of a proximity filter.
const MaxNearKm = 1000

// DefaultNearKm is the distance of a proximity filter that names none.
const DefaultNearKm = 50

// Interval is a closed time interval; a zero Start or End leaves that side
// open. An instant is an interval whose Start equals its End.
type Interval struct {
	Start time.Time
	End   time.Time
}

// Overlaps reports whether the span [from, to] shares any instant with iv.
func (iv Interval) Overlaps(from, to time.Time) bool {
	if !iv.Start.IsZero() && to.Before(iv.Start) {
		return false
	}
	if !iv.End.IsZero() && from.After(iv.End) {
		return false
	}
	return true
}

// Filtered reports whether q narrows its layer in any way other than paging.
func (q Query) Filtered() bool {
	return q.BBox != nil || q.Interval != nil || len(q.Props) > 0 || len(q.Ranges) > 0 || q.Near != nil
}
