// Command clip is step 2 of regenerating casmap's borders and gbao seed
// layers. It reads the raw extract that extract.mjs wrote to
// geodata/provenance/raw and writes geodata/seed/borders.geojson and
// geodata/seed/gbao.geojson: every geometry a MultiPolygon clipped to the
// map's window where it crosses it, rounded to 5 decimals and with RFC 7946
// ring orientation. The files are small enough (borders about 0.4 MB) that
// no simplification is applied by default; -epsilon turns on orb's
// Douglas-Peucker for borders.
//
// Run it from the repository root:
//
//	go run ./geodata/provenance/clip
//
// See geodata/provenance/README.md for the whole chain.
package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"path/filepath"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/clip"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/simplify"
)

// window is the map's region: lon 40..92, lat 20..58.
var window = orb.Bound{Min: orb.Point{40, 20}, Max: orb.Point{92, 58}}

// decimals is how many decimal places coordinates keep (1e-5° is about 1 m).
const decimals = 5

// layer is one seed file made from one raw file.
type layer struct {
	raw, out string
	// epsilon is the Douglas-Peucker tolerance in degrees; 0 keeps every
	// vertex.
	epsilon float64
	// area adds area_km2_computed to each feature.
	area bool
}

func main() {
	if err := run(os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clip:", err)
		os.Exit(1)
	}
}

func run(args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clip", flag.ContinueOnError)
	rawDir := fs.String("raw", filepath.Join("geodata", "provenance", "raw"), "folder holding the extract written by extract.mjs")
	outDir := fs.String("out", filepath.Join("geodata", "seed"), "folder to write the seed files to")
	epsilon := fs.Float64("epsilon", 0, "Douglas-Peucker tolerance for borders in degrees, e.g. 0.002 (0, the default, keeps every vertex)")
	if err := fs.Parse(args); err != nil {
		return err
	}
	layers := []layer{
		{raw: "borders.raw.geojson", out: "borders.geojson", epsilon: *epsilon},
		{raw: "gbao.raw.geojson", out: "gbao.geojson", area: true},
	}
	for _, l := range layers {
		n, size, err := process(filepath.Join(*rawDir, l.raw), filepath.Join(*outDir, l.out), l)
		if err != nil {
			return fmt.Errorf("%s: %w", l.raw, err)
		}
		fmt.Fprintf(stdout, "wrote %s: %d features, %d bytes\n", filepath.Join(*outDir, l.out), n, size)
	}
	return nil
}

func process(in, out string, l layer) (int, int, error) {
	data, err := os.ReadFile(in)
	if err != nil {
		return 0, 0, fmt.Errorf("%w (run extract.mjs first)", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return 0, 0, err
	}
	var buf bytes.Buffer
	buf.WriteString(`{"type":"FeatureCollection","features":[` + "\n")
	for i, f := range fc.Features {
		id, _ := f.ID.(string)
		if id == "" {
			return 0, 0, fmt.Errorf("feature %d has no string id", i+1)
		}
		mp, err := toMultiPolygon(f.Geometry)
		if err != nil {
			return 0, 0, fmt.Errorf("feature %q: %w", id, err)
		}
		clipped := false
		if b := mp.Bound(); !window.Contains(b.Min) || !window.Contains(b.Max) {
			mp = clip.MultiPolygon(window, mp)
			clipped = true
		}
		if l.epsilon > 0 {
			mp = simplify.DouglasPeucker(l.epsilon).MultiPolygon(mp)
		}
		mp = tidy(mp)
		if len(mp) == 0 {
			return 0, 0, fmt.Errorf("feature %q has nothing left inside the window", id)
		}
		f.Geometry = mp
		f.Properties["clipped"] = clipped
		if l.area {
			f.Properties["area_km2_computed"] = math.Round(geo.Area(mp) / 1e6)
		}
		line, err := marshal(f)
		if err != nil {
			return 0, 0, fmt.Errorf("feature %q: %w", id, err)
		}
		if i > 0 {
			buf.WriteString(",\n")
		}
		buf.Write(line)
	}
	buf.WriteString("\n]}\n")
	if err := os.WriteFile(out, buf.Bytes(), 0o644); err != nil {
		return 0, 0, err
	}
	return len(fc.Features), buf.Len(), nil
}

// marshal encodes f with members in a fixed order and without escaping
// <, > and & so the file stays readable.
func marshal(f *geojson.Feature) ([]byte, error) {
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

func toMultiPolygon(g orb.Geometry) (orb.MultiPolygon, error) {
	switch g := g.(type) {
	case orb.Polygon:
		return orb.MultiPolygon{g}, nil
	case orb.MultiPolygon:
		return g, nil
	case nil:
		return nil, errors.New("geometry is missing")
	default:
		return nil, fmt.Errorf("geometry is a %s, want Polygon or MultiPolygon", g.GeoJSONType())
	}
}

// tidy rounds every coordinate, drops repeated points and rings that
// collapse to no area, closes rings and orients them as RFC 7946 asks:
// exterior rings counter-clockwise, holes clockwise. A polygon whose
// exterior collapses is dropped with its holes.
func tidy(mp orb.MultiPolygon) orb.MultiPolygon {
	var out orb.MultiPolygon
	for _, poly := range mp {
		var p orb.Polygon
		for i, r := range poly {
			r = tidyRing(r)
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

func tidyRing(r orb.Ring) orb.Ring {
	out := make(orb.Ring, 0, len(r)+1)
	for _, pt := range r {
		pt = orb.Point{round(pt[0]), round(pt[1])}
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

func round(v float64) float64 {
	const scale = 1e5 // 10^decimals
	r := math.Round(v*scale) / scale
	if r == 0 {
		return 0 // no negative zero in the output
	}
	return r
}
