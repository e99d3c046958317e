// Package seedfile writes casmap's seed GeoJSON files the way the
// provenance chain always has: one feature per line, members in a fixed
// order, coordinates rounded, rings oriented per RFC 7946, so a rerun of the
// chain reproduces the committed files byte for byte.
package seedfile

import (
	"bytes"
	"encoding/json"
	"math"
	"os"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
)

// Write writes features as a FeatureCollection to path and returns the
// number of bytes written.
func Write(path string, features []*geojson.Feature) (int, error) {
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, f := range features {
		line, err := Marshal(f)
		if err != nil {
			return 0, err
		}
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(line)
	}
	buf.WriteString("\n]}\n")
	if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
		return 0, err
	}
	return buf.Len(), nil
}

// Marshal encodes f with members in a fixed order (type, id, properties,
// geometry; properties sorted by key) and without escaping <, > and & so
// the file stays readable.
func Marshal(f *geojson.Feature) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	doc := struct {
		Type       string             `json:"type"`
		ID         any                `json:"id"`
		Properties geojson.Properties `json:"properties"`
		Geometry   geojson.Geometry   `json:"geometry"`
	}{"Feature", f.ID, f.Properties, *geojson.NewGeometry(f.Geometry)}
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// Round rounds v to the given number of decimals, never returning -0.
func Round(v float64, decimals int) float64 {
	scale := math.Pow10(decimals)
	r := math.Round(v*scale) / scale
	if r == 0 {
		return 0 // no negative zero in the output
	}
	return r
}

// RoundPoint rounds both coordinates of p.
func RoundPoint(p orb.Point, decimals int) orb.Point {
	return orb.Point{Round(p[0], decimals), Round(p[1], decimals)}
}

// TidyMultiPolygon rounds every coordinate, drops repeated points and rings
// that collapse to no area, closes rings and orients them as RFC 7946 asks:
// exterior rings counter-clockwise, holes clockwise. A polygon whose
// exterior collapses is dropped with its holes.
func TidyMultiPolygon(mp orb.MultiPolygon, decimals int) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var p orb.Polygon
		for i, r := range poly {
			r = tidyRing(r, decimals)
			if r == nil {
				if i == 0 {
					break
				}
				continue
			}
			want := orb.CCW
			if i > 0 {
				want = orb.CW
			}
			if r.Orientation() != want {
				r.Reverse()
			}
			p = append(p, r)
		}
		if len(p) > 0 {
			out = append(out, p)
		}
	}
	return out
}

func tidyRing(r orb.Ring, decimals int) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, pt := range r {
		pt = RoundPoint(pt, decimals)
		if len(out) > 0 && out[len(out)-1] == pt {
			continue
		}
		out = append(out, pt)
	}
	if len(out) > 0 && out[0] != out[len(out)-1] {
		out = append(out, out[0])
	}
	if len(out) < 4 || out.Orientation() == 0 {
		return nil
	}
	return out
}

// TidyLine rounds every coordinate and drops repeated points; it returns
// nil when fewer than two distinct positions are left.
func TidyLine(ls orb.LineString, decimals int) orb.LineString {
	out := make(orb.LineString, 0, len(ls))
	for _, pt := range ls {
		pt = RoundPoint(pt, decimals)
		if len(out) > 0 && out[len(out)-1] == pt {
			continue
		}
		out = append(out, pt)
	}
	if len(out) < 2 {
		return nil
	}
	return out
}
