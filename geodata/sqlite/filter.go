package sqlite

import (
	"math"
	"slices"
	"strconv"
	"strings"

	"github.com/casmap/casmap/geodata"
)

// The conditions a candidate row is checked against, on the columns of
// features_list (the box and dates) and through the keys of
// feature_values (the properties): none reads the row's properties or
// geometry. Each is a constant; outside values only ever travel as
// arguments.
const (
	checkBBox = `f.maxx >= ? AND f.minx <= ? AND f.maxy >= ? AND f.miny <= ?`
	// Undated features never match a time filter, even one open at both
	// ends.
	checkDated        = `f.t_start IS NOT NULL`
	checkEndsAfter    = `f.t_end >= ?`
	checkStartsBefore = `f.t_start <= ?`
	// checkText matches when the property, or any scalar in it when it is
	// a list, equals one of the values as text: one lookup of the key of
	// feature_values for each. The list placeholders are filled in by
	// inList.
	checkText = `EXISTS (SELECT 1 FROM feature_values AS v
	WHERE v.layer_num = ? AND v.name = ? AND v.value IN (%s) AND v.rid = f.rid)`
	// checkNumber matches when it equals one of them as a number ("3.0"
	// matches 3), from the row's own numbers.
	checkNumber = `EXISTS (SELECT 1 FROM feature_values AS v INDEXED BY feature_values_rid_num
	WHERE v.rid = f.rid AND v.name = ? AND v.num IN (%s))`
	checkRange = `EXISTS (SELECT 1 FROM feature_values AS v INDEXED BY feature_values_rid_num
	WHERE v.rid = f.rid AND v.name = ? AND v.num >= ? AND v.num <= ?)`
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

func (w *where) sql() string {
	if len(w.conds) == 0 {
		return "1"
	}
	return strings.Join(w.conds, " AND ")
}

// checks returns the conditions of q, on the layer numbered layerNum,
// that a candidate row must meet: all of its filters but proximity, which
// is measured in Go.
func checks(q geodata.Query, layerNum int64) *where {
	w := &where{}
	if b := q.BBox; b != nil {
		w.add(checkBBox, b.Min.X(), b.Max.X(), b.Min.Y(), b.Max.Y())
	}
	if iv := q.Interval; iv != nil {
		w.add(checkDated)
		if !iv.Start.IsZero() {
			w.add(checkEndsAfter, iv.Start.Unix())
		}
		if !iv.End.IsZero() {
			w.add(checkStartsBefore, iv.End.Unix())
		}
	}
	// Sorted, so one set of filters always makes the same statement.
	for _, name := range sortedKeys(q.Props) {
		texts, nums := filterValues(q.Props[name])
		text := strings.Replace(checkText, "%s", inList(len(texts)), 1)
		if len(nums) == 0 {
			w.add(text, append([]any{layerNum, name}, texts...)...)
			continue
		}
		w.add("("+text+" OR "+strings.Replace(checkNumber, "%s", inList(len(nums)), 1)+")",
			append(append(append([]any{layerNum, name}, texts...), name), nums...)...)
	}
	for _, name := range sortedKeys(q.Ranges) {
		lo, hi := rangeBounds(q.Ranges[name])
		w.add(checkRange, name, lo, hi)
	}
	return w
}

// filterValues returns the values of an equality filter as the texts and
// numbers feature_values is compared with. A value that reads as a number
// also matches numbers equal to it.
func filterValues(values []string) (texts, nums []any) {
	for _, v := range values {
		texts = append(texts, v)
		if n, ok := numberOf(v); ok {
			nums = append(nums, n)
		}
	}
	return texts, nums
}

// inList returns n placeholders separated by commas, or NULL (which
// nothing equals) for none.
func inList(n int) string {
	if n == 0 {
		return "NULL"
	}
	return strings.Repeat("?, ", n-1) + "?"
}

// rangeBounds returns r's ends with open ends as infinities.
func rangeBounds(r geodata.Range) (lo, hi float64) {
	lo, hi = math.Inf(-1), math.Inf(1)
	if r.Min != nil {
		lo = *r.Min
	}
	if r.Max != nil {
		hi = *r.Max
	}
	return lo, hi
}

// checkQuery returns q's page size, or an error wrapping
// geodata.ErrInvalid when the paging is out of range or a property name is
// not a plain identifier. Limit 0 means geodata.DefaultLimit.
func checkQuery(q geodata.Query) (limit int, err error) {
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
	return limit, nil
}

// checkQueryables returns an error wrapping geodata.ErrInvalid when q
// filters on a property that is not one of the layer's queryables: those
// are the properties the store indexes.
func checkQueryables(l geodata.Layer, q geodata.Query) error {
	for _, names := range [][]string{sortedKeys(q.Props), sortedKeys(q.Ranges)} {
		for _, name := range names {
			if !slices.Contains(l.Queryables, name) {
				return geodata.Invalidf("%q is not a queryable of layer %s; it filters on %s", truncate(name, 40), l.ID, strings.Join(l.Queryables, ", "))
			}
		}
	}
	return nil
}

// validPropName reports whether name matches ^[a-z_][a-z0-9_]{0,40}$, the
// only names a store accepts as properties to filter on.
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

// numberOf returns s as a finite number when it is one.
func numberOf(s string) (float64, bool) {
	f, err := strconv.ParseFloat(strings.TrimSpace(s), 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false
	}
	return f, true
}

func sortedKeys[V any](m map[string]V) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}

// truncate shortens s for quoting in an error message.
func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}
