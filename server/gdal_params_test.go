package server_test

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// TestItemsGDALUserParams follows next links the way GDAL's OAPIF driver
// (3.6) does when its dataset name carries query parameters
// (OAPIF:.../collections/incidents?datetime=...): it appends them to every
// request, next links included, unless the link already holds them
// byte for byte. The same parameter with the same value twice must not be
// an error, and the links must not grow from page to page.
func TestItemsGDALUserParams(t *testing.T) {
	h, _ := newTestServer(t)
	const user = "datetime=2022-01-01/2022-12-31"
	gdalURL := func(u string) string {
		if strings.Contains(u, "?"+user) || strings.Contains(u, "&"+user) {
			return u
		}
		return u + "&" + user
	}
	target := "/api/collections/incidents/items?limit=1&" + user
	var ids []string
	for page := 1; target != ""; page++ {
		if page > 5 {
			t.Fatalf("more pages than features")
		}
		rec := do(t, h, http.MethodGet, target, nil)
		if rec.Code != http.StatusOK {
			t.Fatalf("GET %s: status = %d, want %d\n%s", target, rec.Code, http.StatusOK, rec.Body.String())
		}
		body := decode(t, rec)
		for _, f := range body["features"].([]any) {
			ids = append(ids, f.(map[string]any)["id"].(string))
		}
		next := ""
		for _, l := range body["links"].([]any) {
			if l := l.(map[string]any); l["rel"] == "next" {
				next = l["href"].(string)
			}
		}
		if next == "" {
			break
		}
		u, err := url.Parse(next)
		if err != nil {
			t.Fatal(err)
		}
		if n := len(u.Query()["datetime"]); n != 1 {
			t.Errorf("page %d: next link %s carries datetime %d times, want 1", page, next, n)
		}
		target = gdalURL(u.RequestURI())
	}
	slices.Sort(ids)
	if got, want := strings.Join(ids, " "), "almaty kabul termez"; got != want {
		t.Errorf("features over all pages = %q, want %q", got, want)
	}
}
