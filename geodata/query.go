package geodata

import (
	"time"

	"github.com/paulmach/orb"
)

// Paging limits of the items API.
const (
	DefaultLimit = 100
	MaxLimit     = 10000
)

// Query selects features of one layer. Zero values mean "no constraint":
// a nil BBox or Interval matches everything, Limit 0 means DefaultLimit.
type Query struct {
	Layer    string
	BBox     *orb.Bound
	Interval *Interval
	// Props holds equality filters on queryable properties, by name.
	Props map[string]string
	// Near keeps only features within a distance of other features.
	Near *Near
	// Zoom, when set, asks for geometries simplified for a web map at
	// that zoom level (see Simplify); it does not change which features
	// match.
	Zoom   *int
	Limit  int
	Offset int
}

// Near is a proximity filter: features within Km kilometres of the
// features of Layer (or of its one feature ID). The caller resolves Layer
// and ID into Geometry before the query runs.
type Near struct {
	Layer    string
	ID       string
	Km       float64
	Geometry orb.Geometry
}

// MaxZoom is the highest zoom level the zoom parameter accepts.
const MaxZoom = 22

// Maximum distance of a proximity filter.
const MaxNearKm = 2000

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
	return q.BBox != nil || q.Interval != nil || len(q.Props) > 0 || q.Near != nil
}
