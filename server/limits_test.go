package server_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/casmap/casmap/server"
)

// send makes one request with an optional body through the real app.
// A nil header map and a nil body are allowed. chunked hides the body's
// length, as a streaming client does.
func send(t *testing.T, h http.Handler, method, target string, body []byte, chunked bool, header map[string]string) *httptest.ResponseRecorder {
	t.Helper()
	var r io.Reader
	if body != nil {
		r = bytes.NewReader(body)
		if chunked {
			r = io.MultiReader(r) // not a *bytes.Reader, so no length is set
		}
	}
	req := httptest.NewRequest(method, target, r)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	return rec
}

// wantProblem checks that rec is an application/problem+json answer with
// one of the statuses in want, and that the body says that status.
func wantProblem(t *testing.T, what string, rec *httptest.ResponseRecorder, want ...int) {
	t.Helper()
	ok := false
	for _, w := range want {
		ok = ok || rec.Code == w
	}
	if !ok {
		t.Fatalf("%s: status = %d, want one of %v\n%s", what, rec.Code, want, snippetOf(rec.Body.String()))
	}
	if ct := rec.Header().Get("Content-Type"); !strings.HasPrefix(ct, "application/problem+json") {
		t.Errorf("%s: Content-Type = %q, want application/problem+json", what, ct)
	}
	var p struct{ Status int }
	if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil || p.Status != rec.Code {
		t.Errorf("%s: problem status = %d (%v), want %d", what, p.Status, err, rec.Code)
	}
}

func snippetOf(s string) string {
	if len(s) > 300 {
		return s[:300] + "…"
	}
	return s
}

func TestBodyLimit(t *testing.T) {
	h, _ := newTestServer(t)
	big := bytes.Repeat([]byte(`{"type":"Feature"},`), 2<<20/19)
	tests := []struct {
		name, method, target string
		chunked              bool
		want                 []int
	}{
		{"POST collections", http.MethodPost, "/api/collections", false, []int{405, 413}},
		{"PUT items", http.MethodPut, "/api/collections/incidents/items", false, []int{405, 413}},
		{"POST items chunked", http.MethodPost, "/api/collections/incidents/items", true, []int{405, 413}},
		{"PATCH feature", http.MethodPatch, "/api/collections/incidents/items/termez", false, []int{405, 413}},
		{"POST page", http.MethodPost, "/", false, []int{405, 413}},
		// A route that exists, so only the body limit can refuse it.
		{"GET with a body", http.MethodGet, "/api/collections", false, []int{413}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := send(t, h, tc.method, tc.target, big, tc.chunked, map[string]string{"Content-Type": "application/geo+json"})
			wantProblem(t, tc.method+" "+tc.target+" with a 2 MB body", rec, tc.want...)
		})
	}
}

func TestMethodNotAllowed(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{"/api/collections", "/api/collections/incidents/items", "/api/collections/incidents/items/termez"} {
		for _, method := range []string{http.MethodPost, http.MethodPut, http.MethodDelete} {
			rec := send(t, h, method, target, nil, false, nil)
			wantProblem(t, method+" "+target, rec, http.StatusMethodNotAllowed)
			if allow := rec.Header().Get("Allow"); !strings.Contains(allow, http.MethodGet) {
				t.Errorf("%s %s: Allow = %q, want it to list GET", method, target, allow)
			}
		}
	}
}

func TestQueryLimit(t *testing.T) {
	h, _ := newTestServer(t)
	pad := func(n int) string {
		q := "bbox=" + strings.Repeat("1", n)
		return q[:n]
	}
	tests := []struct {
		name  string
		query string
		want  int
	}{
		{"at the limit", pad(server.MaxQueryBytes), http.StatusBadRequest},
		{"one byte over", pad(server.MaxQueryBytes + 1), http.StatusRequestURITooLong},
		{"far over", pad(60 << 10), http.StatusRequestURITooLong},
		{"many parameters", strings.Repeat("category=attack&", 1000), http.StatusRequestURITooLong},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			for _, path := range []string{"/api/collections/incidents/items", "/api/collections", "/"} {
				rec := send(t, h, http.MethodGet, path+"?"+tc.query, nil, false, nil)
				if path != "/api/collections/incidents/items" && tc.want != http.StatusRequestURITooLong {
					continue // only the items route reads bbox
				}
				wantProblem(t, "GET "+path+" with a query of "+strconv.Itoa(len(tc.query))+" bytes", rec, tc.want)
			}
		})
	}
}

