package sqlite

import (
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
)

// The pieces a feature query's WHERE clause is built from. Each is a
// constant; outside values only ever travel as arguments.
const (
	whereLayer = `f.layer = ?`
	// With a bbox the R*Tree drives: its layer dimension already keeps to
	// the layer, so the unary + stops SQLite from walking the whole layer
	// through its index instead. The exact REAL columns then drop what the
	// R*Tree's outward-rounded 32-bit boxes let through.
	whereLayerByBBox = `+f.layer = ?`
	whereBBox        = `f.rid IN (SELECT rid FROM features_rtree
	WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ? AND minl <= ? AND maxl >= ?)
AND f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?`
	// Undated features never match a time filter, even one open at both
	// ends.
	whereDated        = `f.t_start IS NOT NULL`
	whereEndsAfter    = `f.t_end >= ?`
	whereStartsBefore = `f.t_start <= ?`
	// wherePropEquals matches when the property, or any scalar in it when
	// it is a list, equals the value as text ("true", "3", "Kabul"), or
	// equals it as a number ("3.0" matches 3). json_each on a path to a
	// scalar yields that one scalar, and no row for a missing property.
	wherePropEquals = `EXISTS (SELECT 1 FROM json_each(f.properties, '$.' || ?) AS j
	WHERE j.type NOT IN ('object', 'array', 'null')
	AND (CASE j.type WHEN 'true' THEN 'true' WHEN 'false' THEN 'false' ELSE CAST(j.value AS TEXT) END = ?
		OR (j.type IN ('integer', 'real') AND j.value = ?)))`
	// wherePropCategory is wherePropEquals for the category property, read
	// first from the generated category column, which holds it when it is
	// a string and is NULL otherwise. A string matches exactly when it
	// equals the value, so the JSON is parsed only for the rare feature
	// whose category is a number, a list or missing, and the clusters
	// index, which holds the column, answers without reading the row.
	wherePropCategory = `(f.category = ? OR (f.category IS NULL AND ` + wherePropEquals + `))`
)

// where is a WHERE clause under construction: conditions joined by AND,
// and their arguments in order.
type where struct {
	conds []string
	args  []any
}

func (w *where) add(cond string, args ...any) {
	w.conds = append(w.conds, cond)
	w.args = append(w.args, args...)
}

func (w *where) sql() string { return strings.Join(w.conds, " AND ") }

// checkQuery returns q's page size and offset, or an error wrapping
// geodata.ErrInvalid when they are out of range or a property name is not
// a plain identifier. Limit 0 means geodata.DefaultLimit.
func checkQuery(q geodata.Query) (limit, offset int, err error) {
	limit, offset = q.Limit, q.Offset
	if limit == 0 {
		limit = geodata.DefaultLimit
	}
	if limit < 0 || limit > geodata.MaxLimit {
		return 0, 0, geodata.Invalidf("limit %d is out of range: it must be between 1 and %d", limit, geodata.MaxLimit)
	}
	if offset < 0 {
		return 0, 0, geodata.Invalidf("offset %d is negative", offset)
	}
	for name := range q.Props {
		if !validPropName(name) {
			return 0, 0, geodata.Invalidf("%q is not a property that can be filtered on", truncate(name, 40))
		}
	}
	return limit, offset, nil
}

// buildWhere turns the filters of q, checked by checkQuery, into a WHERE
// clause; num is the layer's number in the R*Tree.
func buildWhere(q geodata.Query, num int64) *where {
	w := &where{}
	if b := q.BBox; b != nil {
		w.add(whereLayerByBBox, q.Layer)
		w.add(whereBBox, b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y(), num, num,
			b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y())
	} else {
		w.add(whereLayer, q.Layer)
	}
	w.addFilters(q)
	return w
}

// addFilters adds the time and property filters of q: all but where.
func (w *where) addFilters(q geodata.Query) {
	if iv := q.Interval; iv != nil {
		w.add(whereDated)
		if !iv.Start.IsZero() {
			w.add(whereEndsAfter, iv.Start.Unix())
		}
		if !iv.End.IsZero() {
			w.add(whereStartsBefore, iv.End.Unix())
		}
	}
	// Sorted, so one set of filters always makes the same statement.
	names := make([]string, 0, len(q.Props))
	for name := range q.Props {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		v := q.Props[name]
		if name == categoryProp {
			w.add(wherePropCategory, v, name, v, numberOrNil(v))
			continue
		}
		w.add(wherePropEquals, name, v, numberOrNil(v))
	}
}

// categoryProp is the property the generated category column holds.
const categoryProp = "category"

// validPropName reports whether name matches ^[a-z_][a-z0-9_]{0,40}$, the
// only names that go into a JSON path.
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

// numberOrNil returns s as a finite number, or nil (SQL NULL, which
// equals nothing) when it is not one.
func numberOrNil(s string) any {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return nil
	}
	return f
}

// truncate shortens s for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
