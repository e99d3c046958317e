package server_test

import (
	"net/http"
	"strings"
	"testing"
)

func TestRoutes(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct {
		name, target string
		status       int
		media        string
		detail       string // a phrase the problem detail must contain
	}{
		{"landing", "/api", 200, "application/json", ""},
		{"conformance", "/api/conformance", 200, "application/json", ""},
		{"openapi", "/api/openapi.json", 200, "application/vnd.oai.openapi+json", ""},
		{"collections", "/api/collections", 200, "application/json", ""},
		{"collection", "/api/collections/incidents", 200, "application/json", ""},
		{"queryables", "/api/collections/incidents/queryables", 200, "application/schema+json", ""},
		{"items", "/api/collections/incidents/items", 200, "application/geo+json", ""},
		{"item", "/api/collections/incidents/items/termez", 200, "application/geo+json", ""},
		{"csv", "/api/collections/incidents/items?f=csv", 200, "text/csv", ""},
		{"kml", "/api/collections/incidents/items?f=kml", 200, "application/vnd.google-earth.kml+xml", ""},
		{"page", "/", 200, "text/html", ""},
		{"asset", "/main-ABCDEF12.js", 200, "text/javascript", ""},
		{"health", "/healthz", 200, "text/plain", ""},

		{"unknown layer", "/api/collections/nope", 404, "application/problem+json", `layer "nope"`},
		{"unknown layer items", "/api/collections/nope/items", 404, "application/problem+json", `layer "nope"`},
		{"unknown feature", "/api/collections/incidents/items/nope", 404, "application/problem+json", `"nope"`},
		{"unknown file", "/nothing.js", 404, "application/problem+json", "no page or file"},
		{"bbox three numbers", "/api/collections/incidents/items?bbox=1,2,3", 400, "application/problem+json", "four numbers"},
		{"bbox not numbers", "/api/collections/incidents/items?bbox=a,b,c,d", 400, "application/problem+json", "not a number"},
		{"bbox wrong order", "/api/collections/incidents/items?bbox=70,30,60,40", 400, "application/problem+json", "east of"},
		{"bbox out of range", "/api/collections/incidents/items?bbox=60,30,190,40", 400, "application/problem+json", "longitudes"},
		{"limit zero", "/api/collections/incidents/items?limit=0", 400, "application/problem+json", "between 1 and 10000"},
		{"limit unlimited", "/api/collections/incidents/items?limit=unlimited", 400, "application/problem+json", "whole number"},
		{"limit too big", "/api/collections/incidents/items?limit=10001", 400, "application/problem+json", "out of range"},
		{"offset negative", "/api/collections/incidents/items?offset=-1", 400, "application/problem+json", "offset"},
		{"bad datetime", "/api/collections/incidents/items?datetime=yesterday", 400, "application/problem+json", "datetime"},
		{"unknown parameter", "/api/collections/incidents/items?colour=red", 400, "application/problem+json", "unknown parameter"},
		{"not a queryable here", "/api/collections/railways/items?category=attack", 400, "application/problem+json", "unknown parameter"},
		{"bad format", "/api/collections/incidents/items?f=xlsx", 400, "application/problem+json", "format"},
		{"near an unknown layer", "/api/collections/incidents/items?near=nope", 400, "application/problem+json", "near"},
		{"near an unknown feature", "/api/collections/incidents/items?near=railways/nope", 400, "application/problem+json", "near"},
		{"near a malformed target", "/api/collections/incidents/items?near=..%2Fx", 400, "application/problem+json", "near"},
		{"within_km zero", "/api/collections/incidents/items?near=railways&within_km=0", 400, "application/problem+json", "within_km"},
		{"within_km too far", "/api/collections/incidents/items?near=railways&within_km=5000", 400, "application/problem+json", "within_km"},
		{"within_km alone", "/api/collections/incidents/items?within_km=5", 400, "application/problem+json", "needs near"},
		{"repeated parameter", "/api/collections/incidents/items?limit=1&limit=2", 400, "application/problem+json", "once"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := do(t, h, http.MethodGet, tc.target, nil)
			if rec.Code != tc.status {
				t.Fatalf("GET %s: status = %d, want %d\n%s", tc.target, rec.Code, tc.status, rec.Body.String())
			}
			if got := rec.Header().Get("Content-Type"); !strings.HasPrefix(got, tc.media) {
				t.Errorf("GET %s: Content-Type = %q, want %s", tc.target, got, tc.media)
			}
			if tc.detail != "" {
				p := decode(t, rec)
				if detail, _ := p["detail"].(string); !strings.Contains(detail, tc.detail) {
					t.Errorf("GET %s: detail = %q, want it to mention %q", tc.target, detail, tc.detail)
				}
				if p["status"] != float64(tc.status) {
					t.Errorf("GET %s: problem status = %v, want %d", tc.target, p["status"], tc.status)
				}
			}
		})
	}
}

func TestSecurityHeaders(t *testing.T) {
	h, _ := newTestServer(t)
	for _, target := range []string{"/", "/api/collections", "/api/collections/nope"} {
		rec := do(t, h, http.MethodGet, target, nil)
		csp := rec.Header().Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "script-src 'self' 'unsafe-inline'") {
			t.Errorf("GET %s: CSP = %q, want script-src 'self' without unsafe-inline", target, csp)
		}
		if !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("GET %s: CSP = %q, want frame-ancestors 'none'", target, csp)
		}
		if got := rec.Header().Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s: X-Content-Type-Options = %q, want nosniff", target, got)
		}
		if got := rec.Header().Get("Referrer-Policy"); got == "" {
			t.Errorf("GET %s: no Referrer-Policy", target)
		}
	}
}

func TestAssetCaching(t *testing.T) {
	h, _ := newTestServer(t)
	tests := []struct{ target, want string }{
		{"/", "no-cache"},
		{"/main-ABCDEF12.js", "public, max-age=31536000, immutable"},
		{"/api/collections", "public, no-cache"},
	}
	for _, tc := range tests {
		rec := do(t, h, http.MethodGet, tc.target, nil)
		if got := rec.Header().Get("Cache-Control"); got != tc.want {
			t.Errorf("GET %s: Cache-Control = %q, want %q", tc.target, got, tc.want)
		}
	}
}