// TestSecurityHeadersOnEveryResponse checks the headers that forbid inline
// script, framing and MIME sniffing on answers of every kind, including
// errors raised by middleware before any handler runs.
func TestSecurityHeadersOnEveryResponse(t *testing.T) {
	h, _ := newTestServer(t)
	first := send(t, h, http.MethodGet, "/api/collections/incidents/items", nil, false, nil)
	etag := first.Header().Get("ETag")
	if etag == "" {
		t.Fatalf("GET items: no ETag")
	}
	broken, db := newTestServer(t)
	db.Close() // every query now fails: the 500 path
	noPage := server.New(testConfig(), newSeededDB(t, testLayers()), fstest.MapFS{}, discardLogger())
	big := bytes.Repeat([]byte("x"), 2<<20)
	tests := []struct {
		name   string
		h      http.Handler
		method string
		target string
		body   []byte
		header map[string]string
		status int
	}{
		{"page", h, http.MethodGet, "/", nil, nil, 200},
		{"page HEAD", h, http.MethodHead, "/", nil, nil, 200},
		{"asset", h, http.MethodGet, "/main-ABCDEF12.js", nil, nil, 200},
		{"api", h, http.MethodGet, "/api", nil, nil, 200},
		{"items", h, http.MethodGet, "/api/collections/incidents/items", nil, nil, 200},
		{"items gzip", h, http.MethodGet, "/api/collections/incidents/items", nil, map[string]string{"Accept-Encoding": "gzip"}, 200},
		{"csv", h, http.MethodGet, "/api/collections/incidents/items?f=csv", nil, nil, 200},
		{"health", h, http.MethodGet, "/healthz", nil, nil, 200},
		{"preflight", h, http.MethodOptions, "/api/collections", nil, map[string]string{"Origin": "https://example.org", "Access-Control-Request-Method": "GET"}, 204},
		{"not modified", h, http.MethodGet, "/api/collections/incidents/items", nil, map[string]string{"If-None-Match": etag}, 304},
		{"bad request", h, http.MethodGet, "/api/collections/incidents/items?bbox=1,2,3", nil, nil, 400},
		{"not found", h, http.MethodGet, "/api/collections/nope", nil, nil, 404},
		{"no such file", h, http.MethodGet, "/nothing.js", nil, nil, 404},
		{"method not allowed", h, http.MethodPost, "/api/collections", nil, nil, 405},
		{"body too large", h, http.MethodGet, "/api/collections", big, nil, 413},
		{"query too long", h, http.MethodGet, "/api?" + strings.Repeat("a", 9<<10), nil, nil, 414},
		{"internal error", broken, http.MethodGet, "/api/collections", nil, nil, 500},
		{"page not built", noPage, http.MethodGet, "/", nil, nil, 503},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := send(t, tc.h, tc.method, tc.target, tc.body, false, tc.header)
			what := tc.method + " " + snippetOf(tc.target)
			if rec.Code != tc.status {
				t.Fatalf("%s: status = %d, want %d\n%s", what, rec.Code, tc.status, snippetOf(rec.Body.String()))
			}
			checkSecurityHeaders(t, what, rec.Header())
		})
	}
}

func checkSecurityHeaders(t *testing.T, what string, h http.Header) {
	t.Helper()
	csp := h.Get("Content-Security-Policy")
	directives := map[string]string{}
	for _, d := range strings.Split(csp, ";") {
		name, value, _ := strings.Cut(strings.TrimSpace(d), " ")
		directives[name] = value
	}
	script, ok := directives["script-src"]
	if !ok {
		script, ok = directives["default-src"]
	}
	if !ok || strings.Contains(script, "'unsafe-inline'") || strings.Contains(script, "'unsafe-eval'") || strings.Contains(script, "*") {
		t.Errorf("%s: CSP script sources %q, want them set and without unsafe-inline, unsafe-eval or *", what, script)
	}
	if directives["frame-ancestors"] != "'none'" {
		t.Errorf("%s: CSP frame-ancestors = %q, want 'none'", what, directives["frame-ancestors"])
	}
	if directives["object-src"] != "'none'" {
		t.Errorf("%s: CSP object-src = %q, want 'none'", what, directives["object-src"])
	}
	if got := h.Get("X-Content-Type-Options"); got != "nosniff" {
		t.Errorf("%s: X-Content-Type-Options = %q, want nosniff", what, got)
	}
	if got := h.Get("Referrer-Policy"); got == "" || got == "unsafe-url" {
		t.Errorf("%s: Referrer-Policy = %q, want a policy that does not leak full URLs", what, got)
	}
	if got := h.Get("X-Frame-Options"); got != "DENY" {
		t.Errorf("%s: X-Frame-Options = %q, want DENY", what, got)
	}
}
