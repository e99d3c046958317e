package geodata_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func TestCheckWrite(t *testing.T) {
	src := []any{map[string]any{"title": "Report", "url": "https://example.org/r"}}
	placed := map[string]any{"kind": "placed", "note": "placed by casmap on the town centre"}
	incidents := geodata.Layer{ID: "incidents", GeometryKind: "Point"}
	tapi := geodata.Layer{ID: "tapi", GeometryKind: "LineString, Point"}
	incident := func(edit func(p map[string]any)) geodata.Feature {
		p := map[string]any{"date": "2022-04-18", "category": "attack", "confidence": "claimed",
			"precision": "town", "country": "UZB", "sources": src, "coord_source": placed,
			"actor_group": "ISKP", "admin1": "Surxondaryo", "date_precision": "day"}
		if edit != nil {
			edit(p)
		}
		return geodata.Feature{ID: "x", Geometry: orb.Point{67.123456789, 37.2}, Properties: p}
	}
	tests := []struct {
		name   string
		layer  geodata.Layer
		f      geodata.Feature
		detail string // "" when the write is good
	}{
		{"good incident", incidents, incident(nil), ""},
		{"country not a code", incidents, incident(func(p map[string]any) { p["country"] = "Uzbekistan" }), "ISO 3166-1"},
		{"country lower case", incidents, incident(func(p map[string]any) { p["country"] = "uzb" }), "ISO 3166-1"},
		{"country retired", incidents, incident(func(p map[string]any) { p["country"] = "SUN" }), "ISO 3166-1"},
		{"country a number", incidents, incident(func(p map[string]any) { p["country"] = 860.0 }), "ISO 3166-1"},
		{"countries with a bad one", incidents, incident(func(p map[string]any) { p["countries"] = []any{"AFG", "XKX"} }), "XKX"},
		{"no sources", incidents, incident(func(p map[string]any) { delete(p, "sources") }), "sources"},
		{"bad category", incidents, incident(func(p map[string]any) { p["category"] = "party" }), "category"},
		{"line in a point layer", incidents, geodata.Feature{ID: "l", Geometry: orb.LineString{{67, 37}, {68, 38}},
			Properties: map[string]any{"sources": src, "coord_source": placed}}, "holds Point"},
		{"line in tapi", tapi, geodata.Feature{ID: "l", Geometry: orb.MultiLineString{{{67, 37}, {68, 38}}},
			Properties: map[string]any{"sources": src, "coord_source": placed}}, ""},
		{"polygon in tapi", tapi, geodata.Feature{ID: "l", Geometry: orb.Polygon{{{67, 37}, {68, 38}, {68, 37}, {67, 37}}},
			Properties: map[string]any{"sources": src, "coord_source": placed}}, "not a Polygon"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := geodata.CheckWrite(tc.layer, tc.f)
			if tc.detail == "" {
				if err != nil {
					t.Fatalf("CheckWrite: %v", err)
				}
				return
			}
			if !errors.Is(err, geodata.ErrInvalid) || !strings.Contains(err.Error(), tc.detail) {
				t.Fatalf("CheckWrite = %v, %v; want an invalid-input error saying %q", got, err, tc.detail)
			}
		})
	}
	t.Run("rounds coordinates, leaves the input alone", func(t *testing.T) {
		in := incident(nil)
		got, err := geodata.CheckWrite(incidents, in)
		if err != nil {
			t.Fatal(err)
		}
		if p := got.Geometry.(orb.Point); p[0] != 67.1234568 {
			t.Errorf("stored longitude = %v, want 67.1234568", p[0])
		}
		if p := in.Geometry.(orb.Point); p[0] != 67.123456789 {
			t.Errorf("input changed to %v", p[0])
		}
	})
}
