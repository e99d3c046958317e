package main

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"
)

// These tests make the assertions of the OGC API - Features core
// conformance suite (ets-ogcapi-features10), and what GDAL relies on,
// against the real binary; see /work/shared/OGC-API-CHECKS.md.

func TestOGCLandingPage(t *testing.T) {
	base := startServer(t)
	var doc struct {
		Links []apiLink `json:"links"`
	}
	getJSON(t, base+"/api", http.StatusOK, &doc)
	for _, rels := range [][]string{{"service-desc", "service-doc"}, {"conformance"}, {"data"}} {
		found := slices.ContainsFunc(doc.Links, func(l apiLink) bool {
			return slices.Contains(rels, l.Rel) && l.Href != ""
		})
		if !found {
			t.Errorf("GET %s/api: no link with rel %s", base, strings.Join(rels, " or "))
		}
	}
}

func TestOGCAPIDefinition(t *testing.T) {
	base := startServer(t)
	var landing struct {
		Links []apiLink `json:"links"`
	}
	getJSON(t, base+"/api", http.StatusOK, &landing)
	href, ok := linkTo(landing.Links, "service-desc", "")
	if !ok {
		t.Fatalf("GET %s/api: no service-desc link", base)
	}
	var doc struct {
		OpenAPI    string                                `json:"openapi"`
		Paths      map[string]map[string]json.RawMessage `json:"paths"`
		Components struct {
			Parameters map[string]oasParameter `json:"parameters"`
		} `json:"components"`
	}
	getJSON(t, href, http.StatusOK, &doc)
	if !strings.HasPrefix(doc.OpenAPI, "3.0") {
		t.Fatalf("GET %s: openapi = %q, want 3.0.x", href, doc.OpenAPI)
	}
	var items []oasParameter
	for path, ops := range doc.Paths {
		if !strings.HasSuffix(path, "/collections/{collectionId}/items") {
			continue
		}
		var op struct {
			Parameters []oasParameter `json:"parameters"`
		}
		if err := json.Unmarshal(ops["get"], &op); err != nil {
			t.Fatalf("GET %s: paths[%q].get: %v", href, path, err)
		}
		for _, p := range op.Parameters {
			if ref, ok := strings.CutPrefix(p.Ref, "#/components/parameters/"); ok {
				p, ok = doc.Components.Parameters[ref]
				if !ok {
					t.Errorf("GET %s: %s refers to missing parameter %q", href, path, ref)
				}
			}
			items = append(items, p)
		}
	}
	if items == nil {
		t.Fatalf("GET %s: no GET operation on .../collections/{collectionId}/items", href)
	}
	byName := map[string]oasParameter{}
	for _, p := range items {
		byName[p.Name] = p
	}
	for _, name := range []string{"bbox", "datetime", "limit"} {
		if p, ok := byName[name]; !ok || p.In != "query" {
			t.Errorf("GET %s: items does not declare query parameter %s", href, name)
		}
	}
	limit := byName["limit"].Schema
	if limit.Type != "integer" || !eq(limit.Minimum, 1) || !eq(limit.Maximum, 10000) || !eq(limit.Default, 100) {
		t.Errorf("GET %s: limit schema = %+v, want integer with minimum 1, maximum 10000, default 100", href, limit)
	}
}

type oasParameter struct {
	Ref    string `json:"$ref"`
	Name   string `json:"name"`
	In     string `json:"in"`
	Schema struct {
		Type    string `json:"type"`
		Minimum any    `json:"minimum"`
		Maximum any    `json:"maximum"`
		Default any    `json:"default"`
	} `json:"schema"`
}

// eq reports whether a JSON value is the number want.
func eq(v any, want float64) bool {
	f, ok := v.(float64)
	return ok && f == want
}

func TestOGCConformance(t *testing.T) {
	base := startServer(t)
	var doc struct {
		ConformsTo []string `json:"conformsTo"`
	}
	getJSON(t, base+"/api/conformance", http.StatusOK, &doc)
	for _, class := range []string{"core", "geojson", "oas30"} {
		want := "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/" + class
		if !slices.Contains(doc.ConformsTo, want) {
			t.Errorf("GET %s/api/conformance: conformsTo lacks %s", base, want)
		}
	}
}

func TestOGCCollections(t *testing.T) {
	base := startServer(t)
	// GDAL asks with Accept: application/json and fails on any other type.
	paths := []string{"/api/collections"}
	for _, id := range seedLayers {
		paths = append(paths, "/api/collections/"+id)
	}
	for _, accept := range []string{"", "application/json", "*/*"} {
		for _, path := range paths {
			r := get(t, base+path, accept)
			if ct := r.header.Get("Content-Type"); r.status != http.StatusOK || !strings.HasPrefix(ct, "application/json") {
				t.Errorf("GET %s (Accept %q): status %d, Content-Type %q, want 200 application/json", path, accept, r.status, ct)
			}
		}
	}
	got := collections(t, base)
	for _, id := range seedLayers {
		c, ok := got[id]
		if !ok {
			t.Errorf("GET %s/api/collections: no collection %q", base, id)
			continue
		}
		if _, ok := linkTo(c.Links, "items", "application/geo+json"); !ok {
			t.Errorf("collection %s: no items link typed application/geo+json", id)
		}
		b := c.Extent.Spatial.BBox
		if len(b) == 0 || len(b[0]) != 4 {
			t.Errorf("collection %s: extent.spatial.bbox = %v, want [[minx,miny,maxx,maxy]]", id, b)
			continue
		}
		minx, miny, maxx, maxy := b[0][0], b[0][1], b[0][2], b[0][3]
		if !(-180 <= minx && minx <= maxx && maxx <= 180 && -90 <= miny && miny <= maxy && maxy <= 90) {
			t.Errorf("collection %s: extent.spatial.bbox[0] = %v, not a CRS84 box", id, b[0])
		}
	}
}

