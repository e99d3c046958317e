package seed_test

import (
	"testing"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
)

// TestLabelPoints checks that every country and province name has a place
// inside its own polygon and a zoom from which it is shown, and that the
// zooms follow size: a big area is named before a small one.
func TestLabelPoints(t *testing.T) {
	for _, tc := range []struct {
		file     string
		min, max int
	}{
		{"borders.geojson", 3, 7},
		{"provinces.geojson", 5, 10},
	} {
		features, _ := loadLayer(t, tc.file)
		for _, f := range features {
			id := f.ID.(string)
			pt, ok := labelPoint(f.Properties["label_point"])
			if !ok {
				t.Errorf("%s %q: label_point %v is not [lon, lat]", tc.file, id, f.Properties["label_point"])
				continue
			}
			mp, _ := f.Geometry.(orb.MultiPolygon)
			if !planar.MultiPolygonContains(mp, pt) {
				t.Errorf("%s %q: label_point %v is outside the polygon", tc.file, id, pt)
			}
			z, ok := f.Properties["label_minzoom"].(float64)
			if !ok || z != float64(int(z)) || int(z) < tc.min || int(z) > tc.max {
				t.Errorf("%s %q: label_minzoom %v is not a whole zoom in %d..%d", tc.file, id, f.Properties["label_minzoom"], tc.min, tc.max)
			}
		}
	}
	_, borders := loadLayer(t, "borders.geojson")
	_, provinces := loadLayer(t, "provinces.geojson")
	for _, pair := range []struct {
		layer      map[string]*geojson.Feature
		big, small string
	}{
		{borders, "kaz", "tjk"},
		{borders, "afg", "kas"},
		{provinces, "af-hel", "af-kab"},
		{provinces, "tj-kt", "tj-du"},
	} {
		zb := pair.layer[pair.big].Properties["label_minzoom"].(float64)
		zs := pair.layer[pair.small].Properties["label_minzoom"].(float64)
		if zb >= zs {
			t.Errorf("label_minzoom: %s at %v is not shown before the smaller %s at %v", pair.big, zb, pair.small, zs)
		}
	}
}

func labelPoint(v any) (orb.Point, bool) {
	a, _ := v.([]any)
	if len(a) != 2 {
		return orb.Point{}, false
	}
	lon, ok1 := a[0].(float64)
	lat, ok2 := a[1].(float64)
	return orb.Point{lon, lat}, ok1 && ok2 && window.Contains(orb.Point{lon, lat})
}
