package geodata_test

import (
	"strings"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// incident returns a valid incident with one property changed by edit.
func incident(edit func(p map[string]any)) geodata.Feature {
	p := map[string]any{
		"title": "t", "date": "2022-05-07", "category": "attack", "actor": "ISKP", "claimed_by": "ISKP",
		"fatalities": 3.0, "confidence": "confirmed", "precision": "town", "country": "AFG",
		"actor_group": "ISKP", "admin1": "Takhar", "date_precision": "day",
		"sources": []any{
			map[string]any{"title": "a", "publisher": "p", "url": "https://example.org/a", "date": "2022-05-08"},
			map[string]any{"title": "b", "publisher": "p", "url": "https://example.org/b", "date": "2022-05-09"},
		},
		"coord_source": map[string]any{"kind": "placed", "note": "placed by casmap on the town centre"},
	}
	if edit != nil {
		edit(p)
	}
	return geodata.Feature{ID: "x", Geometry: orb.Point{69.4, 37.1}, Properties: p}
}

func TestValidateIncidentCoding(t *testing.T) {
	statements := func(figures ...any) []any {
		var out []any
		for i, f := range figures {
			s := map[string]any{"party": "party " + string(rune('A'+i)), "claim": "said so"}
			if f != nil {
				s["fatalities"] = f
			}
			out = append(out, s)
		}
		return out
	}
	tests := []struct {
		name string
		edit func(p map[string]any)
		want string // "" when valid
	}{
		{"valid", nil, ""},
		{"no coord_source", func(p map[string]any) { delete(p, "coord_source") }, "coord_source is missing"},
		{"placed without saying on what", func(p map[string]any) {
			p["coord_source"] = map[string]any{"kind": "placed", "note": "somewhere"}
		}, "placed by casmap on"},
		{"source kind without publisher", func(p map[string]any) {
			p["coord_source"] = map[string]any{"kind": "source", "title": "GeoNames", "url": "https://example.org"}
		}, "title and a publisher"},
		{"unknown kind", func(p map[string]any) { p["coord_source"] = map[string]any{"kind": "guess"} }, "kind must be"},
		{"unknown actor group", func(p map[string]any) { p["actor_group"] = "Jihadists" }, "actor_group"},
		{"no admin1", func(p map[string]any) { delete(p, "admin1") }, "admin1"},
		{"bad date precision", func(p map[string]any) { p["date_precision"] = "year" }, "date_precision"},
		{"plot placed exactly", func(p map[string]any) { p["category"], p["precision"] = "plot", "exact" }, "no more precisely than town"},
		{"plot placed at its town", func(p map[string]any) { p["category"] = "plot" }, ""},
		{"source before the event", func(p map[string]any) {
			p["sources"].([]any)[0].(map[string]any)["date"] = "2022-04-30"
		}, "before the event"},
		{"month source before the event's month", func(p map[string]any) {
			p["sources"].([]any)[0].(map[string]any)["date"] = "2022-04"
		}, "before the event"},
		{"month source in the event's month", func(p map[string]any) {
			p["sources"].([]any)[0].(map[string]any)["date"] = "2022-05"
		}, ""},
		{"background source before the event", func(p map[string]any) {
			s := p["sources"].([]any)[0].(map[string]any)
			s["date"], s["background"] = "2021-01-01", true
		}, ""},
		{"disputed without statements", func(p map[string]any) { p["confidence"] = "disputed" }, "at least two parties"},
		{"disputed with two statements", func(p map[string]any) {
			p["confidence"], p["statements"] = "disputed", statements(nil, nil)
		}, ""},
		{"statement without a claim", func(p map[string]any) {
			p["statements"] = []any{map[string]any{"party": "x"}}
		}, "party and a claim"},
		{"statement source not among the sources", func(p map[string]any) {
			p["statements"] = []any{map[string]any{"party": "x", "claim": "y", "source": "https://elsewhere.org"}}
		}, "not the url of one of the incident's sources"},
		{"statement source among the sources", func(p map[string]any) {
			p["statements"] = []any{map[string]any{"party": "x", "claim": "y", "source": "https://example.org/b"}}
		}, ""},
		{"toll not the lowest", func(p map[string]any) {
			p["fatalities"], p["statements"] = 21.0, statements(3.0, 21.0)
		}, "lowest toll"},
		{"toll the lowest", func(p map[string]any) { p["statements"] = statements(21.0, 3.0, nil) }, ""},
		{"no credible toll", func(p map[string]any) { p["fatalities"], p["statements"] = nil, statements(3.0, 21.0) }, ""},
		{"fractional statement toll", func(p map[string]any) { p["statements"] = statements(2.5) }, "whole number"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := geodata.ValidateIncident(incident(tc.edit))
			switch {
			case tc.want == "" && err != nil:
				t.Errorf("ValidateIncident = %v, want no error", err)
			case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
				t.Errorf("ValidateIncident = %v, want an error mentioning %q", err, tc.want)
			}
		})
	}
}

func TestValidateFeatureMilestoneSources(t *testing.T) {
	line := func(sourceDate string, background bool) geodata.Feature {
		src := map[string]any{"title": "a", "publisher": "p", "url": "https://example.org", "date": sourceDate}
		if background {
			src["background"] = true
		}
		return geodata.Feature{ID: "l", Geometry: orb.LineString{{60, 35}, {61, 35}}, Properties: map[string]any{
			"sources":      []any{src},
			"coord_source": map[string]any{"kind": "placed", "note": "placed by casmap on the towns named"},
			"milestones":   []any{map[string]any{"date": "2024-09-11", "event": "groundbreaking", "sources": []any{src}}},
		}}
	}
	if err := geodata.ValidateFeature(line("2024-09-12", false)); err != nil {
		t.Errorf("a milestone reported the next day: %v, want no error", err)
	}
	if err := geodata.ValidateFeature(line("2024-08-01", false)); err == nil || !strings.Contains(err.Error(), "before the event") {
		t.Errorf("a milestone resting on an earlier source: %v, want an error", err)
	}
	if err := geodata.ValidateFeature(line("2024-08-01", true)); err != nil {
		t.Errorf("an earlier source marked background: %v, want no error", err)
	}
}

func TestActorGroup(t *testing.T) {
	tests := map[string]string{
		"Islamic State (Afghanistan)":                      "ISKP",
		"Military Forces of Afghanistan (2021-)":           "Taliban",
		"Taliban":                                          "Taliban",
		"TTP: Tehreek-e-Taliban Pakistan":                  "TTP",
		"NRF: National Resistance Front":                   "Anti-Taliban resistance",
		"Military Forces of Tajikistan (1994-)":            "Government",
		"Protesters (Kazakhstan)":                          "Protesters",
		"Unidentified Armed Group (Afghanistan)":           "Unknown",
		"IMU: Islamic Movement of Uzbekistan":              "Other militants",
		"Police Forces of Uzbekistan (2016-) Border Guard": "Government",
	}
	for actor, want := range tests {
		if got := geodata.ActorGroup(actor); got != want {
			t.Errorf("ActorGroup(%q) = %q, want %q", actor, got, want)
		}
	}
}
