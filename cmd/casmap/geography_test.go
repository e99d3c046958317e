package main

import (
	"net/url"
	"slices"
	"testing"
)

// TestGeographyQueryables asks the API what an analyst asks of the rivers
// and provinces layers: a river or lake by name, a kind, a country's
// provinces, and a bbox over the Afghan-Tajik border that finds the Panj.
func TestGeographyQueryables(t *testing.T) {
	base := startServer(t)
	for _, tc := range []struct {
		layer   string
		params  url.Values
		matched int    // 0: at least one
		has     string // an id the answer must hold
	}{
		{"rivers", url.Values{"name": {"Amu Darya"}}, 1, "amu-darya"},
		{"rivers", url.Values{"name": {"Aral Sea"}}, 1, "aral-sea"},
		{"rivers", url.Values{"kind": {"reservoir"}}, 2, "kayrakkum"},
		{"rivers", url.Values{"bbox": {"71.3,37.3,71.8,37.7"}}, 0, "panj"},
		{"provinces", url.Values{"country": {"AFG"}}, 34, "af-pan"},
		{"provinces", url.Values{"name": {"Gorno-Badakhshan"}}, 1, "tj-gb"},
		{"provinces", url.Values{"bbox": {"69.0,35.1,69.3,35.3"}}, 0, "af-par"},
	} {
		params := url.Values{"limit": {"1000"}}
		for k, v := range tc.params {
			params[k] = v
		}
		u := base + "/api/collections/" + tc.layer + "/items?" + params.Encode()
		var p itemsPage
		getJSON(t, u, 200, &p)
		ids := p.featureIDs(t)
		if tc.matched > 0 && len(ids) != tc.matched || len(ids) == 0 || !slices.Contains(ids, tc.has) {
			t.Errorf("GET %s: ids %v, want %d with %q", u, ids, tc.matched, tc.has)
		}
	}
}
