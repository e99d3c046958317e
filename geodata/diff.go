package geodata

import (
	"encoding/json"
	"sort"

	"github.com/paulmach/orb"
)

// Diff says what differs between two states of a feature (nil: absent):
// the names of the properties added, removed or changed, sorted, and
// whether the geometry changed.
func Diff(before, after *Feature) (props []string, geometry bool) {
	var b, a map[string]any
	if before != nil {
		b = before.Properties
	}
	if after != nil {
		a = after.Properties
	}
	seen := map[string]bool{}
	for k := range b {
		seen[k] = true
	}
	for k := range a {
		seen[k] = true
	}
	props = []string{}
	for k := range seen {
		bv, bok := b[k]
		av, aok := a[k]
		if bok != aok || !sameJSON(bv, av) {
			props = append(props, k)
		}
	}
	sort.Strings(props)
	switch {
	case before == nil || after == nil:
		geometry = before != after
	default:
		geometry = !orb.Equal(before.Geometry, after.Geometry)
	}
	return props, geometry
}

func sameJSON(a, b any) bool {
	ja, err1 := json.Marshal(a)
	jb, err2 := json.Marshal(b)
	return err1 == nil && err2 == nil && string(ja) == string(jb)
}

// SourcesOf returns the sources of the first of fs that is not nil: what
// a reviewer checks a change against.
func SourcesOf(fs ...*Feature) []any {
	for _, f := range fs {
		if f != nil {
			if list, ok := f.Properties["sources"].([]any); ok {
				return list
			}
			return []any{}
		}
	}
	return []any{}
}
