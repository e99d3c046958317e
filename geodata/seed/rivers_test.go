package seed_test

import (
	"net/url"
	"strings"
	"testing"
	"unicode"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"

	"github.com/casmap/casmap/geodata"
)

// namedRivers and namedLakes are the ids geodata/provenance/rivers.json
// names; the map must show each of them.
var (
	namedRivers = []string{
		"pamir", "panj", "vakhsh", "amu-darya", "kunduz", "kokcha", "balkh", "kabul", "helmand", "arghandab",
		"hari-rud", "murghab", "zeravshan", "syr-darya", "naryn", "chu", "ili", "indus",
	}
	namedLakes = []string{
		"caspian-sea", "aral-sea", "lake-balkhash", "issyk-kul", "lake-zaysan", "alakol",
		"kapchagay", "kayrakkum", "karakul", "sarez", "hamun", "lake-urmia",
	}
)

func TestRivers(t *testing.T) {
	features, byID := loadLayer(t, "rivers.geojson")
	for _, f := range features {
		id := f.ID.(string)
		p := f.Properties
		kind, _ := p["kind"].(string)
		switch f.Geometry.(type) {
		case orb.MultiLineString:
			if kind != "river" {
				t.Errorf("rivers %q: a line of kind %q, want river", id, kind)
			}
			if classes, _ := p["wdb_classes"].([]any); len(classes) == 0 {
				t.Errorf("rivers %q: no wdb_classes", id)
			}
		case orb.MultiPolygon:
			if kind != "lake" && kind != "reservoir" {
				t.Errorf("rivers %q: a polygon of kind %q, want lake or reservoir", id, kind)
			}
		default:
			t.Errorf("rivers %q: geometry is a %s, want MultiLineString or MultiPolygon", id, f.Geometry.GeoJSONType())
		}
		if b := f.Geometry.Bound(); !window.Contains(b.Min) || !window.Contains(b.Max) {
			t.Errorf("rivers %q: extent %v..%v leaves the window", id, b.Min, b.Max)
		}
		checkCoordSource(t, "rivers "+id, p["coord_source"])
		if _, named := p["name"]; named {
			checkNamed(t, id, p)
		}
	}
	for _, id := range append(append([]string{}, namedRivers...), namedLakes...) {
		if byID[id] == nil || byID[id].Properties["name"] == nil {
			t.Errorf("rivers: %q is missing or unnamed", id)
		}
	}
	if note, _ := byID["aral-sea"].Properties["note"].(string); !strings.Contains(note, "Not today's sea") || byID["aral-sea"].Properties["historic_extent"] != true {
		t.Errorf("aral-sea: historic_extent and the note must say the outline is not today's shrunken sea, got %q", note)
	}
	if len(features) > 300 {
		t.Errorf("rivers: %d features, want at most 300", len(features))
	}
	checkFileSize(t, "rivers.geojson", maxRiversBytes)
}

// checkNamed checks what search and the details need of a named river or
// lake: names in the scripts they are given in, and a source for the name
// besides the two that give the geometry.
func checkNamed(t *testing.T, id string, p geojson.Properties) {
	t.Helper()
	name, _ := p["name"].(string)
	if name == "" || !isScript(name, unicode.Latin) {
		t.Errorf("rivers %q: name %q is not in Latin script", id, name)
	}
	if ru, ok := p["name_ru"].(string); ok && !isScript(ru, unicode.Cyrillic) {
		t.Errorf("rivers %q: name_ru %q is not Cyrillic", id, ru)
	}
	if local, ok := p["name_local"].(string); ok {
		if lang, _ := p["name_local_lang"].(string); lang == "" || local == "" {
			t.Errorf("rivers %q: name_local %q needs name_local_lang", id, local)
		}
	}
	sources, _ := p["sources"].([]any)
	if len(sources) < 3 {
		t.Errorf("rivers %q: %d sources; a name needs one besides GSHHG and Debian's package", id, len(sources))
	}
	if method, _ := p["name_method"].(string); p["kind"] == "river" && !strings.Contains(method, "rivers.json") {
		t.Errorf("rivers %q: name_method does not say how the name was given", id)
	}
}

// isScript reports whether every letter of s is in the given script.
func isScript(s string, script *unicode.RangeTable) bool {
	letters := 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
			if !unicode.Is(script, r) {
				return false
			}
		}
	}
	return letters > 0
}

