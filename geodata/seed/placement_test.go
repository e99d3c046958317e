package seed_test

// These tests hold the placement rules: every feature of every layer says
// where its coordinates came from, line ends meet the places and crossings
// they name, and the sections of one route join.

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"

	"github.com/casmap/casmap/geodata"
)

const (
	// endToleranceKm is how far a line's end may lie from the place it
	// names: a station or terminal sits at the edge of its town, and towns
	// are points.
	endToleranceKm = 3.0
	// fieldToleranceKm applies to a gas field, which a place gives as one
	// point: half the length of the Galkynysh field (about 90 km, its
	// article says), where the pipeline starts at the southern end.
	fieldToleranceKm = 45.0
	// joinToleranceKm is how far apart the touching ends of two sections
	// of one route may be: they should share the vertex.
	joinToleranceKm = 0.05
)

// TestEveryFeatureHasACoordSource wants a coord_source on every feature of
// every layer in the manifest: a source a reader can open (title,
// publisher, http(s) URL, date or accessed date), or casmap's own placing
// saying on what.
func TestEveryFeatureHasACoordSource(t *testing.T) {
	for _, m := range readManifest(t) {
		features, _ := loadLayer(t, m.File)
		if len(features) == 0 {
			t.Errorf("%s has no features", m.File)
		}
		for _, f := range features {
			name := fmt.Sprintf("%s feature %q", m.File, f.ID)
			cs, ok := f.Properties["coord_source"].(map[string]any)
			if !ok {
				t.Errorf("%s: coord_source is missing", name)
				continue
			}
			switch cs["kind"] {
			case "source":
				checkSources(t, name+" coord_source", []any{cs})
			case "placed":
				note, _ := cs["note"].(string)
				if !strings.HasPrefix(note, geodata.PlacedPrefix) {
					t.Errorf("%s: coord_source note %q does not start %q", name, note, geodata.PlacedPrefix)
				}
			default:
				t.Errorf("%s: coord_source kind %v is neither source nor placed", name, cs["kind"])
			}
		}
	}
}

// lineFiles are the layers whose lines name the places they join.
var lineFiles = []string{"tapi.geojson", "railways.geojson", "power.geojson"}

// TestLineEndsMeetTheirPlaces checks every from_place and to_place: the
// place exists and the line's first or last vertex lies within
// endToleranceKm of it (fieldToleranceKm for a gas field). Nodes that name
// a place sit on it and on the end of a line.
func TestLineEndsMeetTheirPlaces(t *testing.T) {
	_, places := loadLayer(t, "places.geojson")
	for _, file := range lineFiles {
		features, _ := loadLayer(t, file)
		var ends []orb.Point
		named := 0
		for _, f := range features {
			ls, ok := f.Geometry.(orb.LineString)
			if !ok {
				continue
			}
			ends = append(ends, ls[0], ls[len(ls)-1])
			for _, e := range []struct {
				key string
				pt  orb.Point
			}{{"from_place", ls[0]}, {"to_place", ls[len(ls)-1]}} {
				id, _ := f.Properties[e.key].(string)
				if id == "" {
					continue
				}
				named++
				checkNear(t, fmt.Sprintf("%s %q %s", file, f.ID, e.key), e.pt, places, id)
			}
		}
		if named == 0 {
			t.Errorf("%s: no line names the places at its ends", file)
		}
		for _, f := range features {
			pt, ok := f.Geometry.(orb.Point)
			if !ok {
				continue
			}
			if id, _ := f.Properties["place"].(string); id != "" {
				checkNear(t, fmt.Sprintf("%s node %q", file, f.ID), pt, places, id)
			}
			if nearest(ends, pt) > joinToleranceKm {
				t.Errorf("%s node %q at %v is %.1f km from the nearest line end", file, f.ID, pt, nearest(ends, pt))
			}
		}
	}
}

func checkNear(t *testing.T, what string, pt orb.Point, places map[string]*geojson.Feature, id string) {
	t.Helper()
	place := places[id]
	if place == nil {
		t.Errorf("%s: place %q is not in the places layer", what, id)
		return
	}
	tol := endToleranceKm
	if place.Properties["kind"] == "field" {
		tol = fieldToleranceKm
	}
	at := place.Geometry.(orb.Point)
	if d := geo.DistanceHaversine(pt, at) / 1000; d > tol {
		t.Errorf("%s: %v is %.1f km from %s at %v (allowed %.0f km)", what, pt, d, id, at, tol)
	}
}

