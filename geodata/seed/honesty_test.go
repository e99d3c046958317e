package seed_test

import (
	"strings"
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

// TestEveryStatementCitesItsSource wants each attributed statement in the
// incidents layer to say where it was reported: its source is the URL of
// one of the record's own sources, and that source has a title and an
// http(s) URL a reader can open.
func TestEveryStatementCitesItsSource(t *testing.T) {
	for _, file := range []string{"incidents.geojson", "incidents-record.geojson"} {
		for _, f := range storyLayer(t, file) {
			titles := map[string]string{}
			srcs, _ := f.Properties["sources"].([]any)
			for _, s := range srcs {
				m, _ := s.(map[string]any)
				url, _ := m["url"].(string)
				title, _ := m["title"].(string)
				titles[url] = title
			}
			list, _ := f.Properties["statements"].([]any)
			for i, s := range list {
				m, _ := s.(map[string]any)
				url, _ := m["source"].(string)
				title, cited := titles[url]
				switch {
				case url == "":
					t.Errorf("%s %s: statement %d (%v) names no source", file, f.ID, i+1, m["party"])
				case !strings.HasPrefix(url, "https://") && !strings.HasPrefix(url, "http://"):
					t.Errorf("%s %s: statement %d source %q is not an http(s) URL", file, f.ID, i+1, url)
				case !cited:
					t.Errorf("%s %s: statement %d source %q is not one of the record's sources", file, f.ID, i+1, url)
				case strings.TrimSpace(title) == "":
					t.Errorf("%s %s: statement %d source %q has no title", file, f.ID, i+1, url)
				}
			}
		}
	}
}

// TestEveryIncidentHasAReportOfIt wants every incident to rest on at least
// one source dated on or after the incident's date and not marked
// background: a report of the event, not only an announcement or earlier
// context. A source dated only to a month or a year counts when that month
// or year is not before the incident's (the rule geodata applies to
// source dates); a source with only an accessed date does not count.
func TestEveryIncidentHasAReportOfIt(t *testing.T) {
	for _, file := range []string{"incidents.geojson", "incidents-record.geojson"} {
		for _, f := range storyLayer(t, file) {
			date, _ := f.Properties["date"].(string)
			srcs, _ := f.Properties["sources"].([]any)
			reported := false
			for _, s := range srcs {
				m, _ := s.(map[string]any)
				d, _ := m["date"].(string)
				if d != "" && m["background"] != true && len(d) <= len(date) && d >= date[:len(d)] {
					reported = true
				}
			}
			if !reported {
				t.Errorf("%s %s (%s): no source dated on or after the incident that is not background", file, f.ID, date)
			}
		}
	}
}
