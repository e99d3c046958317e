package seed_test

import (
	"testing"
)

// TestConflictingTollsAreAttributed checks the records whose tolls are
// known to conflict or to have been revised: each shows who said what, in
// at least the given number of statements, with at least the given number
// of distinct figures, each statement resting on one of the record's own
// sources where it names one (ValidateIncident checks that rule).
func TestConflictingTollsAreAttributed(t *testing.T) {
	tests := []struct {
		id                  string
		statements, figures int
		fatalities          any
	}{
		{"2021-08-26-kabul-turkmen-embassy-plot", 3, 0, 0.0},
		{"2022-01-02-kazakhstan-unrest", 2, 2, 230.0},
		{"2022-05-18-rushan-operation", 2, 2, 9.0},
		{"2022-09-14-kyrgyz-tajik-border-clash", 3, 1, 100.0},
		{"2023-01-01-kabul-military-airport", 2, 0, nil},
		{"2024-01-03-kerman-bombings", 4, 1, 91.0},
		{"2024-03-21-kandahar-bank-bombing", 2, 2, 3.0},
	}
	byID := map[string]map[string]any{}
	for _, f := range storyLayer(t, "incidents.geojson") {
		byID[f.ID] = f.Properties
	}
	for _, tc := range tests {
		p, ok := byID[tc.id]
		if !ok {
			t.Errorf("incident %s is missing", tc.id)
			continue
		}
		list, _ := p["statements"].([]any)
		figures := map[float64]bool{}
		for _, s := range list {
			if n, ok := s.(map[string]any)["fatalities"].(float64); ok {
				figures[n] = true
			}
		}
		if len(list) < tc.statements || len(figures) < tc.figures {
			t.Errorf("%s: %d statements with %d distinct tolls, want at least %d and %d", tc.id, len(list), len(figures), tc.statements, tc.figures)
		}
		if p["fatalities"] != tc.fatalities {
			t.Errorf("%s: fatalities = %v, want %v (the lowest credible figure, or null)", tc.id, p["fatalities"], tc.fatalities)
		}
	}
	if p := byID["2024-03-21-kandahar-bank-bombing"]; p != nil && p["confidence"] != "confirmed" {
		t.Errorf("Kandahar bank bombing: confidence %v; an attack nobody doubts stays confirmed when its toll is disputed", p["confidence"])
	}
}

// TestBackgroundSourcesSayWhy wants every source marked background (one
// dated before the event it is cited for) to say why it is cited.
func TestBackgroundSourcesSayWhy(t *testing.T) {
	for _, file := range []string{"incidents.geojson", "tapi.geojson", "railways.geojson"} {
		for _, f := range storyLayer(t, file) {
			lists := []any{f.Properties["sources"]}
			ms, _ := f.Properties["milestones"].([]any)
			for _, m := range ms {
				lists = append(lists, m.(map[string]any)["sources"])
			}
			for _, l := range lists {
				srcs, _ := l.([]any)
				for _, s := range srcs {
					m := s.(map[string]any)
					if note, _ := m["background_note"].(string); m["background"] == true && note == "" {
						t.Errorf("%s %s: background source %v has no background_note", file, f.ID, m["url"])
					}
				}
			}
		}
	}
}