func nearest(points []orb.Point, p orb.Point) float64 {
	best := -1.0
	for _, q := range points {
		if d := geo.DistanceHaversine(p, q) / 1000; best < 0 || d < best {
			best = d
		}
	}
	return best
}

// TestRouteSectionsJoin checks that the sections of one route (the same
// "route" property) form a chain: each section but one starts where
// another ends, each but one ends where another starts.
func TestRouteSectionsJoin(t *testing.T) {
	for _, file := range lineFiles {
		features, _ := loadLayer(t, file)
		routes := map[string][]orb.LineString{}
		ids := map[string][]string{}
		for _, f := range features {
			ls, ok := f.Geometry.(orb.LineString)
			route, _ := f.Properties["route"].(string)
			if !ok || route == "" {
				continue
			}
			routes[route] = append(routes[route], ls)
			ids[route] = append(ids[route], f.ID.(string))
		}
		for route, sections := range routes {
			if len(sections) < 2 {
				t.Errorf("%s route %q has only one section (%v)", file, route, ids[route])
				continue
			}
			var starts, ends []orb.Point
			for _, ls := range sections {
				starts, ends = append(starts, ls[0]), append(ends, ls[len(ls)-1])
			}
			loose := 0
			for i, s := range starts {
				if d := nearest(ends, s); d > joinToleranceKm {
					loose++
					if loose > 1 {
						t.Errorf("%s route %q: %s starts %.1f km from the end of any other section", file, route, ids[route][i], d)
					}
				}
			}
			loose = 0
			for i, e := range ends {
				if d := nearest(starts, e); d > joinToleranceKm {
					loose++
					if loose > 1 {
						t.Errorf("%s route %q: %s ends %.1f km from the start of any other section", file, route, ids[route][i], d)
					}
				}
			}
		}
	}
}

// TestPlaceCoordSourcesCiteTheOriginal wants a place whose coordinates come
// from a Wikipedia article to cite the article on wikipedia.org, where a
// reader can check it, not a copy on another site; where the article was
// read from a copy, read_from says so, beside the original.
func TestPlaceCoordSourcesCiteTheOriginal(t *testing.T) {
	features, _ := loadLayer(t, "places.geojson")
	for _, f := range features {
		cs, _ := f.Properties["coord_source"].(map[string]any)
		publisher, _ := cs["publisher"].(string)
		title, _ := cs["title"].(string)
		for _, key := range []string{"url", "checked_against"} {
			raw, _ := cs[key].(string)
			if raw == "" {
				continue
			}
			u, err := url.Parse(raw)
			if err != nil {
				t.Errorf("place %v: coord_source %s %q is not a URL", f.ID, key, raw)
				continue
			}
			fromWikipedia := key == "checked_against" || publisher == "Wikipedia" || strings.Contains(title, "Wikipedia")
			if fromWikipedia && strings.Contains(u.Host, "wiki") && !strings.HasSuffix(u.Host, ".wikipedia.org") {
				t.Errorf("place %v: coord_source %s %s is a copy of Wikipedia; cite the article on wikipedia.org (and the copy as read_from)", f.ID, key, raw)
			}
			if key == "url" && fromWikipedia && !strings.HasSuffix(u.Host, ".wikipedia.org") {
				t.Errorf("place %v: coord_source cites Wikipedia at %s, not wikipedia.org", f.ID, raw)
			}
		}
	}
}

// TestLinesReachNoFurtherThanTheirLength wants the straight line between a
// line's two ends to be no longer than its published length: a pipeline,
// railway or power line is never shorter than the distance it spans, so
// ends placed further apart than that misplace at least one of them (as
// the Galkynysh node would be, set on the field's article point).
func TestLinesReachNoFurtherThanTheirLength(t *testing.T) {
	for _, file := range lineFiles {
		features, _ := loadLayer(t, file)
		for _, f := range features {
			ls, ok := f.Geometry.(orb.LineString)
			published, known := f.Properties["length_km_published"].(float64)
			if !ok || !known {
				continue
			}
			if span := geo.DistanceHaversine(ls[0], ls[len(ls)-1]) / 1000; span > published {
				t.Errorf("%s %q: its ends are %.1f km apart, more than its published length of %.0f km", file, f.ID, span, published)
			}
		}
	}
}
