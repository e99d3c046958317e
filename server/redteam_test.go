package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/csv"
	"io"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/server"
	"github.com/paulmach/orb"
)

// newConfiguredServer is the real app over the test layers with cfg (to
// which example.com, httptest's Host, is added).
func newConfiguredServer(t *testing.T, cfg server.Config) http.Handler {
	t.Helper()
	cfg.AllowedHosts = append(cfg.AllowedHosts, "example.com")
	assets := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>casmap</title>")}}
	return server.New(cfg, newSeededDB(t, testLayers()), assets, discardLogger())
}

// The red team's CORS finding: with no --cors-origin no page elsewhere
// may read the API; with one, only that origin, never with credentials,
// and never for writes.
func TestCORSOnlyWhenConfigured(t *testing.T) {
	open := newConfiguredServer(t, server.Config{})
	qgis := newConfiguredServer(t, server.Config{CORSOrigins: []string{"https://qgis.example"}})
	preflight := func(method string) map[string]string {
		return map[string]string{"Origin": "https://qgis.example", "Access-Control-Request-Method": method}
	}
	tests := []struct {
		name        string
		h           http.Handler
		method      string
		header      map[string]string
		allowOrigin string
		allowMethod string // a method the preflight must allow, or must not when prefixed with !
	}{
		{"default GET", open, http.MethodGet, map[string]string{"Origin": "https://evil.example"}, "", ""},
		{"default preflight", open, http.MethodOptions, preflight("GET"), "", ""},
		{"configured GET", qgis, http.MethodGet, map[string]string{"Origin": "https://qgis.example"}, "https://qgis.example", ""},
		{"configured, other origin", qgis, http.MethodGet, map[string]string{"Origin": "https://evil.example"}, "", ""},
		{"configured preflight GET", qgis, http.MethodOptions, preflight("GET"), "https://qgis.example", "GET"},
		{"configured preflight POST", qgis, http.MethodOptions, preflight("POST"), "https://qgis.example", "!POST"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, tc.h, tc.method, "/api/collections/incidents/items", tc.header)
			if got := rec.Header().Get("Access-Control-Allow-Origin"); got != tc.allowOrigin {
				t.Errorf("Access-Control-Allow-Origin = %q, want %q", got, tc.allowOrigin)
			}
			if got := rec.Header().Get("Access-Control-Allow-Credentials"); got != "" {
				t.Errorf("Access-Control-Allow-Credentials = %q, want none", got)
			}
			methods := rec.Header().Get("Access-Control-Allow-Methods")
			if m, refused := strings.CutPrefix(tc.allowMethod, "!"); refused && strings.Contains(methods, m) {
				t.Errorf("preflight allows %s: %q", m, methods)
			} else if !refused && !strings.Contains(methods, tc.allowMethod) {
				t.Errorf("preflight methods %q lack %s", methods, tc.allowMethod)
			}
		})
	}
}

// DNS rebinding: a name that is not served gets 421, whatever the route;
// addresses, localhost, the base URL's host and configured names pass.
func TestHostAllowList(t *testing.T) {
	h := newConfiguredServer(t, server.Config{BaseURL: "https://map.example.org", AllowedHosts: []string{"casmap.lan"}})
	for host, want := range map[string]int{
		"127.0.0.1:8080": 200, "[::1]:8080": 200, "localhost:8080": 200, "LOCALHOST": 200, "192.0.2.7": 200,
		"map.example.org": 200, "casmap.lan:8080": 200, "casmap.lan.": 200,
		"rebind.attacker.example:8080": 421, "attacker.localhost.example": 421, "": 421,
	} {
		for _, target := range []string{"/api/collections", "/", "/healthz"} {
			req := httptest.NewRequest(http.MethodGet, target, nil)
			req.Host = host
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != want {
				t.Errorf("GET %s with Host %q: status = %d, want %d", target, host, rec.Code, want)
			}
		}
	}
	guarded := server.GuardHosts(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "profile") }))
	for host, want := range map[string]int{"127.0.0.1:6060": 200, "localhost:6060": 200, "rebind.attacker.example:6060": 421} {
		req := httptest.NewRequest(http.MethodGet, "/debug/pprof/", nil)
		req.Host = host
		rec := httptest.NewRecorder()
		guarded.ServeHTTP(rec, req)
		if rec.Code != want {
			t.Errorf("GuardHosts, Host %q: status = %d, want %d", host, rec.Code, want)
		}
	}
}

