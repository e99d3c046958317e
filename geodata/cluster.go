package geodata

import (
	"math"
	"net/url"
	"slices"
	"strconv"

	"github.com/paulmach/orb"
)

// Cluster is the features of a layer that fall in one cell of a grid, for
// drawing a layer too large to send feature by feature.
type Cluster struct {
	// Cell is the cell's column and row, counted from longitude -180 and
	// latitude -90, so a cell keeps its number as the map pans.
	Cell [2]int
	// Center is the mean position of the features.
	Center orb.Point
	// Count is how many features the cell holds.
	Count int
	// Bound covers the features' bounding boxes.
	Bound orb.Bound
	// Categories counts the features by their category property; those
	// without one are not counted here.
	Categories map[string]int
}

// Limits of the clusters API.
const (
	MaxClusterZoom = 22
	// MaxClusterCells bounds the grid one request may ask for: a full
	// screen at 64 px a cell is about 500 cells.
	MaxClusterCells = 10000
	// clusterCellPx is a cell's size on screen.
	clusterCellPx = 64
)

// CellDegrees returns the side in degrees of a cluster cell at a web-map
// zoom level: 64 pixels at 256·2^zoom pixels per 360°, that is 90/2^zoom.
// Cells are square in degrees, so on a Mercator map they stand a little
// taller than wide away from the equator.
func CellDegrees(zoom int) float64 {
	return 360 * clusterCellPx / (256 * math.Ldexp(1, zoom))
}

// Parameters of an items request that make no sense for clusters or
// statistics, which cover everything the filters match.
var notForClusters = []string{"limit", "offset", "cursor", "near", "within_km"}

// ParseClustersQuery reads a clusters request: zoom (an integer from 0 to
// MaxClusterZoom, required) and the filters of an items request, parsed
// by ParseItemsQuery with ignore as there. Paging and proximity are
// refused. The grid over bbox, or over the layer's extent without one,
// must have at most MaxClusterCells cells.
func ParseClustersQuery(layer Layer, params url.Values, ignore ...string) (Query, int, error) {
	for _, name := range notForClusters {
		if params.Has(name) {
			return Query{}, 0, Invalidf("clusters take no %s parameter; they cover the whole bbox", name)
		}
	}
	zoom, err := parseZoomParam(params["zoom"])
	if err != nil {
		return Query{}, 0, err
	}
	q, err := ParseItemsQuery(layer, params, append(slices.Clip(ignore), "zoom")...)
	if err != nil {
		return Query{}, 0, err
	}
	area := layer.Extent
	if q.BBox != nil {
		area = *q.BBox
	}
	cell := CellDegrees(zoom)
	cols := math.Floor((area.Max[0]+180)/cell) - math.Floor((area.Min[0]+180)/cell) + 1
	rows := math.Floor((area.Max[1]+90)/cell) - math.Floor((area.Min[1]+90)/cell) + 1
	if cols*rows > MaxClusterCells {
		return Query{}, 0, Invalidf("zoom %d over this area makes a grid of %.0f cells, more than %d; give a smaller bbox", zoom, cols*rows, MaxClusterCells)
	}
	return q, zoom, nil
}

// ParseStatsQuery reads a stats request: the filters of an items request,
// parsed by ParseItemsQuery with ignore as there. Paging and proximity are
// refused.
func ParseStatsQuery(layer Layer, params url.Values, ignore ...string) (Query, error) {
	for _, name := range append(slices.Clone(notForClusters), "zoom") {
		if params.Has(name) {
			return Query{}, Invalidf("statistics take no %s parameter; they count everything the filters match", name)
		}
	}
	return ParseItemsQuery(layer, params, ignore...)
}

// parseZoomParam reads the values of the zoom parameter.
func parseZoomParam(values []string) (int, error) {
	switch len(values) {
	case 0:
		return 0, Invalidf("zoom is missing; give the map's zoom level, 0 to %d", MaxClusterZoom)
	case 1:
	default:
		return 0, Invalidf("parameter \"zoom\" is given %d times; give it once", len(values))
	}
	z, err := strconv.Atoi(values[0])
	if err != nil || z < 0 || z > MaxClusterZoom {
		return 0, Invalidf("zoom %q must be a whole number from 0 to %d", truncate(values[0], 40), MaxClusterZoom)
	}
	return z, nil
}

// Stats counts the features that match a query by the values of each of
// their layer's queryables and by month: what a page needs for its
// filter lists and its histogram, without the features.
type Stats struct {
	// Matched is how many features match.
	Matched int
	// Facets lists, by queryable, each value with the number of matching
	// features that hold it, most frequent first.
	Facets map[string][]ValueCount
	// Months counts the matching dated features by the month (YYYY-MM)
	// their date falls in, in order.
	Months []MonthCount
}

// ValueCount is one value of a property and how many features hold it.
type ValueCount struct {
	Value string `json:"value"`
	Count int    `json:"count"`
}

// MonthCount is how many features are dated in one month.
type MonthCount struct {
	Month string `json:"month"`
	Count int    `json:"count"`
}
