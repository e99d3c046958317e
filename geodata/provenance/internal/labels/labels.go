// Package labels places a name label inside each polygon feature of a seed
// layer and says from which map zoom it fits.
//
// The point is the pole of inaccessibility (the centre of the largest
// circle inside the polygon) found by mapbox's polylabel, an npm package
// pinned in geodata/provenance/package.json and run by labels.mjs beside
// it. Polygons are handed to it in Web Mercator metres, the projection the
// map draws in, so the circle is round on screen; for a MultiPolygon the
// part with the largest circle wins.
package labels

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"os/exec"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/project"
)

// Item is one polygon feature to label.
type Item struct {
	ID      string
	Polygon orb.MultiPolygon
}

// Label is where an item's name goes and how big the room there is.
type Label struct {
	// Point is the label's position, longitude/latitude.
	Point orb.Point
	// RadiusM is the radius of the largest circle around Point inside the
	// polygon, in Web Mercator metres (true metres times 1/cos(latitude)).
	RadiusM float64
}

// Placer runs polylabel through Node.
type Placer struct {
	// Node is the node executable; Script is the path of labels.mjs.
	Node, Script string
	// PrecisionM is polylabel's precision, in Web Mercator metres.
	PrecisionM float64
}

type request struct {
	ID       string          `json:"id"`
	Polygons [][][][]float64 `json:"polygons"`
}

type response struct {
	ID       string  `json:"id"`
	X        float64 `json:"x"`
	Y        float64 `json:"y"`
	Distance float64 `json:"distance"`
}

// Place returns one label per item, in order. It fails if polylabel's
// answer is missing or falls outside its polygon.
func (p Placer) Place(ctx context.Context, items []Item) ([]Label, error) {
	reqs := make([]request, len(items))
	for i, it := range items {
		merc := project.MultiPolygon(it.Polygon.Clone(), project.WGS84.ToMercator)
		reqs[i] = request{ID: it.ID, Polygons: coordinates(merc)}
	}
	in, err := json.Marshal(map[string]any{"precision": p.PrecisionM, "items": reqs})
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, p.Node, p.Script)
	cmd.Stdin = bytes.NewReader(in)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, fmt.Errorf("%s %s: %w: %s", p.Node, p.Script, err, stderr.String())
	}
	var resps []response
	if err := json.Unmarshal(out, &resps); err != nil {
		return nil, fmt.Errorf("labels.mjs answered something that is not JSON: %w", err)
	}
	if len(resps) != len(items) {
		return nil, fmt.Errorf("labels.mjs answered %d labels for %d polygons", len(resps), len(items))
	}
	labels := make([]Label, len(items))
	for i, r := range resps {
		if r.ID != items[i].ID {
			return nil, fmt.Errorf("labels.mjs answered %q where %q was asked", r.ID, items[i].ID)
		}
		pt := project.Mercator.ToWGS84(orb.Point{r.X, r.Y})
		if !planar.MultiPolygonContains(items[i].Polygon, pt) {
			return nil, fmt.Errorf("label of %q at %v is outside its polygon", r.ID, pt)
		}
		labels[i] = Label{Point: pt, RadiusM: r.Distance}
	}
	return labels, nil
}

func coordinates(mp orb.MultiPolygon) [][][][]float64 {
	out := make([][][][]float64, len(mp))
	for i, poly := range mp {
		out[i] = make([][][]float64, len(poly))
		for j, ring := range poly {
			out[i][j] = make([][]float64, len(ring))
			for k, pt := range ring {
				out[i][j][k] = []float64{pt[0], pt[1]}
			}
		}
	}
	return out
}

// metresPerPixelZ0 is the size of one 256-pixel tile pixel at zoom 0 in
// Web Mercator metres (2πR/256).
const metresPerPixelZ0 = 2 * math.Pi * 6378137 / 256

// MinZoom is the first whole zoom at which a circle of radiusM Web
// Mercator metres is at least radiusPx pixels across its radius, kept
// within [lo, hi].
func MinZoom(radiusM, radiusPx float64, lo, hi int) int {
	if radiusM <= 0 {
		return hi
	}
	z := int(math.Ceil(math.Log2(radiusPx * metresPerPixelZ0 / radiusM)))
	return max(lo, min(hi, z))
}
