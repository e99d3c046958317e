package geodata

import (
	"math"
	"net/url"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/paulmach/orb"
)

// Parameters of an items request that ParseItemsQuery understands; any
// other parameter must be one of the layer's queryables.
var itemParams = []string{"bbox", "datetime", "limit", "offset", "cursor", "near", "within_km", "zoom"}

// ItemParams returns the parameters an items request takes besides the
// layer's queryables (and the server's own f and download).
func ItemParams() []string { return slices.Clone(itemParams) }

// ParseItemsQuery turns the query parameters of an items request into a
// Query for layer. Parameters named in ignore (the caller's own, such as
// the output format) are skipped; a parameter that is neither known nor a
// queryable of the layer, or is given twice, is an error, as OGC API -
// Features asks.
func ParseItemsQuery(layer Layer, params url.Values, ignore ...string) (Query, error) {
	q := Query{Layer: layer.ID}
	names := make([]string, 0, len(params))
	for name := range params {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		if slices.Contains(ignore, name) {
			continue
		}
		values := params[name]
		if len(values) > 1 {
			return Query{}, Invalidf("parameter %q is given %d times; give it once", truncate(name, 40), len(values))
		}
		if err := q.set(layer, name, values[0], params); err != nil {
			return Query{}, err
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	if q.After != "" && q.Offset > 0 {
		return Query{}, Invalidf("give cursor or offset, not both: a cursor already says where the page starts")
	}
	if q.Near == nil && params.Has("within_km") {
		return Query{}, Invalidf("within_km needs near (a layer such as tapi, or a feature such as borders/afg)")
	}
	return q, nil
}

func (q *Query) set(layer Layer, name, value string, params url.Values) error {
	var err error
	switch name {
	case "bbox":
		var b orb.Bound
		b, err = ParseBBox(value)
		q.BBox = &b
	case "datetime":
		var iv Interval
		iv, err = ParseDatetime(value)
		q.Interval = &iv
	case "within_km":
		// Read with near.
	case "limit":
		q.Limit, err = ParseLimit(value)
	case "offset":
		q.Offset, err = ParseOffset(value)
	case "cursor":
		q.After, err = ParseCursor(value)
	case "near":
		err = q.setNear(value, params)
	case "zoom":
		err = q.setZoom(layer, value)
	default:
		if !slices.Contains(layer.Queryables, name) {
			return unknownParam(layer, name)
		}
		return q.setFilter(name, value)
	}
	return err
}

// setFilter reads a queryable's filter: a numeric range (5/20, 5/..,
// ../20) or one or more values separated by commas, any of which matches.
func (q *Query) setFilter(name, value string) error {
	if r, ok, err := parseRange(name, value); ok || err != nil {
		if err != nil {
			return err
		}
		if q.Ranges == nil {
			q.Ranges = map[string]Range{}
		}
		q.Ranges[name] = r
		return nil
	}
	values := strings.Split(value, ",")
	if len(values) > MaxFilterValues {
		return Invalidf("filter %s has %d values; give at most %d", name, len(values), MaxFilterValues)
	}
	for _, v := range values {
		if v == "" || len(v) > 200 {
			return Invalidf("filter %s must have values of 1 to 200 bytes, separated by commas (%s=a,b)", name, name)
		}
	}
	if q.Props == nil {
		q.Props = map[string][]string{}
	}
	q.Props[name] = values
	return nil
}

// parseRange reads MIN/MAX with ".." or nothing for an open end; ok is
// false when value has no slash, so it is an equality filter.
func parseRange(name, value string) (Range, bool, error) {
	lo, hi, found := strings.Cut(value, "/")
	if !found {
		return Range{}, false, nil
	}
	bad := Invalidf("filter %s=%q: a range is MIN/MAX with numbers, or .. for an open end (%s=5/20, %s=5/..)", name, truncate(value, 40), name, name)
	var r Range
	for _, end := range []struct {
		s   string
		dst **float64
	}{{lo, &r.Min}, {hi, &r.Max}} {
		if end.s == "" || end.s == ".." {
			continue
		}
		v, err := strconv.ParseFloat(end.s, 64)
		if err != nil || math.IsNaN(v) || math.IsInf(v, 0) {
			return Range{}, true, bad
		}
		*end.dst = &v
	}
	if r.Min == nil && r.Max == nil {
		return Range{}, true, bad
	}
	if r.Min != nil && r.Max != nil && *r.Min > *r.Max {
		return Range{}, true, Invalidf("filter %s=%q: the range's minimum is above its maximum", name, truncate(value, 40))
	}
	return r, true, nil
}

func unknownParam(layer Layer, name string) error {
	known := append(slices.Clone(itemParams), layer.Queryables...)
	return Invalidf("unknown parameter %q; layer %s accepts %s", truncate(name, 40), layer.ID, strings.Join(known, ", "))
}

// setNear parses near=LAYER or near=LAYER/ID, with within_km (default
// DefaultNearKm).
func (q *Query) setNear(value string, params url.Values) error {
	layer, id, _ := strings.Cut(value, "/")
	if !layerID.MatchString(layer) {
		return Invalidf("near=%q must name a layer (tapi, railways...) or a feature (borders/afg)", truncate(value, 60))
	}
	km := float64(DefaultNearKm)
	if s := params.Get("within_km"); s != "" {
		v, err := strconv.ParseFloat(s, 64)
		if err != nil || math.IsNaN(v) || v <= 0 || v > MaxNearKm {
			// Past MaxNearKm a proximity filter is the whole region.
			return Invalidf("within_km %q must be a distance in kilometres above 0 and at most %d", truncate(s, 40), MaxNearKm)
		}
		km = v
	}
	q.Near = &Near{Layer: layer, ID: id, Km: km}
	return nil
}

// setZoom parses zoom, a web map zoom level from 0 to MaxZoom. Only layers
// with lines or polygons take it: points have nothing to simplify.
func (q *Query) setZoom(layer Layer, value string) error {
	z, err := strconv.Atoi(value)
	if err != nil || z < 0 || z > MaxZoom {
		return Invalidf("zoom %q must be a whole number from 0 to %d (the map's zoom level)", truncate(value, 40), MaxZoom)
	}
	if !strings.Contains(layer.GeometryKind, "LineString") && !strings.Contains(layer.GeometryKind, "Polygon") {
		return Invalidf("zoom simplifies lines and polygons; layer %s has %s geometries", layer.ID, layer.GeometryKind)
	}
	q.Zoom = &z
	return nil
}

// layerID is the form of a layer id.
var layerID = regexp.MustCompile(`^[a-z][a-z0-9_-]{0,39}$`)
