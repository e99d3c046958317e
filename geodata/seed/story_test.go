package seed_test

// These tests check the curated story layers (TAPI, railways, incidents)
// against the rules they promise: valid incidents, places inside the
// countries they name, lengths that agree with their geometry and with
// published figures, and milestones from which each status follows.

import (
	"encoding/json"
	"math"
	"os"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/planar"
)

const (
	// incidentToleranceDeg lets a point sit just outside a generalised
	// border line (Natural Earth 10m is accurate to a few hundred metres).
	incidentToleranceDeg = 0.05
	// endpointToleranceKm is how far a line's first or last vertex may lie
	// outside the country it names (lines end at border crossings).
	endpointToleranceKm = 5.0
)

var (
	lineStatuses    = map[string]bool{"operating": true, "under_construction": true, "proposed": true, "suspended": true}
	milestoneEvents = map[string]bool{"agreed": true, "groundbreaking": true, "construction_started": true, "opened": true, "suspended": true, "resumed": true, "announced": true}
	isoDate         = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}$`)
	idDatePrefix    = regexp.MustCompile(`^\d{4}-\d{2}-\d{2}-[a-z0-9-]+$`)
)

// storyLayer reads and decodes a seed file with the same decoder the seed
// loader uses, failing the test on any error.
func storyLayer(t *testing.T, file string) []geodata.Feature {
	t.Helper()
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read %s: %v", file, err)
	}
	var raw map[string]any
	if err := json.Unmarshal(data, &raw); err != nil {
		t.Fatalf("%s: not JSON: %v", file, err)
	}
	if _, ok := raw["crs"]; ok {
		t.Errorf("%s: has a crs member, which RFC 7946 drops", file)
	}
	fs, err := geodata.DecodeFeatureCollection(data)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return fs
}

// storyShapes returns the borders layer's polygons by ISO3 code. It fails
// (never skips) when the layer is missing or empty, since every placement
// check depends on it.
func storyShapes(t *testing.T) (map[string]orb.MultiPolygon, orb.Bound) {
	t.Helper()
	fs := storyLayer(t, "borders.geojson")
	if len(fs) == 0 {
		t.Fatalf("borders.geojson has no features: the country polygons are needed to check where incidents, railways and TAPI sections lie")
	}
	shapes := map[string]orb.MultiPolygon{}
	var window orb.Bound
	for i, f := range fs {
		iso, _ := f.Properties["iso_a3"].(string)
		var mp orb.MultiPolygon
		switch g := f.Geometry.(type) {
		case orb.MultiPolygon:
			mp = g
		case orb.Polygon:
			mp = orb.MultiPolygon{g}
		default:
			t.Fatalf("borders feature %q is a %s, want MultiPolygon", f.ID, f.Geometry.GeoJSONType())
		}
		if i == 0 {
			window = mp.Bound()
		} else {
			window = window.Union(mp.Bound())
		}
		if iso == "" || iso == "-99" {
			continue
		}
		shapes[iso] = append(shapes[iso], mp...)
	}
	return shapes, window
}

// storyWithin reports whether p is inside mp or no farther than tolKm from it.
func storyWithin(mp orb.MultiPolygon, p orb.Point, tolKm float64) bool {
	return planar.MultiPolygonContains(mp, p) || geodata.DistanceKm(mp, p) <= tolKm
}

func TestStoryIncidents(t *testing.T) {
	fs := storyLayer(t, "incidents.geojson")
	shapes, window := storyShapes(t)
	if len(fs) < 25 {
		t.Errorf("incidents: %d features, want at least 25", len(fs))
	}
	first := time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	today := time.Now().UTC()
	for _, f := range fs {
		t.Run(f.ID, func(t *testing.T) {
			if err := geodata.ValidateIncident(f); err != nil {
				t.Fatalf("ValidateIncident: %v", err)
			}
			p := f.Properties
			checkSources(t, "incident", p["sources"])
			from, to, _ := geodata.TimeSpan(p)
			if ctx, _ := p["context"].(string); from.Before(first) && ctx != "" && from.Year() >= 2016 {
				// An earlier attack the commentary refers to, marked as context.
			} else if from.Before(first) || to.After(today.Add(24*time.Hour)) {
				t.Errorf("dates %s..%s fall outside 2021-01-01..today", from.Format(time.DateOnly), to.Format(time.DateOnly))
			}
			if d, _ := p["date"].(string); !strings.HasPrefix(f.ID, d) || !idDatePrefix.MatchString(f.ID) {
				t.Errorf("id %q should be a slug starting with its date %q", f.ID, d)
			}
			for _, k := range []string{"title", "actor", "location", "summary"} {
				if s, _ := p[k].(string); strings.TrimSpace(s) == "" {
					t.Errorf("%s is empty", k)
				}
			}
			if v, ok := p["claimed_by"]; !ok {
				t.Errorf("claimed_by is missing (use null when nobody claimed it)")
			} else if _, isStr := v.(string); v != nil && !isStr {
				t.Errorf("claimed_by = %v, want a string or null", v)
			}
			storyStatements(t, p)
			storyIncidentPlace(t, f, shapes, window)
		})
	}
}

func storyStatements(t *testing.T, p map[string]any) {
	t.Helper()
	v, ok := p["statements"]
	if !ok {
		if p["confidence"] == "disputed" {
			t.Logf("disputed incident has no statements showing both sides")
		}
		return
	}
	list, _ := v.([]any)
	if len(list) < 2 {
		t.Errorf("statements should show at least two sides, got %v", v)
	}
	for i, item := range list {
		m, _ := item.(map[string]any)
		party, _ := m["party"].(string)
		claim, _ := m["claim"].(string)
		if party == "" || claim == "" {
			t.Errorf("statement %d needs a party and a claim: %v", i+1, item)
		}
	}
}

func storyIncidentPlace(t *testing.T, f geodata.Feature, shapes map[string]orb.MultiPolygon, window orb.Bound) {
	t.Helper()
	pt := f.Geometry.(orb.Point)
	iso, _ := f.Properties["country"].(string)
	if len(iso) != 3 || strings.ToUpper(iso) != iso {
		t.Fatalf("country %q is not an ISO 3166-1 alpha-3 code", iso)
	}
	if outside, _ := f.Properties["outside_map"].(bool); outside {
		if _, mapped := shapes[iso]; mapped {
			t.Errorf("outside_map is true but %s is in the borders layer", iso)
		}
		return
	}
	mp, ok := shapes[iso]
	if !ok {
		t.Fatalf("country %s is not in the borders layer; set outside_map: true or fix the code", iso)
	}
	if planar.MultiPolygonContains(mp, pt) || planar.DistanceFrom(mp, pt) <= incidentToleranceDeg {
		return
	}
	if !window.Contains(pt) {
		// The borders layer clips China, India, Kazakhstan and Russia to the
		// map window; a place beyond the window (Moscow) cannot be checked
		// against its clipped polygon, but must not fall in another country.
		for other, omp := range shapes {
			if other != iso && planar.MultiPolygonContains(omp, pt) {
				t.Errorf("point %v is outside the map window and inside %s, not %s", pt, other, iso)
			}
		}
		t.Logf("point %v lies outside the map window; %s polygon is clipped, containment not checked", pt, iso)
		return
	}
	t.Errorf("point %v (%s) is not inside %s (off by %.3f°)", pt, f.Properties["location"], iso, planar.DistanceFrom(mp, pt))
}

func TestStoryLines(t *testing.T) {
	shapes, _ := storyShapes(t)
	for _, file := range []string{"tapi.geojson", "railways.geojson", "power.geojson"} {
		fs := storyLayer(t, file)
		lines := 0
		for _, f := range fs {
			ls, ok := f.Geometry.(orb.LineString)
			if !ok {
				t.Run(f.ID, func(t *testing.T) { storyNode(t, file, f, shapes) })
				continue
			}
			lines++
			t.Run(f.ID, func(t *testing.T) {
				storyPrecision(t, ls)
				storyLine(t, file, f, ls, shapes)
			})
		}
		if lines == 0 {
			t.Errorf("%s has no LineString features", file)
		}
	}
}

// storyNode checks the optional Point features of the TAPI layer.
func storyNode(t *testing.T, file string, f geodata.Feature, shapes map[string]orb.MultiPolygon) {
	pt, ok := f.Geometry.(orb.Point)
	if file != "tapi.geojson" || !ok || !strings.HasPrefix(f.ID, "tapi-node-") {
		t.Fatalf("%s: only LineStrings, plus tapi-node-* Points in tapi.geojson, are expected; got %s", file, f.Geometry.GeoJSONType())
	}
	checkSources(t, "node", f.Properties["sources"])
	iso, _ := f.Properties["country"].(string)
	if mp, ok := shapes[iso]; !ok || !storyWithin(mp, pt, endpointToleranceKm) {
		t.Errorf("node %v is not in %s", pt, iso)
	}
}

func storyPrecision(t *testing.T, ls orb.LineString) {
	t.Helper()
	if n := len(ls); n < 5 || n > 80 {
		t.Errorf("%d vertices, want roughly 5-40 (enough to follow the route)", n)
	}
	for _, p := range ls {
		for _, v := range p {
			if math.Abs(v*1e5-math.Round(v*1e5)) > 1e-6 {
				t.Errorf("coordinate %v has more than 5 decimals", p)
				return
			}
		}
	}
}

func storyLine(t *testing.T, file string, f geodata.Feature, ls orb.LineString, shapes map[string]orb.MultiPolygon) {
	t.Helper()
	p := f.Properties
	checkSources(t, "line", p["sources"])
	status, _ := p["status"].(string)
	if !lineStatuses[status] {
		t.Errorf("status %q is not one of operating, under_construction, proposed, suspended", status)
	}
	for _, k := range []string{"name", "note", "country"} {
		if s, _ := p[k].(string); s == "" {
			t.Errorf("%s is empty", k)
		}
	}
	if file == "railways.geojson" {
		if g, ok := p["gauge_mm"]; !ok {
			t.Errorf("gauge_mm is missing (use null when mixed or unknown)")
		} else if _, isNum := g.(float64); g != nil && !isNum {
			t.Errorf("gauge_mm = %v, want a number or null", g)
		}
	}
	if file == "power.geojson" {
		for _, k := range []string{"voltage_kv", "capacity_mw"} {
			if v, ok := p[k]; !ok {
				t.Errorf("%s is missing (use null when the sources do not give it)", k)
			} else if _, isNum := v.(float64); v != nil && !isNum {
				t.Errorf("%s = %v, want a number or null", k, v)
			}
		}
	}
	if file == "tapi.geojson" && p["capacity_bcm_per_year"] != 33.0 {
		t.Errorf("capacity_bcm_per_year = %v, want 33", p["capacity_bcm_per_year"])
	}

	countries := storyStrings(p["countries"])
	if len(countries) == 0 {
		t.Fatalf("countries is empty")
	}
	ends := []struct {
		name string
		pt   orb.Point
		iso  string
	}{{"first", ls[0], countries[0]}, {"last", ls[len(ls)-1], countries[len(countries)-1]}}
	for _, e := range ends {
		mp, ok := shapes[e.iso]
		if !ok {
			t.Errorf("country %s is not in the borders layer", e.iso)
			continue
		}
		if !storyWithin(mp, e.pt, endpointToleranceKm) {
			t.Errorf("%s point %v is %.1f km outside %s", e.name, e.pt, geodata.DistanceKm(mp, e.pt), e.iso)
		}
	}

	km := geo.LengthHaversine(ls) / 1000
	stored, _ := p["length_km"].(float64)
	if math.Abs(stored-km) > 0.01*km {
		t.Errorf("length_km = %.1f, geometry measures %.1f km (LengthHaversine)", stored, km)
	}
	if pub, ok := p["length_km_published"].(float64); ok {
		if math.Abs(km-pub) > 0.10*pub {
			t.Errorf("geometry measures %.1f km, more than 10%% off the published %.0f km", km, pub)
		}
	} else if v, present := p["length_km_published"]; !present || v != nil {
		t.Errorf("length_km_published = %v, want a number or null", v)
	}
	storyMilestones(t, p["milestones"], status)
}

// storyMilestones checks that milestones are dated, sorted, sourced and use
// the agreed events, and that the feature's status follows from them:
// agreed or a first announcement make a project proposed; groundbreaking
// and construction_started put it under construction; opened makes it
// operating; suspended suspends it; resumed restores operation if it was
// operating before (a resumption after an unrecorded stoppage keeps an
// operating line operating) and otherwise means under construction. Later
// announcements and agreements change nothing.
func storyMilestones(t *testing.T, v any, status string) {
	t.Helper()
	list, ok := v.([]any)
	if !ok || len(list) == 0 {
		t.Fatalf("milestones must be a non-empty list")
	}
	var dates []string
	derived, beforeSuspension := "", ""
	for i, item := range list {
		m, _ := item.(map[string]any)
		date, _ := m["date"].(string)
		event, _ := m["event"].(string)
		if _, err := time.Parse(time.DateOnly, date); err != nil {
			t.Errorf("milestone %d: date %q is not YYYY-MM-DD", i+1, date)
		}
		if !milestoneEvents[event] {
			t.Errorf("milestone %d: event %q is not one of the agreed events", i+1, event)
		}
		if note, _ := m["note"].(string); note == "" {
			t.Errorf("milestone %d (%s): note is empty", i+1, date)
		}
		checkSources(t, "milestone "+date, m["sources"])
		dates = append(dates, date)
		switch event {
		case "agreed":
			if derived == "" {
				derived = "proposed"
			}
		case "announced":
			if derived == "" {
				derived = "proposed"
			}
		case "groundbreaking", "construction_started":
			if derived != "operating" {
				derived = "under_construction"
			}
		case "opened":
			derived = "operating"
		case "suspended":
			beforeSuspension, derived = derived, "suspended"
		case "resumed":
			if derived == "suspended" {
				derived = beforeSuspension
			}
			if derived != "operating" {
				derived = "under_construction"
			}
		}
	}
	if !sort.StringsAreSorted(dates) {
		t.Errorf("milestones are not sorted by date: %v", dates)
	}
	if derived != status {
		t.Errorf("status %q does not follow from the milestones, which give %q", status, derived)
	}
}

func storyStrings(v any) []string {
	list, _ := v.([]any)
	out := make([]string, 0, len(list))
	for _, x := range list {
		if s, ok := x.(string); ok {
			out = append(out, s)
		}
	}
	return out
}
