package seed_test

import (
	"regexp"
	"strconv"
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
)

// checkedToleranceKm is how far a place may lie from the coordinates its
// cited article gives: the 0.5 km the placement audit used.
const checkedToleranceKm = 0.5

// dmsPair matches the first coordinate pair a coord_source note quotes,
// as an infobox gives it: 34°31′31″N 69°10′42″E, or to the minute only.
var dmsPair = regexp.MustCompile(`(\d+)°(?:(\d+)′)?(?:([\d.]+)″)?([NS])\s*(\d+)°(?:(\d+)′)?(?:([\d.]+)″)?([EW])`)

// TestPlacesSitOnTheCoordinatesTheyCite wants every place whose coordinates
// come from a Wikipedia article to quote the article's coordinates in its
// coord_source note and to lie within checkedToleranceKm of them, so that
// "checked against the article" is a fact a reader can verify.
func TestPlacesSitOnTheCoordinatesTheyCite(t *testing.T) {
	features, _ := loadLayer(t, "places.geojson")
	checked := 0
	for _, f := range features {
		cs, _ := f.Properties["coord_source"].(map[string]any)
		if cs["kind"] != "source" || cs["publisher"] != "Wikipedia" {
			continue
		}
		note, _ := cs["note"].(string)
		cited, ok := parseDMS(note)
		if !ok {
			t.Errorf("place %v: coord_source cites Wikipedia but its note quotes no coordinates: %q", f.ID, note)
			continue
		}
		checked++
		at := f.Geometry.(orb.Point)
		if d := geo.DistanceHaversine(at, cited) / 1000; d > checkedToleranceKm {
			t.Errorf("place %v at %v is %.2f km from the %v its cited article gives (allowed %.1f km)", f.ID, at, d, cited, checkedToleranceKm)
		}
	}
	if checked == 0 {
		t.Error("no place cites coordinates from a Wikipedia article")
	}
}

func parseDMS(s string) (orb.Point, bool) {
	m := dmsPair.FindStringSubmatch(s)
	if m == nil {
		return orb.Point{}, false
	}
	angle := func(d, mi, se string) float64 {
		v, _ := strconv.ParseFloat(d, 64)
		if mi != "" {
			x, _ := strconv.ParseFloat(mi, 64)
			v += x / 60
		}
		if se != "" {
			x, _ := strconv.ParseFloat(se, 64)
			v += x / 3600
		}
		return v
	}
	lat, lon := angle(m[1], m[2], m[3]), angle(m[5], m[6], m[7])
	if m[4] == "S" {
		lat = -lat
	}
	if m[8] == "W" {
		lon = -lon
	}
	return orb.Point{lon, lat}, true
}
