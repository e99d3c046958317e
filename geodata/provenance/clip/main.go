// Command clip is step 2 of regenerating casmap's borders, gbao and
// provinces seed layers. It reads the raw extract that extract.mjs wrote to
// geodata/provenance/raw and writes geodata/seed/borders.geojson,
// gbao.geojson and provinces.geojson: every geometry a MultiPolygon clipped
// to the map's window where it crosses it, rounded, with RFC 7946 ring
// orientation, and (borders, provinces) a label point and the zoom from
// which the label fits. Borders keep every vertex by default (about
// 0.5 MB); provinces are simplified with orb's Douglas-Peucker.
//
// Run it from the repository root:
//
//	go run ./geodata/provenance/clip
//
// See geodata/provenance/README.md for the whole chain.
package main

import (
	"context"
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

	"github.com/casmap/casmap/geodata/provenance/internal/labels"
	"github.com/casmap/casmap/geodata/provenance/internal/seedfile"
)

// window is the map's region: lon 40..92, lat 20..58.
var window = orb.Bound{Min: orb.Point{40, 20}, Max: orb.Point{92, 58}}

// labelRule says how a layer's labels are sized: a label is shown from the
// first zoom at which the largest circle inside its polygon has a radius of
// at least RadiusPx pixels, within [MinZoom, MaxZoom].
type labelRule struct {
	RadiusPx         float64
	MinZoom, MaxZoom int
}

// layer is one seed file made from one raw file.
type layer struct {
	raw, out string
	// epsilon is the Douglas-Peucker tolerance in degrees; 0 keeps every
	// vertex.
	epsilon float64
	// decimals is how many decimal places coordinates keep (1e-5° is about
	// 1 m, 1e-4° about 10 m).
	decimals int
	// area adds area_km2_computed to each feature.
	area bool
	// label, when set, adds label_point and label_minzoom.
	label *labelRule
}

func main() {
	if err := run(context.Background(), os.Args[1:], os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "clip:", err)
		os.Exit(1)
	}
}

func run(ctx context.Context, args []string, stdout io.Writer) error {
	fs := flag.NewFlagSet("clip", flag.ContinueOnError)
	rawDir := fs.String("raw", filepath.Join("geodata", "provenance", "raw"), "folder holding the extract written by extract.mjs")
	outDir := fs.String("out", filepath.Join("geodata", "seed"), "folder to write the seed files to")
	epsilon := fs.Float64("epsilon", 0, "Douglas-Peucker tolerance for borders in degrees, e.g. 0.002 (0, the default, keeps every vertex)")
	node := fs.String("node", "node", "the Node.js executable that runs labels.mjs")
	if err := fs.Parse(args); err != nil {
		return err
	}
	placer := labels.Placer{
		Node:       *node,
		Script:     filepath.Join("geodata", "provenance", "labels.mjs"),
		PrecisionM: 500,
	}
	layers := []layer{
		{raw: "borders.raw.geojson", out: "borders.geojson", epsilon: *epsilon, decimals: 5,
			label: &labelRule{RadiusPx: 30, MinZoom: 3, MaxZoom: 7}},
		{raw: "gbao.raw.geojson", out: "gbao.geojson", decimals: 5, area: true},
		{raw: "provinces.raw.geojson", out: "provinces.geojson", epsilon: 0.003, decimals: 4, area: true,
			label: &labelRule{RadiusPx: 24, MinZoom: 5, MaxZoom: 10}},
	}
	for _, l := range layers {
		n, size, err := process(ctx, placer, filepath.Join(*rawDir, l.raw), filepath.Join(*outDir, l.out), l)
		if err != nil {
			return fmt.Errorf("%s: %w", l.raw, err)
		}
		fmt.Fprintf(stdout, "wrote %s: %d features, %d bytes\n", filepath.Join(*outDir, l.out), n, size)
	}
	return nil
}

func process(ctx context.Context, placer labels.Placer, in, out string, l layer) (int, int, error) {
	data, err := os.ReadFile(in)
	if err != nil {
		return 0, 0, fmt.Errorf("%w (run extract.mjs first)", err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(data)
	if err != nil {
		return 0, 0, err
	}
	items := make([]labels.Item, 0, len(fc.Features))
	for i, f := range fc.Features {
		id, _ := f.ID.(string)
		if id == "" {
			return 0, 0, fmt.Errorf("feature %d has no string id", i+1)
		}
		mp, clipped, err := shape(f.Geometry, l)
		if err != nil {
			return 0, 0, fmt.Errorf("feature %q: %w", id, err)
		}
		f.Geometry = mp
		f.Properties["clipped"] = clipped
		if l.area {
			f.Properties["area_km2_computed"] = math.Round(geo.Area(mp) / 1e6)
		}
		items = append(items, labels.Item{ID: id, Polygon: mp})
	}
	if l.label != nil {
		placed, err := placer.Place(ctx, items)
		if err != nil {
			return 0, 0, err
		}
		for i, f := range fc.Features {
			f.Properties["label_point"] = []float64{seedfile.Round(placed[i].Point[0], 4), seedfile.Round(placed[i].Point[1], 4)}
			f.Properties["label_minzoom"] = labels.MinZoom(placed[i].RadiusM, l.label.RadiusPx, l.label.MinZoom, l.label.MaxZoom)
		}
	}
	size, err := seedfile.Write(out, fc.Features)
	if err != nil {
		return 0, 0, err
	}
	return len(fc.Features), size, nil
}

// shape makes g a MultiPolygon clipped to the window (reporting whether it
// had to be), simplified by the layer's epsilon and tidied.
func shape(g orb.Geometry, l layer) (orb.MultiPolygon, bool, error) {
	mp, err := toMultiPolygon(g)
	if err != nil {
		return nil, false, err
	}
	clipped := false
	if b := mp.Bound(); !window.Contains(b.Min) || !window.Contains(b.Max) {
		mp = clip.MultiPolygon(window, mp)
		clipped = true
	}
	if l.epsilon > 0 {
		mp = simplify.DouglasPeucker(l.epsilon).MultiPolygon(mp)
	}
	mp = seedfile.TidyMultiPolygon(mp, l.decimals)
	if len(mp) == 0 {
		return nil, false, errors.New("nothing is left inside the window")
	}
	return mp, clipped, nil
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
