package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestClusters(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name, query string
		wantCells   int
	}{
		{"whole layer, one cell", "zoom=0", 1},
		{"whole layer, one cell per city", "zoom=7", 3},
		{"bbox", "zoom=1&bbox=60,30,70,40", 1},
		{"bbox, finer", "zoom=3&bbox=60,30,70,40", 2},
		{"bbox and datetime", "zoom=6&bbox=60,30,80,45&datetime=2022-01-01/2022-06-30", 2},
		{"property", "zoom=1&category=attack", 1},
		{"nothing matches", "zoom=4&category=plot", 0},
		{"f=geojson", "zoom=1&f=geojson", 1},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := "/api/collections/incidents/clusters?" + tc.query
			rec := do(t, h, http.MethodGet, target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: status = %d, want 200\n%s", target, rec.Code, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
				t.Errorf("GET %s: Content-Type = %q, want application/geo+json", target, ct)
			}
			if rec.Header().Get("ETag") == "" {
				t.Errorf("GET %s: no ETag", target)
			}
			fc := decode(t, rec)
			features, _ := fc["features"].([]any)
			if len(features) != tc.wantCells {
				t.Errorf("GET %s: %d clusters, want %d", target, len(features), tc.wantCells)
			}
			sum := 0
			for _, f := range features {
				f := f.(map[string]any)
				props := f["properties"].(map[string]any)
				n := int(props["count"].(float64))
				sum += n
				cats := 0
				for _, v := range props["categories"].(map[string]any) {
					cats += int(v.(float64))
				}
				if cats != n {
					t.Errorf("GET %s: cluster %v: categories add up to %d, count is %d", target, f["id"], cats, n)
				}
				if bbox, _ := props["bbox"].([]any); len(bbox) != 4 {
					t.Errorf("GET %s: cluster %v: bbox = %v, want 4 numbers", target, f["id"], props["bbox"])
				}
				if g := f["geometry"].(map[string]any); g["type"] != "Point" {
					t.Errorf("GET %s: cluster %v is a %v, want a Point", target, f["id"], g["type"])
				}
			}
			if got := int(fc["numberMatched"].(float64)); got != sum {
				t.Errorf("GET %s: numberMatched = %d, counts add up to %d", target, got, sum)
			}
			// The same filters through items match as many features.
			items := "/api/collections/incidents/items?" + withoutZoom(tc.query)
			page := decode(t, do(t, h, http.MethodGet, items, nil))
			if want := int(page["numberMatched"].(float64)); sum != want {
				t.Errorf("GET %s: counts add up to %d; GET %s: numberMatched = %d", target, sum, items, want)
			}
		})
	}
}

// withoutZoom drops the zoom parameter from a query string.
func withoutZoom(query string) string {
	var keep []string
	for _, p := range strings.Split(query, "&") {
		if !strings.HasPrefix(p, "zoom=") {
			keep = append(keep, p)
		}
	}
	return strings.Join(keep, "&")
}

func TestClustersBadRequests(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name, target string
		status       int
		detail       string
	}{
		{"no zoom", "/api/collections/incidents/clusters", 400, "zoom is missing"},
		{"negative zoom", "/api/collections/incidents/clusters?zoom=-1", 400, "whole number from 0"},
		{"zoom too deep", "/api/collections/incidents/clusters?zoom=23", 400, "whole number from 0"},
		{"fractional zoom", "/api/collections/incidents/clusters?zoom=1.5", 400, "whole number from 0"},
		{"zoom not a number", "/api/collections/incidents/clusters?zoom=far", 400, "whole number from 0"},
		{"two zooms", "/api/collections/incidents/clusters?zoom=1&zoom=2", 400, "given 2 times"},
		{"grid too large", "/api/collections/incidents/clusters?zoom=20", 400, "smaller bbox"},
		{"paging", "/api/collections/incidents/clusters?zoom=3&limit=5", 400, "no limit"},
		{"proximity", "/api/collections/incidents/clusters?zoom=3&near=railways", 400, "no near"},
		{"unknown parameter", "/api/collections/incidents/clusters?zoom=3&colour=red", 400, "unknown parameter"},
		{"bad bbox", "/api/collections/incidents/clusters?zoom=3&bbox=1,2,3", 400, "bbox"},
		{"other format", "/api/collections/incidents/clusters?zoom=3&f=csv", 400, "geojson only"},
		{"no such layer", "/api/collections/nope/clusters?zoom=3", 404, "nope"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != tc.status {
				t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, rec.Code, tc.status, rec.Body.String())
			}
			if ct := rec.Header().Get("Content-Type"); ct != "application/problem+json" {
				t.Errorf("GET %s: Content-Type = %q, want application/problem+json", tc.target, ct)
			}
			if detail, _ := decode(t, rec)["detail"].(string); !strings.Contains(detail, tc.detail) {
				t.Errorf("GET %s: detail = %q, want it to contain %q", tc.target, detail, tc.detail)
			}
		})
	}
}

func TestClustersNotModified(t *testing.T) {
	h, _ := newTestServer(t)
	target := "/api/collections/incidents/clusters?zoom=5&bbox=60,30,80,45"
	first := do(t, h, http.MethodGet, target, nil)
	etag := first.Header().Get("ETag")
	if first.Code != http.StatusOK || etag == "" {
		t.Fatalf("GET %s: status = %d, ETag = %q; want 200 and an ETag", target, first.Code, etag)
	}
	again := do(t, h, http.MethodGet, target, map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified {
		t.Errorf("GET %s with If-None-Match: status = %d, want 304", target, again.Code)
	}
	other := do(t, h, http.MethodGet, target+"&category=attack", map[string]string{"If-None-Match": etag})
	if other.Code != http.StatusOK {
		t.Errorf("GET %s&category=attack with the other ETag: status = %d, want 200", target, other.Code)
	}
}
