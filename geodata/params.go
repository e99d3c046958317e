package geodata

import (
	"net/url"
	"slices"
	"sort"
	"strings"

	"github.com/paulmach/orb"
)

// Parameters of an items request that ParseItemsQuery understands; any
// other parameter must be one of the layer's queryables.
var itemParams = []string{"bbox", "datetime", "limit", "offset"}

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
		if err := q.set(layer, name, values[0]); err != nil {
			return Query{}, err
		}
	}
	if q.Limit == 0 {
		q.Limit = DefaultLimit
	}
	return q, nil
}

func (q *Query) set(layer Layer, name, value string) error {
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
	case "limit":
		q.Limit, err = ParseLimit(value)
	case "offset":
		q.Offset, err = ParseOffset(value)
	default:
		if !slices.Contains(layer.Queryables, name) {
			return unknownParam(layer, name)
		}
		if value == "" || len(value) > 200 {
			return Invalidf("filter %s must have a value of 1 to 200 bytes", name)
		}
		if q.Props == nil {
			q.Props = map[string]string{}
		}
		q.Props[name] = value
	}
	return err
}

func unknownParam(layer Layer, name string) error {
	known := append(slices.Clone(itemParams), layer.Queryables...)
	return Invalidf("unknown parameter %q; layer %s accepts %s", truncate(name, 40), layer.ID, strings.Join(known, ", "))
}