// TestAmuDaryaAndPanjAreTheAfghanBorder checks what the map must show: the
// Panj and the Amu Darya run along Afghanistan's border with Tajikistan
// and Uzbekistan. Two different data sets (WDBII's rivers, Natural Earth's
// borders) must agree within a few kilometres over most of the length.
func TestAmuDaryaAndPanjAreTheAfghanBorder(t *testing.T) {
	_, rivers := loadLayer(t, "rivers.geojson")
	_, borders := loadLayer(t, "borders.geojson")
	afghanistan := geodata.NewMeasure(borders["afg"].Geometry)
	const withinKm = 3

	// The rivers follow the border: the Pamir River and Panj all along,
	// the Amu Darya from the Panj-Vakhsh confluence down to where the
	// Afghan-Turkmen border leaves it, west of Kerki (66°E is well inside
	// that stretch).
	for _, tc := range []struct {
		id    string
		keep  func(orb.Point) bool
		share float64
	}{
		{"pamir", func(orb.Point) bool { return true }, 0.95},
		{"panj", func(orb.Point) bool { return true }, 0.95},
		{"amu-darya", func(p orb.Point) bool { return p[0] >= 66 }, 0.95},
	} {
		f := rivers[tc.id]
		if f == nil {
			t.Errorf("rivers: no %s", tc.id)
			continue
		}
		total, near := 0, 0
		worst, worstAt := 0.0, orb.Point{}
		for pt := range geodata.Points(f.Geometry) {
			if !tc.keep(pt) {
				continue
			}
			total++
			d := afghanistan.DistanceKm(pt)
			if d <= withinKm {
				near++
			}
			if d > worst {
				worst, worstAt = d, pt
			}
		}
		share := float64(near) / float64(max(total, 1))
		t.Logf("%s: %d of %d vertices (%.0f%%) within %d km of the Afghan border; farthest %.1f km at %v", tc.id, near, total, 100*share, withinKm, worst, worstAt)
		if total < 10 || share < tc.share {
			t.Errorf("%s: only %d of %d vertices (%.0f%%) lie within %d km of Afghanistan's border, want %.0f%%; farthest %.1f km at %v",
				tc.id, near, total, 100*share, withinKm, 100*tc.share, worst, worstAt)
		}
	}

	// And the border follows the rivers: the vertices of Afghanistan's
	// outline that it shares with Tajikistan and Uzbekistan lie near the
	// Pamir River, the Panj or the Amu Darya.
	riverLines := geodata.NewMeasure(orb.Collection{rivers["pamir"].Geometry, rivers["panj"].Geometry, rivers["amu-darya"].Geometry})
	neighbours := []*geodata.Measure{geodata.NewMeasure(borders["tjk"].Geometry), geodata.NewMeasure(borders["uzb"].Geometry)}
	total, near := 0, 0
	for pt := range geodata.Points(borders["afg"].Geometry) {
		shared := false
		for _, m := range neighbours {
			if m.DistanceKm(pt) < 1 {
				shared = true
			}
		}
		if !shared {
			continue
		}
		total++
		if riverLines.DistanceKm(pt) <= withinKm {
			near++
		}
	}
	share := float64(near) / float64(max(total, 1))
	t.Logf("Afghan border with Tajikistan and Uzbekistan: %d of %d vertices (%.0f%%) within %d km of the Pamir, Panj or Amu Darya", near, total, 100*share, withinKm)
	if total < 100 || share < 0.85 {
		t.Errorf("only %d of %d vertices (%.0f%%) of the Afghan border with Tajikistan and Uzbekistan lie within %d km of the rivers, want 85%%",
			near, total, 100*share, withinKm)
	}
}

// TestLakeLabels checks that each lake's name has a place inside it.
func TestLakeLabels(t *testing.T) {
	features, _ := loadLayer(t, "rivers.geojson")
	for _, f := range features {
		mp, ok := f.Geometry.(orb.MultiPolygon)
		if !ok {
			continue
		}
		pt, ok := labelPoint(f.Properties["label_point"])
		if !ok || !planar.MultiPolygonContains(mp, pt) {
			t.Errorf("rivers %q: label_point %v is not inside the lake", f.ID, f.Properties["label_point"])
		}
		if z, ok := f.Properties["label_minzoom"].(float64); !ok || z < 5 || z > 12 {
			t.Errorf("rivers %q: label_minzoom %v is not a zoom in 5..12", f.ID, f.Properties["label_minzoom"])
		}
	}
}

// TestRiverSourcesCiteTheOriginal wants a river's or lake's name source that
// is a Wikipedia article to cite the article on wikipedia.org, with any copy
// or translation it was read from named in read_from, as places do.
func TestRiverSourcesCiteTheOriginal(t *testing.T) {
	features, _ := loadLayer(t, "rivers.geojson")
	for _, f := range features {
		sources, _ := f.Properties["sources"].([]any)
		for _, s := range sources {
			m, _ := s.(map[string]any)
			raw, _ := m["url"].(string)
			title, _ := m["title"].(string)
			publisher, _ := m["publisher"].(string)
			u, err := url.Parse(raw)
			if err != nil || u.Host == "" {
				t.Errorf("rivers %v: source %q has no URL", f.ID, title)
				continue
			}
			fromWikipedia := publisher == "Wikipedia" || strings.Contains(title, "Wikipedia")
			if (fromWikipedia || strings.Contains(u.Host, "wiki")) && !strings.HasSuffix(u.Host, ".wikipedia.org") {
				t.Errorf("rivers %v: source %q cites %s, a copy; cite the article on wikipedia.org and the copy as read_from", f.ID, title, raw)
			}
		}
	}
}