// Links: --base-url pins them; X-Forwarded-* count only from a trusted
// proxy, and then the ETag follows them too.
func TestLinksAndForwardedHeaders(t *testing.T) {
	forwarded := map[string]string{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"}
	proxy := netip.MustParsePrefix("192.0.2.0/24")
	tests := []struct {
		name   string
		cfg    server.Config
		remote string
		want   string
	}{
		{"no proxy, headers ignored", server.Config{}, "198.51.100.9:1234", "http://example.com/api"},
		{"untrusted peer, headers ignored", server.Config{TrustedProxies: []netip.Prefix{proxy}}, "198.51.100.9:1234", "http://example.com/api"},
		{"trusted proxy", server.Config{TrustedProxies: []netip.Prefix{proxy}, AllowedHosts: []string{"evil.example"}}, "192.0.2.10:1234", "https://evil.example/api"},
		{"base URL wins", server.Config{BaseURL: "https://map.example.org/casmap", TrustedProxies: []netip.Prefix{proxy}, AllowedHosts: []string{"evil.example"}}, "192.0.2.10:1234", "https://map.example.org/casmap/api"},
	}
	etags := map[string]bool{}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			h := newConfiguredServer(t, tc.cfg)
			req := httptest.NewRequest(http.MethodGet, "/api", nil)
			req.RemoteAddr = tc.remote
			for k, v := range forwarded {
				req.Header.Set(k, v)
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != 200 || !strings.Contains(rec.Body.String(), `"href":"`+tc.want) {
				t.Fatalf("GET /api: status %d, links do not start %s:\n%s", rec.Code, tc.want, rec.Body.String())
			}
			etags[tc.want+rec.Header().Get("ETag")] = true
		})
	}
	// A forwarded host of an untrusted peer is ignored; of a trusted proxy
	// it must be served like a Host.
	h := newConfiguredServer(t, server.Config{TrustedProxies: []netip.Prefix{proxy}})
	req := httptest.NewRequest(http.MethodGet, "/api", nil)
	req.RemoteAddr = "192.0.2.10:1234"
	req.Header.Set("X-Forwarded-Host", "rebind.attacker.example")
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	if rec.Code != http.StatusMisdirectedRequest {
		t.Errorf("forwarded host not served: status %d, want 421", rec.Code)
	}
}

// The ETag of a response names everything its bytes depend on: the root
// of its links among them, so two roots never share a tag.
func TestETagFollowsTheLinkRoot(t *testing.T) {
	a := newConfiguredServer(t, server.Config{BaseURL: "https://a.example"})
	for _, target := range []string{"/api/collections", "/api/collections/incidents", "/api/collections/incidents/items", "/api/collections/incidents/items/termez"} {
		ra := do(t, a, http.MethodGet, target, nil)
		ra2 := do(t, a, http.MethodGet, target, map[string]string{"Accept-Encoding": "gzip"})
		if ra.Header().Get("ETag") == ra2.Header().Get("ETag") {
			t.Errorf("GET %s: identity and gzip share the ETag %s", target, ra.Header().Get("ETag"))
		}
		vary := strings.Join(ra.Header().Values("Vary"), ",")
		for _, name := range []string{"Accept", "Accept-Encoding"} {
			if !strings.Contains(vary, name) {
				t.Errorf("GET %s: Vary = %q, want %s in it", target, vary, name)
			}
		}
	}
	// One database (one version), two roots.
	db := newSeededDB(t, testLayers())
	assets := fstest.MapFS{}
	one := server.New(server.Config{BaseURL: "https://a.example"}, db, assets, discardLogger())
	two := server.New(server.Config{BaseURL: "https://b.example"}, db, assets, discardLogger())
	for _, target := range []string{"/api/collections", "/api/collections/incidents/items/termez", "/api/collections/incidents/items"} {
		req := func(h http.Handler) string {
			r := httptest.NewRequest(http.MethodGet, target, nil)
			r.Host = "127.0.0.1"
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			return rec.Header().Get("ETag")
		}
		if ta, tb := req(one), req(two); ta == "" || ta == tb {
			t.Errorf("GET %s: ETag %q for both roots", target, ta)
		}
	}
}

