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
	// The R*Tree narrows by rowid; the exact REAL columns then drop what
	// its outward-rounded 32-bit boxes let through.
	whereBBox = `f.rid IN (SELECT rid FROM features_rtree
	WHERE maxx >= ? AND minx <= ? AND maxy >= ? AND miny <= ?)
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

// buildWhere turns q's filters into a WHERE clause. It returns an error
// wrapping geodata.ErrInvalid for a property name that is not a plain
// identifier.
func buildWhere(q geodata.Query) (*where, error) {
	w := &where{}
	w.add(whereLayer, q.Layer)
	if b := q.BBox; b != nil {
		w.add(whereBBox, b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y(),
			b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y())
	}
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
		if !validPropName(name) {
			return nil, geodata.Invalidf("%q is not a property that can be filtered on", truncate(name, 40))
		}
		v := q.Props[name]
		w.add(wherePropEquals, name, v, numberOrNil(v))
	}
	return w, nil
}

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
