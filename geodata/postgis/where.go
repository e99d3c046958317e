package postgis

import (
	"encoding/json"
	"maps"
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
	"github.com/jackc/pgx/v5"
)

// where is a WHERE clause under construction: conditions joined by AND,
// with their arguments numbered $1, $2... Conditions are constants of this
// package; outside values only ever travel as arguments.
type where struct {
	conds []string
	args  []any
}

// arg adds an argument and returns its placeholder.
func (w *where) arg(v any) string {
	w.args = append(w.args, v)
	return "$" + strconv.Itoa(len(w.args))
}

// add adds a condition whose %s are replaced by the placeholders of args,
// in order.
func (w *where) add(cond string, args ...any) {
	for _, a := range args {
		cond = strings.Replace(cond, "%s", w.arg(a), 1)
	}
	w.conds = append(w.conds, cond)
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// params returns the arguments of a statement of w, with pgx told to have
// it planned for them on every run (an unnamed statement, planned at
// bind). A prepared one gets a generic plan after five runs, which cannot
// know how much of a layer a box holds: at a million incidents it read
// all the half million in a box through the GiST index and sorted them,
// seconds a batch, where the plan for the values walks the rids and stops
// at the limit in milliseconds.
func (w *where) params() []any {
	return append([]any{pgx.QueryExecModeCacheDescribe}, w.args...)
}

const (
	whereLayer = `f.layer = %s`
	// The GiST index finds the candidates by their 32-bit boxes, rounded
	// outwards; the exact columns then drop what those let through. A box
	// may be a point or a line (a degenerate envelope), which && handles.
	whereBBox = `f.geom && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
	AND f.maxx >= %s AND f.minx <= %s AND f.maxy >= %s AND f.miny <= %s`
	// Undated features have no span, so never match, even an interval
	// open at both ends. NULL ends leave the range open.
	whereInterval = `f.span && int8range(%s, %s, '[]')`
	// A property filter matches when the property, or any scalar in it when
	// it is a list, is one of the candidate values (see propDocs):
	// containment of {"name": v} or {"name": [v]} in qprops, which the GIN
	// index holds.
	whereQueryable = `f.qprops @> ANY(%s::jsonb[])`
	// A range matches a number in the property, or in it when it is a
	// list (jsonpath's lax mode looks into lists). The name is a checked
	// identifier; the bounds travel as arguments.
	whereRange = `jsonb_path_exists(f.qprops, %s::jsonpath, jsonb_build_object('lo', %s::float8, 'hi', %s::float8))`
	// whereAfter continues a listing after a cursor's row.
	whereAfter = `f.rid > %s`
)

// checkQuery returns q's page size, or an error wrapping
// geodata.ErrInvalid when the paging is out of range or a filter names a
// property that is not one of the layer's queryables (the properties the
// store indexes). Limit 0 means geodata.DefaultLimit.
func checkQuery(q geodata.Query, l geodata.Layer) (limit int, err error) {
	limit = q.Limit
	if limit == 0 {
		limit = geodata.DefaultLimit
	}
	if limit < 0 || limit > geodata.MaxLimit {
		return 0, geodata.Invalidf("limit %d is out of range: it must be between 1 and %d", limit, geodata.MaxLimit)
	}
	if q.Offset < 0 || q.Offset > geodata.MaxOffset {
		return 0, geodata.Invalidf("offset %d is out of range: it must be between 0 and %d", q.Offset, geodata.MaxOffset)
	}
	for name, values := range q.Props {
		if !validPropName(name) {
			return 0, geodata.Invalidf("%q is not a property that can be filtered on", truncate(name, 40))
		}
		if len(values) == 0 || len(values) > geodata.MaxFilterValues {
			return 0, geodata.Invalidf("filter %s needs 1 to %d values", name, geodata.MaxFilterValues)
		}
	}
	for name := range q.Ranges {
		if !validPropName(name) {
			return 0, geodata.Invalidf("%q is not a property that can be filtered on", truncate(name, 40))
		}
	}
	names := append(slices.Collect(maps.Keys(q.Props)), slices.Collect(maps.Keys(q.Ranges))...)
	slices.Sort(names)
	for _, name := range names {
		if !slices.Contains(l.Queryables, name) {
			return 0, geodata.Invalidf("%q is not a queryable of layer %s; it filters on %s", truncate(name, 40), l.ID, strings.Join(l.Queryables, ", "))
		}
	}
	return limit, nil
}

// buildWhere turns the filters of q, checked by checkQuery, into a WHERE
// clause: all but proximity, which is measured in Go.
func buildWhere(q geodata.Query) *where {
	w := &where{}
	w.addQuery(q)
	return w
}

// addQuery adds the conditions of q to w.
func (w *where) addQuery(q geodata.Query) {
	w.add(whereLayer, q.Layer)
	if b := q.BBox; b != nil {
		w.add(whereBBox, b.Min.X(), b.Min.Y(), b.Max.X(), b.Max.Y(),
			b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y())
	}
	if iv := q.Interval; iv != nil {
		w.add(whereInterval, unixOrNil(iv.Start), unixOrNil(iv.End))
	}
	names := make([]string, 0, len(q.Props))
	for name := range q.Props {
		names = append(names, name)
	}
	slices.Sort(names) // one set of filters, one statement
	for _, name := range names {
		w.add(whereQueryable, propDocs(name, q.Props[name]))
	}
	ranges := slices.Sorted(maps.Keys(q.Ranges))
	for _, name := range ranges {
		lo, hi := -math.MaxFloat64, math.MaxFloat64
		if r := q.Ranges[name]; r.Min != nil {
			lo = *r.Min
		}
		if r := q.Ranges[name]; r.Max != nil {
			hi = *r.Max
		}
		w.add(whereRange, `$.`+name+` ? (@.type() == "number" && @ >= $lo && @ <= $hi)`, lo, hi)
	}
}

// propDocs returns the jsonb documents a feature's properties (or qprops)
// must contain one of for property name to match one of values: each
// value as a string, and as the number or boolean it spells, alone or as
// a member of a list. "6" and "6.0" both match the number 6 and the
// string "6" only; "true" matches true and "true".
func propDocs(name string, values []string) []string {
	var out []string
	doc := func(v any) {
		for _, d := range []map[string]any{{name: v}, {name: []any{v}}} {
			b, err := json.Marshal(d)
			if err == nil {
				out = append(out, string(b))
			}
		}
	}
	for _, v := range values {
		doc(v)
		switch v {
		case "true":
			doc(true)
		case "false":
			doc(false)
		}
		if f, err := strconv.ParseFloat(strings.TrimSpace(v), 64); err == nil && !math.IsNaN(f) && !math.IsInf(f, 0) {
			doc(f)
		}
	}
	return out
}

// unixOrNil is t in unix seconds, or nil (an open end) when t is zero.
func unixOrNil(t interface {
	IsZero() bool
	Unix() int64
}) any {
	if t.IsZero() {
		return nil
	}
	return t.Unix()
}

// validPropName reports whether name matches ^[a-z_][a-z0-9_]{0,40}$.
func validPropName(name string) bool {
	if len(name) == 0 || len(name) > 41 {
		return false
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '_', c >= 'a' && c <= 'z':
		case c >= '0' && c <= '9' && i > 0:
		default:
			return false
		}
	}
	return true
}

// truncate shortens s for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
