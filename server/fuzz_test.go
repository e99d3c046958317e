package server_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

// FuzzItemsQuery sends any query string to the items route of the real app
// over a seeded SQLite file, and wants a client error or an answer, never
// a server error, with a JSON body whenever the body says it is JSON.
func FuzzItemsQuery(f *testing.F) {
	for _, s := range []string{
		"", "limit=1", "bbox=60,29,75,38.5&limit=5", "bbox=1,2,3", "bbox=-180,-90,180,90",
		"datetime=2022-01-01/..", "datetime=../2022-12-31", "datetime=0001-01-01T00:00:00Z",
		"category=attack&actor=ISKP", "f=csv", "f=kml", "f=json&offset=2", "offset=99999999999999999999",
		"near=railways&within_km=50", "near=railways/hairatan-mazar&within_km=1", "near=incidents/kabul",
		"near=..%2F..&within_km=1e308", "within_km=NaN", "zoom=3", "zoom=-1", "limit=1&limit=1",
		"%zz", "a=%00", "bbox=1e308,0,0,0", "datetime=2022-01-01T00:00:00%2B14:00",
	} {
		f.Add(s)
	}
	h, _ := newTestServer(f)
	f.Fuzz(func(t *testing.T, raw string) {
		req := httptest.NewRequest(http.MethodGet, "/api/collections/incidents/items", nil)
		req.URL.RawQuery = raw
		req.RequestURI = req.URL.RequestURI()
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		switch rec.Code {
		case http.StatusOK, http.StatusNotModified, http.StatusBadRequest, http.StatusRequestURITooLong:
		default:
			t.Fatalf("GET items?%q: status = %d, want 200, 304, 400 or 414\n%s", raw, rec.Code, snippetOf(rec.Body.String()))
		}
		if ct := rec.Header().Get("Content-Type"); strings.Contains(ct, "json") && !json.Valid(rec.Body.Bytes()) {
			t.Fatalf("GET items?%q: %s body is not JSON\n%s", raw, ct, snippetOf(rec.Body.String()))
		}
	})
}
