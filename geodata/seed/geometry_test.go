package seed_test

import (
	"encoding/json"
	"fmt"
	"math"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/casmap/casmap/geodata"
)

// window is the map's region; borders are clipped to it (see
// geodata/provenance).
var window = orb.Bound{Min: orb.Point{40, 20}, Max: orb.Point{92, 58}}

// Tolerances, in kilometres. Natural Earth's admin-0 (borders) and admin-1
// (gbao) files are separate products and world-atlas quantizes admin-0 to
// steps of about 200-300 m, so the two outlines differ by a few hundred
// metres along the shared line.
const (
	gbaoToleranceKm     = 1.0
	crossingToleranceKm = 3.0
)

type manifestEntry struct {
	ID    string   `json:"id"`
	File  string   `json:"file"`
	Files []string `json:"files"`
}

func readManifest(t *testing.T) []manifestEntry {
	t.Helper()
	raw, err := os.ReadFile("layers.json")
	if err != nil {
		t.Fatalf("read layers.json: %v", err)
	}
	var m []manifestEntry
	if err := json.Unmarshal(raw, &m); err != nil {
		t.Fatalf("parse layers.json: %v", err)
	}
	// A layer stored in several files is checked one file at a time.
	var out []manifestEntry
	for _, e := range m {
		if len(e.Files) == 0 {
			out = append(out, e)
		}
		for _, f := range e.Files {
			out = append(out, manifestEntry{ID: e.ID, File: f})
		}
	}
	return out
}

// loadLayer reads a seed file directly (not through seed.Load, so a broken
// file of another layer does not hide this one's result), checks it with
// the domain's own decoder and returns its features by id, in file order.
func loadLayer(t *testing.T, file string) ([]*geojson.Feature, map[string]*geojson.Feature) {
	t.Helper()
	raw, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	if _, err := geodata.DecodeFeatureCollection(raw); err != nil {
		t.Fatalf("%s: rejected by geodata.DecodeFeatureCollection: %v", file, err)
	}
	fc, err := geojson.UnmarshalFeatureCollection(raw)
	if err != nil {
		t.Fatalf("%s: not a GeoJSON FeatureCollection: %v", file, err)
	}
	byID := make(map[string]*geojson.Feature, len(fc.Features))
	for _, f := range fc.Features {
		id, _ := f.ID.(string)
		byID[id] = f
	}
	return fc.Features, byID
}

// TestLayerFilesRFC7946 checks every layer file named in the manifest
// against RFC 7946 and casmap's own rules for features.
func TestLayerFilesRFC7946(t *testing.T) {
	for _, m := range readManifest(t) {
		t.Run(m.ID, func(t *testing.T) {
			raw, err := os.ReadFile(m.File)
			if err != nil {
				t.Fatalf("read %s: %v", m.File, err)
			}
			var doc struct {
				Type     string            `json:"type"`
				CRS      json.RawMessage   `json:"crs"`
				Features []json.RawMessage `json:"features"`
			}
			if err := json.Unmarshal(raw, &doc); err != nil {
				t.Fatalf("%s is not JSON: %v", m.File, err)
			}
			if doc.Type != "FeatureCollection" {
				t.Fatalf("%s: type is %q, want FeatureCollection", m.File, doc.Type)
			}
			if doc.CRS != nil {
				t.Errorf("%s: has a \"crs\" member, which RFC 7946 removed", m.File)
			}
			seen := map[string]int{}
			for i, fraw := range doc.Features {
				checkFeature(t, m, i, fraw, seen)
			}
		})
	}
}