// Parameters fail closed: what the query parser cannot read is a 400,
// never a filter dropped and the whole layer returned.
func TestParametersFailClosed(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{
		"/api/collections/incidents/items?category=attack;x",
		"/api/collections/incidents/items?category=attack%zz",
		"/api/collections/incidents/items?f=csv&f=kml",
		"/api/collections/incidents/items?f=csv&f=csv",
		"/api/collections/incidents/items?download=1&download=1",
		"/api/collections/incidents/items?download=1&download=0",
		"/api/collections/incidents/items/termez?f=json&f=json",
		"/api/collections/incidents/clusters?zoom=3;x=1",
		"/api/collections?a;b",
	} {
		rec := do(t, h, http.MethodGet, target, nil)
		wantProblem(t, "GET "+target, rec, http.StatusBadRequest)
	}
	// The filter that did parse still narrows: one attack less than all.
	if rec := do(t, h, http.MethodGet, "/api/collections/incidents/items?category=unrest", nil); !strings.Contains(rec.Body.String(), `"numberReturned":1`) {
		t.Errorf("category=unrest: %s", rec.Body.String())
	}
}

// If-None-Match: * asks whether the resource exists: 304 when it does,
// the 404 when it does not.
func TestIfNoneMatchStar(t *testing.T) {
	h, _ := newTestServer(t)
	star := map[string]string{"If-None-Match": "*"}
	for target, want := range map[string]int{
		"/api/collections/incidents/items/nope":       404,
		"/api/collections/nope":                       404,
		"/api/collections/nope/items":                 404,
		"/api/collections/nope/queryables":            404,
		"/api/collections/incidents/items/termez":     304,
		"/api/collections/incidents":                  304,
		"/api/collections/incidents/items":            304,
		"/api/collections":                            304,
		"/api/collections/incidents/clusters?zoom=3":  304,
		"/api/collections/incidents/queryables":       304,
		"/api/collections/incidents/items/termez?f=x": 400,
	} {
		if rec := do(t, h, http.MethodGet, target, star); rec.Code != want {
			t.Errorf("GET %s with If-None-Match *: status = %d, want %d", target, rec.Code, want)
		}
	}
}

// Accept-Encoding: gzip;q=0 refuses gzip: the answer is identity, on the
// cached items route and the others.
func TestGzipRefusedByQZero(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{"/api/collections/incidents/items", "/api/collections", "/api/openapi.json"} {
		for enc, gz := range map[string]bool{"gzip;q=0": false, "gzip; q=0.0, br": false, "*;q=0": false, "identity": false,
			"gzip": true, "gzip;q=0.5": true, "br, *": false, "*, gzip;q=0": false} {
			rec := do(t, h, http.MethodGet, target, map[string]string{"Accept-Encoding": enc})
			got := rec.Header().Get("Content-Encoding") == "gzip"
			if got != gz {
				t.Errorf("GET %s, Accept-Encoding %q: gzipped = %v, want %v", target, enc, got, gz)
			}
			if gz {
				if _, err := gzip.NewReader(bytes.NewReader(rec.Body.Bytes())); err != nil {
					t.Errorf("GET %s, %q: body is not gzip: %v", target, enc, err)
				}
			}
		}
	}
}

// CSV downloads through the API are injection-safe (the writer is shared
// with casmap export and the page's downloads).
func TestCSVDownloadIsInjectionSafe(t *testing.T) {
	h, db := newTestServer(t)
	src := []any{map[string]any{"title": "@SUM(A1)"}}
	hostile := geodata.Feature{ID: "=1+1", Geometry: orb.Point{69, 34}, Properties: map[string]any{
		"name": "=HYPERLINK(\"https://evil.example\")", "-x": "+1", "sources": src}}
	if err := db.Import(context.Background(), "places", []geodata.Feature{hostile}); err != nil {
		t.Fatal(err)
	}
	rec := do(t, h, http.MethodGet, "/api/collections/places/items?f=csv&download=1", nil)
	body := rec.Body.String()
	rows, err := csv.NewReader(strings.NewReader(body)).ReadAll()
	if err != nil || len(rows) < 2 {
		t.Fatalf("CSV: %v, %d rows", err, len(rows))
	}
	if !strings.Contains(body, "'=HYPERLINK") {
		t.Errorf("the hostile name is missing from the download:\n%s", body)
	}
	for _, row := range rows {
		for _, cell := range row {
			if cell != "" && strings.ContainsRune("=+-@\t\r", rune(cell[0])) {
				t.Errorf("cell %q would run as a formula", cell)
			}
		}
	}
}
