package format

import (
	"encoding/json"
	"math"
	"slices"
	"strconv"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// appendFeature appends f as a GeoJSON Feature to b, byte for byte as
// encoding/json writes orb's geojson.Feature, without its detours: orb's
// MarshalJSON builds a document that encoding/json writes and then
// re-reads to compact, once for the feature and once for its geometry,
// which cost a third of a page's time. Points, nearly every feature, are
// written directly; other geometries go through orb.
func appendFeature(b []byte, f geodata.Feature) ([]byte, error) {
	b, err := appendString(append(b, `{"id":`...), f.ID)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"type":"Feature","geometry":`...)
	b, err = appendGeometry(b, f.Geometry)
	if err != nil {
		return nil, err
	}
	b = append(b, `,"properties":`...)
	if raw := f.RawProperties; raw != nil && f.Properties == nil {
		if string(raw) == "{}" {
			raw = []byte("null")
		}
		b = append(b, raw...)
	} else if len(f.Properties) == 0 {
		// as orb writes no properties, and GeoJSON allows
		b = append(b, `null`...)
	} else if b, err = appendValue(b, f.Properties); err != nil {
		return nil, err
	}
	return append(b, '}'), nil
}

// appendValue appends v as encoding/json writes it. The kinds a decoded
// JSON document holds are written here; anything else, and any string
// that needs escaping beyond quotes and backslashes, goes to
// encoding/json.
func appendValue(b []byte, v any) ([]byte, error) {
	switch v := v.(type) {
	case nil:
		return append(b, "null"...), nil
	case string:
		return appendString(b, v)
	case bool:
		return strconv.AppendBool(b, v), nil
	case float64:
		if !finite(v) {
			break
		}
		return appendNumber(b, v), nil
	case []any:
		if v == nil {
			return append(b, "null"...), nil
		}
		b = append(b, '[')
		for i, e := range v {
			if i > 0 {
				b = append(b, ',')
			}
			var err error
			if b, err = appendValue(b, e); err != nil {
				return nil, err
			}
		}
		return append(b, ']'), nil
	case map[string]any:
		if v == nil {
			return append(b, "null"...), nil
		}
		return appendObject(b, v)
	}
	out, err := json.Marshal(v)
	return append(b, out...), err
}

// appendObject appends m with its keys in order, as encoding/json does.
func appendObject(b []byte, m map[string]any) ([]byte, error) {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	b = append(b, '{')
	for i, k := range keys {
		if i > 0 {
			b = append(b, ',')
		}
		var err error
		if b, err = appendString(b, k); err != nil {
			return nil, err
		}
		b = append(b, ':')
		if b, err = appendValue(b, m[k]); err != nil {
			return nil, err
		}
	}
	return append(b, '}'), nil
}

// appendString appends s quoted. Plain printable ASCII is written here;
// control characters, markup (<, >, &, escaped for HTML) and everything
// beyond ASCII are left to encoding/json's own rules.
func appendString(b []byte, s string) ([]byte, error) {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '<' || c == '>' || c == '&' {
			out, err := json.Marshal(s)
			return append(b, out...), err
		}
	}
	b = append(b, '"')
	for i := 0; i < len(s); i++ {
		if c := s[i]; c == '"' || c == '\\' {
			b = append(b, '\\')
		}
		b = append(b, s[i])
	}
	return append(b, '"'), nil
}

// appendGeometry appends g as a GeoJSON geometry.
func appendGeometry(b []byte, g orb.Geometry) ([]byte, error) {
	if p, ok := g.(orb.Point); ok && finite(p[0]) && finite(p[1]) {
		b = append(b, `{"type":"Point","coordinates":[`...)
		b = appendNumber(b, p[0])
		b = append(b, ',')
		b = appendNumber(b, p[1])
		return append(b, "]}"...), nil
	}
	if g == nil {
		return append(b, "null"...), nil
	}
	out, err := json.Marshal(geojson.NewGeometry(g))
	if err != nil {
		return nil, err
	}
	return append(b, out...), nil
}

func finite(f float64) bool { return !math.IsInf(f, 0) && !math.IsNaN(f) }

// appendNumber writes f as encoding/json writes a float64: the shortest
// decimal that reads back as f, in exponent form only for magnitudes
// under 1e-6 or from 1e21, with a two-digit exponent at least.
func appendNumber(b []byte, f float64) []byte {
	abs := math.Abs(f)
	format := byte('f')
	if abs != 0 && (abs < 1e-6 || abs >= 1e21) {
		format = 'e'
	}
	b = strconv.AppendFloat(b, f, format, -1, 64)
	if format == 'e' {
		// clean up e-09 to e-9
		n := len(b)
		if n >= 4 && b[n-4] == 'e' && b[n-3] == '-' && b[n-2] == '0' {
			b[n-2] = b[n-1]
			b = b[:n-1]
		}
	}
	return b
}