func checkFeature(t *testing.T, m manifestEntry, i int, fraw json.RawMessage, seen map[string]int) {
	t.Helper()
	var f struct {
		Type       string          `json:"type"`
		ID         json.RawMessage `json:"id"`
		CRS        json.RawMessage `json:"crs"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties map[string]any  `json:"properties"`
	}
	if err := json.Unmarshal(fraw, &f); err != nil {
		t.Errorf("%s feature %d: not a JSON object: %v", m.File, i+1, err)
		return
	}
	var id string
	if err := json.Unmarshal(f.ID, &id); err != nil || id == "" {
		t.Errorf("%s feature %d: id %s is not a non-empty string", m.File, i+1, f.ID)
		return
	}
	name := fmt.Sprintf("%s feature %q", m.File, id)
	if prev, dup := seen[id]; dup {
		t.Errorf("%s: id also used by feature %d", name, prev)
	}
	seen[id] = i + 1
	if f.Type != "Feature" {
		t.Errorf("%s: type is %q, want Feature", name, f.Type)
	}
	if f.CRS != nil {
		t.Errorf("%s: has a \"crs\" member", name)
	}
	g, err := geojson.UnmarshalGeometry(f.Geometry)
	if err != nil || g.Coordinates == nil {
		t.Errorf("%s: geometry is missing or invalid: %v", name, err)
		return
	}
	// The manifest's geometry kind is a styling hint, not a rule: a line
	// layer may carry points (e.g. pipeline nodes). The kinds of the
	// borders, gbao and places layers are checked in their own tests.
	for _, problem := range geometryProblems(g.Coordinates) {
		t.Errorf("%s: %s", name, problem)
	}
	checkSources(t, name, f.Properties["sources"])
}

// geometryProblems lists what breaks RFC 7946 in g: coordinates out of
// range, rings that are open or too short, and rings wound the wrong way
// (exterior rings must be counter-clockwise, holes clockwise).
func geometryProblems(g orb.Geometry) []string {
	var out []string
	pointOK := func(p orb.Point) {
		if math.IsNaN(p[0]) || math.IsNaN(p[1]) || p[0] < -180 || p[0] > 180 || p[1] < -90 || p[1] > 90 {
			out = append(out, fmt.Sprintf("coordinate %v is out of range", p))
		}
	}
	polygon := func(k int, p orb.Polygon) {
		if len(p) == 0 {
			out = append(out, fmt.Sprintf("polygon %d has no rings", k))
		}
		for j, r := range p {
			for _, pt := range r {
				pointOK(pt)
			}
			if len(r) < 4 || r[0] != r[len(r)-1] {
				out = append(out, fmt.Sprintf("polygon %d ring %d is not closed or has fewer than 4 positions", k, j))
				continue
			}
			want, what := orb.CCW, "exterior ring"
			if j > 0 {
				want, what = orb.CW, "hole"
			}
			if r.Orientation() != want {
				out = append(out, fmt.Sprintf("polygon %d ring %d: %s is not %s (RFC 7946 right-hand rule)", k, j, what, orientationName(want)))
			}
		}
	}
	switch g := g.(type) {
	case orb.Point:
		pointOK(g)
	case orb.MultiPoint:
		for _, p := range g {
			pointOK(p)
		}
	case orb.LineString:
		if len(g) < 2 {
			out = append(out, "line has fewer than 2 positions")
		}
		for _, p := range g {
			pointOK(p)
		}
	case orb.MultiLineString:
		for _, l := range g {
			out = append(out, geometryProblems(l)...)
		}
	case orb.Polygon:
		polygon(1, g)
	case orb.MultiPolygon:
		for k, p := range g {
			polygon(k+1, p)
		}
	case orb.Collection:
		for _, c := range g {
			out = append(out, geometryProblems(c)...)
		}
	}
	if len(out) > 5 {
		out = append(out[:5], fmt.Sprintf("... and %d more", len(out)-5))
	}
	return out
}

func orientationName(o orb.Orientation) string {
	if o == orb.CCW {
		return "counter-clockwise"
	}
	return "clockwise"
}

// checkSources requires a non-empty list of sources, each with a title,
// a publisher, an http(s) URL, and an ISO 8601 date (a year or month is
// allowed where that is all the source gives) or, for an undated page,
// the ISO date it was read ("accessed").
func checkSources(t *testing.T, what string, v any) {
	t.Helper()
	list, _ := v.([]any)
	if len(list) == 0 {
		t.Errorf("%s: sources must be a non-empty list", what)
	}
	for i, item := range list {
		s, _ := item.(map[string]any)
		title, _ := s["title"].(string)
		publisher, _ := s["publisher"].(string)
		url, _ := s["url"].(string)
		date, _ := s["date"].(string)
		accessed, _ := s["accessed"].(string)
		if strings.TrimSpace(title) == "" || strings.TrimSpace(publisher) == "" {
			t.Errorf("%s: source %d needs a title and a publisher", what, i+1)
		}
		if !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://") {
			t.Errorf("%s: source %d url %q is not an http(s) URL", what, i+1, url)
		}
		switch {
		case date != "" && !isoPartialDate.MatchString(date):
			t.Errorf("%s: source %d date %q is not an ISO date (YYYY-MM-DD, YYYY-MM or YYYY)", what, i+1, date)
		case date == "" && !isoDate.MatchString(accessed):
			t.Errorf("%s: source %d has no date and no accessed date (YYYY-MM-DD)", what, i+1)
		}
	}
}

var isoPartialDate = regexp.MustCompile(`^\d{4}(-\d{2}(-\d{2})?)?$`)

var wholeCountries = []string{"afg", "tjk", "uzb", "tkm", "kgz", "kaz", "pak", "irn"}

func TestBorders(t *testing.T) {
	features, byID := loadLayer(t, "borders.geojson")
	for _, id := range wholeCountries {
		if byID[id] == nil {
			t.Errorf("borders: country %q is missing", id)
		}
	}
	for _, id := range []string{"chn", "ind", "rus"} {
		f := byID[id]
		if f == nil {
			t.Errorf("borders: country %q is missing", id)
			continue
		}
		if f.Properties["clipped"] != true {
			t.Errorf("borders feature %q: clipped is %v, want true", id, f.Properties["clipped"])
		}
	}
	for _, f := range features {
		id := f.ID.(string)
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			t.Errorf("borders feature %q: geometry is a %s, want MultiPolygon", id, f.Geometry.GeoJSONType())
			continue
		}
		for k, p := range mp {
			b := p.Bound()
			if !window.Contains(b.Min) || !window.Contains(b.Max) {
				t.Errorf("borders feature %q: polygon %d extent %v..%v is outside the window %v..%v", id, k+1, b.Min, b.Max, window.Min, window.Max)
			}
		}
		for _, key := range []string{"name", "name_ru", "name_local"} {
			if s, _ := f.Properties[key].(string); s == "" {
				t.Errorf("borders feature %q: %s is missing", id, key)
			}
		}
		if _, ok := f.Properties["clipped"].(bool); !ok {
			t.Errorf("borders feature %q: clipped must be true or false", id)
		}
		if iso, _ := f.Properties["iso_a3"].(string); iso != "" && strings.ToLower(iso) != id {
			t.Errorf("borders feature %q: iso_a3 %q does not match the id", id, iso)
		}
	}
	for _, id := range []string{"chn", "ind", "pak"} {
		if f := byID[id]; f != nil {
			if note, _ := f.Properties["note"].(string); !strings.Contains(note, "de facto") {
				t.Errorf("borders feature %q: note on the disputed Kashmir/Aksai Chin lines is missing", id)
			}
		}
	}
}

func TestGBAOInsideTajikistan(t *testing.T) {
	_, borders := loadLayer(t, "borders.geojson")
	features, _ := loadLayer(t, "gbao.geojson")
	if len(features) != 1 || features[0].ID != "gbao" {
		t.Fatalf("gbao.geojson: want exactly one feature with id \"gbao\", got %d", len(features))
	}
	gbao := features[0]
	tjk, ok := borders["tjk"].Geometry.(orb.MultiPolygon)
	if !ok {
		t.Fatal("borders: tjk is not a MultiPolygon")
	}
	mp, ok := gbao.Geometry.(orb.MultiPolygon)
	if !ok {
		t.Fatalf("gbao: geometry is a %s, want MultiPolygon", gbao.Geometry.GeoJSONType())
	}

	var total, inside int
	worst, worstAt := 0.0, orb.Point{}
	for _, p := range mp {
		for _, r := range p {
			for _, pt := range r {
				total++
				if planar.MultiPolygonContains(tjk, pt) {
					inside++
					continue
				}
				d := geodata.DistanceKm(tjk, pt)
				if d <= gbaoToleranceKm {
					inside++
				}
				if d > worst {
					worst, worstAt = d, pt
				}
			}
		}
	}
	if share := float64(inside) / float64(total); share < 0.99 {
		t.Errorf("gbao: only %d of %d vertices (%.1f%%) lie inside Tajikistan or within %.0f km of its border; worst %v is %.1f km outside",
			inside, total, 100*share, gbaoToleranceKm, worstAt, worst)
	}

	official, _ := gbao.Properties["area_km2"].(float64)
	computed := geo.Area(mp) / 1e6
	if official <= 0 {
		t.Fatal("gbao: area_km2 is missing")
	}
	if diff := math.Abs(computed-official) / official; diff > 0.05 {
		t.Errorf("gbao: area from the geometry is %.0f km², %.1f%% off the published %.0f km² (allowed 5%%)", computed, 100*diff, official)
	}
	if stored, _ := gbao.Properties["area_km2_computed"].(float64); math.Abs(stored-computed) > 1 {
		t.Errorf("gbao: area_km2_computed is %.0f, the geometry gives %.0f", stored, computed)
	}
	for _, key := range []string{"name", "name_ru", "name_local", "admin_centre", "note"} {
		if s, _ := gbao.Properties[key].(string); s == "" {
			t.Errorf("gbao: %s is missing", key)
		}
	}
}
