package seed_test

import (
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/seed"
	"github.com/paulmach/orb"
)

// TestIncidentsKnowTheirDistanceFromTheAfghanBorder checks the annotation
// against places whose distance a reader of the map would know roughly.
func TestIncidentsKnowTheirDistanceFromTheAfghanBorder(t *testing.T) {
	layers, err := seed.Load()
	if err != nil {
		t.Fatalf("seed.Load: %v", err)
	}
	var incidents []geodata.Feature
	for _, l := range layers {
		if l.Layer.ID == geodata.LayerIncidents {
			incidents = l.Features
		}
	}
	byID := map[string]geodata.Feature{}
	for _, f := range incidents {
		if _, ok := f.Properties["afghan_border_km"].(float64); !ok {
			t.Errorf("incident %s has no afghan_border_km", f.ID)
		}
		byID[f.ID] = f
	}
	tests := []struct {
		id       string
		side     string
		min, max float64
	}{
		{"2022-12-12-kabul-longan-hotel", "inside", 60, 150}, // the Kurram salient lies some 90 km east
		{"2022-07-05-termez-rockets", "outside", 0, 20},
		{"2022-01-02-kazakhstan-unrest", "outside", 500, 1200},
	}
	for _, tc := range tests {
		f, ok := byID[tc.id]
		if !ok {
			t.Errorf("incident %s is missing from the seed", tc.id)
			continue
		}
		km, _ := f.Properties["afghan_border_km"].(float64)
		if f.Properties["afghan_border_side"] != tc.side || km < tc.min || km > tc.max {
			t.Errorf("incident %s: %v km %v the border, want %s and %g-%g km", tc.id, km, f.Properties["afghan_border_side"], tc.side, tc.min, tc.max)
		}
	}
}

// BenchmarkAnnotateBorderDistance measures the per-incident cost of the
// border distance an import pays, against the real Afghan border.
func BenchmarkAnnotateBorderDistance(b *testing.B) {
	layers, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	var afg orb.Geometry
	for _, l := range layers {
		for _, f := range l.Features {
			if l.Layer.ID == geodata.LayerBorders && f.ID == seed.AfghanistanID {
				afg = f.Geometry
			}
		}
	}
	features := make([]geodata.Feature, 1000)
	for i := range features {
		p := orb.Point{52 + float64(i%290)/10, 29 + float64(i%190)/10}
		features[i] = geodata.Feature{ID: "b", Geometry: p, Properties: map[string]any{}}
	}
	b.ResetTimer()
	for b.Loop() {
		geodata.AnnotateBorderDistance(features, afg)
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(features)), "ns/incident")
}
