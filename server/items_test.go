package server_test

import (
	"context"
	"net/http"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func ids(t *testing.T, fc map[string]any) []string {
	t.Helper()
	var out []string
	features, _ := fc["features"].([]any)
	for _, f := range features {
		out = append(out, f.(map[string]any)["id"].(string))
	}
	sort.Strings(out)
	return out
}

func TestItemsFilters(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name, query string
		want        string
	}{
		{"all", "", "almaty kabul termez"},
		{"bbox around Termez and Kabul", "bbox=60,30,70,40", "kabul termez"},
		{"bbox with GDAL's 18 digits", "bbox=67.0000000000000000,37.0000000000000000,67.5000000000000000,37.5000000000000000", "termez"},
		{"bbox with heights", "bbox=60,30,0,70,40,100", "kabul termez"},
		{"date instant", "datetime=2022-04-18", "termez"},
		{"closed interval", "datetime=2022-01-01/2022-06-30", "almaty termez"},
		{"half-open after", "datetime=2022-06-01/..", "kabul"},
		{"half-open before", "datetime=../2022-01-05", "almaty"},
		{"timestamp instant", "datetime=2022-12-12T10:00:00Z", "kabul"},
		{"category", "category=unrest", "almaty"},
		{"confidence", "confidence=disputed", "termez"},
		{"filters together", "category=attack&bbox=68,30,70,40", "kabul"},
		{"nothing matches", "category=plot", ""},
		{"near a layer", "near=railways&within_km=100", "termez"},
		{"near a feature", "near=incidents/kabul&within_km=1", "kabul"},
		{"near, far enough for two", "near=incidents/kabul&within_km=400", "kabul termez"},
		{"near with the default distance", "near=railways", "termez"},
		{"near and bbox that miss each other", "near=railways&bbox=75,40,78,45", ""},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			target := "/api/collections/incidents/items?" + tc.query
			rec := do(t, h, http.MethodGet, target, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: status = %d, want 200\n%s", target, rec.Code, rec.Body.String())
			}
			fc := decode(t, rec)
			if got := strings.Join(ids(t, fc), " "); got != tc.want {
				t.Errorf("GET %s: ids = %q, want %q", target, got, tc.want)
			}
			n := len(ids(t, fc))
			if fc["numberReturned"] != float64(n) || fc["numberMatched"] != float64(n) {
				t.Errorf("GET %s: numberReturned=%v numberMatched=%v, want %d", target, fc["numberReturned"], fc["numberMatched"], n)
			}
		})
	}
}

// TestPagingFollowsNext walks next links as GDAL does and checks the pages
// add up to numberMatched with no feature twice.
func TestPagingFollowsNext(t *testing.T) {
	h, _ := newTestServer(t)
	target := "/api/collections/incidents/items?limit=1"
	seen := map[string]bool{}
	matched := -1
	for pages := 0; target != ""; pages++ {
		if pages > 10 {
			t.Fatal("next links do not end")
		}
		rec := do(t, h, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status = %d", target, rec.Code)
		}
		fc := decode(t, rec)
		if ts, _ := fc["timeStamp"].(string); ts == "" {
			t.Errorf("GET %s: no timeStamp", target)
		} else if _, err := time.Parse(time.RFC3339, ts); err != nil {
			t.Errorf("GET %s: timeStamp %q is not RFC 3339", target, ts)
		}
		if matched == -1 {
			matched = int(fc["numberMatched"].(float64))
		}
		for _, id := range ids(t, fc) {
			if seen[id] {
				t.Errorf("feature %s on two pages", id)
			}
			seen[id] = true
		}
		target = ""
		rels := map[string]bool{}
		for _, l := range fc["links"].([]any) {
			link := l.(map[string]any)
			rels[link["rel"].(string)] = true
			if link["rel"] == "next" {
				target = strings.TrimPrefix(link["href"].(string), "http://example.com")
			}
		}
		if !rels["self"] || !rels["alternate"] || !rels["collection"] {
			t.Errorf("page %d: links %v, want self, alternate and collection", pages, rels)
		}
	}
	if len(seen) != matched || matched != 3 {
		t.Errorf("pages held %d features, numberMatched %d, want 3", len(seen), matched)
	}
}

func TestETagAndNewData(t *testing.T) {
	h, db := newTestServer(t)
	target := "/api/collections/incidents/items"
	first := do(t, h, http.MethodGet, target, nil)
	etag := first.Header().Get("ETag")
	if !strings.HasPrefix(etag, `"`) {
		t.Fatalf("GET %s: ETag = %q, want a strong ETag", target, etag)
	}
	again := do(t, h, http.MethodGet, target, map[string]string{"If-None-Match": etag})
	if again.Code != http.StatusNotModified || again.Body.Len() != 0 {
		t.Errorf("GET %s with If-None-Match: status = %d, body %d bytes; want 304 and empty", target, again.Code, again.Body.Len())
	}
	src := []any{map[string]any{"title": "t"}}
	err := db.Import(context.Background(), "incidents", []geodata.Feature{{ID: "new", Geometry: orb.Point{70, 38},
		Properties: map[string]any{"date": "2023-01-01", "category": "attack", "confidence": "reported", "precision": "town", "sources": src}}})
	if err != nil {
		t.Fatal(err)
	}
	after := do(t, h, http.MethodGet, target, map[string]string{"If-None-Match": etag})
	if after.Code != http.StatusOK {
		t.Fatalf("GET %s after an import: status = %d, want 200 with the new data", target, after.Code)
	}
	if got := len(ids(t, decode(t, after))); got != 4 {
		t.Errorf("after import: %d features, want 4", got)
	}
	if first.Header().Get("X-Data-Version") == after.Header().Get("X-Data-Version") {
		t.Error("X-Data-Version did not change after an import")
	}
}

func TestDownloadNames(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct{ query, want string }{
		{"download=1", `attachment; filename="incidents.geojson"`},
		{"download=1&f=csv", `attachment; filename="incidents.csv"`},
		{"download=1&f=kml&category=attack", `attachment; filename="incidents-filtered.kml"`},
		{"", ""},
	}
	for _, tc := range tests {
		target := "/api/collections/incidents/items?" + tc.query
		rec := do(t, h, http.MethodGet, target, nil)
		if got := rec.Header().Get("Content-Disposition"); got != tc.want {
			t.Errorf("GET %s: Content-Disposition = %q, want %q", target, got, tc.want)
		}
	}
}

func TestGzip(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/openapi.json", map[string]string{"Accept-Encoding": "gzip"})
	if got := rec.Header().Get("Content-Encoding"); got != "gzip" {
		t.Errorf("Content-Encoding = %q, want gzip", got)
	}
}

func TestAcceptNegotiates(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/collections/incidents/items", map[string]string{"Accept": "text/csv"})
	if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, "text/csv") {
		t.Errorf("Accept text/csv: Content-Type = %q", got)
	}
	if !strings.HasPrefix(rec.Body.String(), "id,lon,lat,wkt,") {
		t.Errorf("CSV header = %q", strings.SplitN(rec.Body.String(), "\n", 2)[0])
	}
}
