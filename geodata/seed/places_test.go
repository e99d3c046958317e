package seed_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"

	"github.com/casmap/casmap/geodata"
)

var placeKinds = map[string]bool{"capital": true, "city": true, "town": true, "crossing": true, "field": true, "station": true}

func TestPlaces(t *testing.T) {
	_, borders := loadLayer(t, "borders.geojson")
	features, byID := loadLayer(t, "places.geojson")
	country := func(iso string) (orb.MultiPolygon, bool) {
		f := borders[strings.ToLower(iso)]
		if f == nil {
			return nil, false
		}
		mp, ok := f.Geometry.(orb.MultiPolygon)
		return mp, ok
	}
	for _, f := range features {
		id := f.ID.(string)
		name := fmt.Sprintf("places feature %q", id)
		pt, ok := f.Geometry.(orb.Point)
		if !ok {
			t.Errorf("%s: geometry is a %s, want Point", name, f.Geometry.GeoJSONType())
			continue
		}
		for _, key := range []string{"name", "name_ru", "name_local"} {
			if s, _ := f.Properties[key].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s: %s is missing", name, key)
			}
		}
		kind, _ := f.Properties["kind"].(string)
		if !placeKinds[kind] {
			t.Errorf("%s: kind %q is not one of capital, city, town, crossing, field, station", name, kind)
		}
		iso, _ := f.Properties["country"].(string)
		home, ok := country(iso)
		if !ok {
			t.Errorf("%s: country %q is not a country of the borders layer", name, iso)
			continue
		}
		if kind != "crossing" {
			if !planar.MultiPolygonContains(home, pt) {
				t.Errorf("%s: point %v is not inside %s (%.1f km from its border)", name, pt, iso, geodata.DistanceKm(home, pt))
			}
			continue
		}
		// A crossing sits on the border: within crossingToleranceKm of the
		// outline of each of its two countries, and not deep inside a third.
		list, _ := f.Properties["countries"].([]any)
		if len(list) != 2 || (list[0] != iso && list[1] != iso) {
			t.Errorf("%s: countries must list the two countries, %s among them; got %v", name, iso, list)
			continue
		}
		if d := geodata.DistanceKm(home, pt); !planar.MultiPolygonContains(home, pt) && d > crossingToleranceKm {
			t.Errorf("%s: point %v is %.1f km outside %s", name, pt, d, iso)
		}
		for _, c := range list {
			cc, _ := c.(string)
			mp, ok := country(cc)
			if !ok {
				t.Errorf("%s: country %q is not a country of the borders layer", name, cc)
				continue
			}
			if d := geodata.DistanceKm(mp, pt); d > crossingToleranceKm {
				t.Errorf("%s: point %v is %.1f km from the border of %s (allowed %.0f km)", name, pt, d, cc, crossingToleranceKm)
			}
		}
	}
	for _, id := range []string{"kabul", "dushanbe", "tashkent", "ashgabat", "bishkek", "astana", "islamabad", "tehran",
		"termez", "mazar-i-sharif", "khorog", "crossing-hairatan-termez"} {
		if byID[id] == nil {
			t.Errorf("places: %q is missing", id)
		}
	}
}