func TestOGCItems(t *testing.T) {
	base := startServer(t)
	for id, c := range collections(t, base) {
		t.Run(id, func(t *testing.T) {
			items, ok := linkTo(c.Links, "items", "application/geo+json")
			if !ok {
				t.Fatalf("collection %s: no items link typed application/geo+json", id)
			}
			// Walk the pages as GDAL does by default, ten at a time.
			first := withQuery(t, items, url.Values{"limit": {"10"}})
			seen := map[string]bool{}
			var matched []int
			pages := walkItems(t, first, func(u string, p itemsPage) {
				checkItemsPage(t, u, p)
				if p.NumberMatched != nil {
					matched = append(matched, *p.NumberMatched)
				}
				for _, fid := range p.featureIDs(t) {
					if seen[fid] {
						t.Errorf("GET %s: feature %s was on an earlier page", u, fid)
					}
					seen[fid] = true
				}
			})
			for i, m := range matched {
				if m != len(seen) {
					t.Errorf("page %d: numberMatched = %d, want %d (the features reached by following next)", i+1, m, len(seen))
				}
			}
			if len(seen) != c.ItemCount {
				t.Errorf("GET %s and next links: %d features, want itemCount %d", first, len(seen), c.ItemCount)
			}
			if len(pages[0].Features) == 0 {
				return
			}
			fid := pages[0].featureIDs(t)[0]
			var f struct {
				Type  string    `json:"type"`
				Links []apiLink `json:"links"`
			}
			one := base + "/api/collections/" + id + "/items/" + url.PathEscape(fid)
			getJSON(t, one, http.StatusOK, &f)
			for _, rel := range []string{"self", "collection"} {
				if _, ok := linkTo(f.Links, rel, ""); !ok {
					t.Errorf("GET %s: no %s link", one, rel)
				}
			}
			if f.Type != "Feature" {
				t.Errorf("GET %s: type = %q, want Feature", one, f.Type)
			}
		})
	}
}

// checkItemsPage makes the suite's checks on one page of items.
func checkItemsPage(t *testing.T, u string, p itemsPage) {
	t.Helper()
	if p.Type != "FeatureCollection" {
		t.Errorf("GET %s: type = %q, want FeatureCollection", u, p.Type)
	}
	if p.Features == nil {
		t.Errorf("GET %s: no features member", u)
	}
	if p.NumberReturned == nil || *p.NumberReturned != len(p.Features) {
		t.Errorf("GET %s: numberReturned = %v, want %d", u, p.NumberReturned, len(p.Features))
	}
	if p.NumberMatched == nil {
		t.Errorf("GET %s: no numberMatched", u)
	}
	if _, err := time.Parse(time.RFC3339, p.TimeStamp); err != nil {
		t.Errorf("GET %s: timeStamp %q is not RFC 3339: %v", u, p.TimeStamp, err)
	}
	for _, rel := range []string{"self", "alternate"} {
		if _, ok := linkTo(p.Links, rel, ""); !ok {
			t.Errorf("GET %s: no %s link", u, rel)
		}
	}
}

func TestOGCItemsErrors(t *testing.T) {
	base := startServer(t)
	tests := []struct {
		name, target string
		status       int
		media        string
	}{
		{"limit unlimited", "/api/collections/incidents/items?limit=unlimited", 400, "application/problem+json"},
		{"limit zero", "/api/collections/places/items?limit=0", 400, "application/problem+json"},
		{"limit maximum", "/api/collections/places/items?limit=10000", 200, "application/geo+json"},
		{"unknown parameter", "/api/collections/places/items?colour=red", 400, "application/problem+json"},
		{"unknown parameter borders", "/api/collections/borders/items?foo=bar", 400, "application/problem+json"},
		{"bbox 18 digits", "/api/collections/places/items?bbox=60.5,29.3000000000000007,75,38.5", 200, "application/geo+json"},
		{"datetime interval", "/api/collections/incidents/items?datetime=2022-01-01/2022-12-31", 200, "application/geo+json"},
		{"unknown collection", "/api/collections/nope/items", 404, "application/problem+json"},
		{"unknown feature", "/api/collections/places/items/no-such-feature", 404, "application/problem+json"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			r := get(t, base+tc.target, "")
			if r.status != tc.status {
				t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, r.status, tc.status, snippet(r.body))
			}
			if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, tc.media) {
				t.Errorf("GET %s: Content-Type = %q, want %s", tc.target, ct, tc.media)
			}
		})
	}
}

// TestOGCBBoxAxisOrder checks bbox is read longitude first (CRS84): a box
// round Kabul finds it, and the same box with axes swapped does not.
func TestOGCBBoxAxisOrder(t *testing.T) {
	base := startServer(t)
	for bbox, want := range map[string]bool{"69,34.3,69.4,34.7": true, "34.3,69,34.7,69.4": false} {
		var p itemsPage
		u := base + "/api/collections/places/items?bbox=" + bbox
		getJSON(t, u, http.StatusOK, &p)
		if got := slices.Contains(p.featureIDs(t), "kabul"); got != want {
			t.Errorf("GET %s: kabul found = %v, want %v", u, got, want)
		}
	}
}
