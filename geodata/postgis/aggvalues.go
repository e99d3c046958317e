package postgis

import (
	"bytes"
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"sync"
	"time"

	"github.com/jackc/pgx/v5"
)

// The values of every queryable are read in one pass over the layer and
// grouped here, rather than by one grouped query per queryable: each of
// those scans the layer again and expands its lists in jsonb, some
// seconds apiece at a million features, so the first statistics after a
// start or a write waited for all of them in turn (past the request
// timeout). The groups are the ones aggValues makes: per value text and
// number (true and "true" are one value, 5 and "5" two), the rids of the
// features holding it, a list giving each scalar in it.

// aggQProps reads every feature's value of each of its layer's
// queryables, one column each (%s: qprops -> $2, qprops -> $3...), so
// that Go reads small values and never decodes the objects.
const aggQProps = `SELECT rid%s FROM features WHERE layer = $1 AND qprops <> '{}'::jsonb`

// memoKeep is how long the groups of a pass wait for the facets no query
// has asked for yet; later ones read their values on their own.
const memoKeep = time.Minute

// valueGroup is one value of a queryable and the features that hold it.
type valueGroup struct {
	text string
	num  *float64
	rids []int64
}

// valueMemo holds the groups of one pass, each queryable's given out once.
type valueMemo struct {
	mu     sync.Mutex
	read   bool
	gen    int64
	groups map[string][]valueGroup
}

// take returns the groups of queryable name and the generation they were
// read at, reading every queryable of names in one pass on the first call.
// ok is false when the pass did not keep them (a name it did not read, or
// the groups given out or dropped already).
func (m *valueMemo) take(ctx context.Context, name string, names []string, read func(context.Context, []string) (map[string][]valueGroup, int64, error)) (groups []valueGroup, gen int64, ok bool, err error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if !m.read {
		groups, gen, err := read(ctx, names)
		if err != nil {
			return nil, 0, false, err
		}
		m.read, m.gen, m.groups = true, gen, groups
		time.AfterFunc(memoKeep, m.drop)
	}
	groups, ok = m.groups[name]
	delete(m.groups, name)
	return groups, m.gen, ok, nil
}

func (m *valueMemo) drop() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.groups = nil
}

// readValues reads the values of the queryables names of every feature
// of the layer in one snapshot, grouped as aggValues groups them.
func (l *aggLoader) readValues(ctx context.Context, names []string) (map[string][]valueGroup, int64, error) {
	g := newGrouper(names)
	cols, args := "", []any{l.layer}
	for i, name := range names {
		cols += fmt.Sprintf(", qprops -> $%d", i+2)
		args = append(args, name)
	}
	gen, err := l.read(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, fmt.Sprintf(aggQProps, cols), args...)
		if err != nil {
			return err
		}
		defer rows.Close()
		rid, values := int64(0), make([][]byte, len(names))
		dest := []any{&rid}
		for i := range values {
			dest = append(dest, &values[i])
		}
		for n := 0; rows.Next(); n++ {
			if n&4095 == 0 && ctx.Err() != nil {
				return ctx.Err()
			}
			if err := rows.Scan(dest...); err != nil {
				return err
			}
			for i, v := range values {
				if err := g.add(names[i], rid, v); err != nil {
					return fmt.Errorf("feature %d: %w", rid, err)
				}
			}
		}
		return rows.Err()
	})
	if err != nil {
		return nil, 0, err
	}
	return g.result(), gen, nil
}

// grouper gathers the groups of each queryable: strings and booleans by
// text, numbers apart by their text.
type grouper struct {
	texts, nums map[string]map[string]*valueGroup
}

func newGrouper(names []string) *grouper {
	g := &grouper{texts: map[string]map[string]*valueGroup{}, nums: map[string]map[string]*valueGroup{}}
	for _, name := range names {
		g.texts[name], g.nums[name] = map[string]*valueGroup{}, map[string]*valueGroup{}
	}
	return g
}

// add files the feature rid under each scalar of its value v of
// queryable name (nil when it has none).
func (g *grouper) add(name string, rid int64, v []byte) error {
	if len(v) == 0 {
		return nil
	}
	if v[0] != '[' {
		return g.scalar(name, rid, v)
	}
	var list []json.RawMessage
	if err := json.Unmarshal(v, &list); err != nil {
		return fmt.Errorf("queryable %s: %w", name, err)
	}
	for _, e := range list {
		if err := g.scalar(name, rid, e); err != nil {
			return err
		}
	}
	return nil
}

// scalar files rid under the value v (JSON as PostgreSQL writes it) when
// it is a string, number or boolean.
func (g *grouper) scalar(name string, rid int64, v []byte) error {
	var into map[string]*valueGroup
	var text []byte
	isNum := false
	switch c := v[0]; {
	case c == '"' && bytes.IndexByte(v, '\\') < 0:
		into, text = g.texts[name], v[1:len(v)-1]
	case c == '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return fmt.Errorf("queryable %s: %w", name, err)
		}
		into, text = g.texts[name], []byte(s)
	case c == 't' || c == 'f':
		into, text = g.texts[name], v
	case c == '-' || c >= '0' && c <= '9':
		into, text, isNum = g.nums[name], v, true
	default: // null, a list in a list, an object
		return nil
	}
	grp := into[string(text)]
	if grp == nil {
		grp = &valueGroup{text: string(text)}
		if isNum {
			// Past float64's range it is infinite, not an error.
			f, err := strconv.ParseFloat(grp.text, 64)
			if err != nil && !errors.Is(err, strconv.ErrRange) {
				return fmt.Errorf("queryable %s: number %s: %w", name, grp.text, err)
			}
			grp.num = &f
		}
		into[grp.text] = grp
	}
	grp.rids = append(grp.rids, rid)
	return nil
}

// result lists each queryable's groups by text, a string before a number
// of the same text.
func (g *grouper) result() map[string][]valueGroup {
	out := map[string][]valueGroup{}
	for name := range g.texts {
		groups := []valueGroup{}
		for _, m := range []map[string]*valueGroup{g.texts[name], g.nums[name]} {
			for _, grp := range m {
				groups = append(groups, *grp)
			}
		}
		slices.SortStableFunc(groups, func(a, b valueGroup) int {
			return cmp.Or(cmp.Compare(a.text, b.text), cmp.Compare(numRank(a), numRank(b)))
		})
		out[name] = groups
	}
	return out
}

func numRank(g valueGroup) int {
	if g.num != nil {
		return 1
	}
	return 0
}
