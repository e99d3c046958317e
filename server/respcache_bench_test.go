package server_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/casmap/casmap/geodata/seed"
	"github.com/casmap/casmap/server"
)

// benchItems measures whole items requests through the app, on the seed
// data, with the response cache of cfg.
func benchItems(b *testing.B, cfg server.Config) {
	layers, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, _ := newCacheServer(b, cfg, layers)
	cases := []struct{ name, target, encoding string }{
		{"borders-full-gzip", "/api/collections/borders/items?limit=10000", "gzip"},
		{"borders-full-identity", "/api/collections/borders/items?limit=10000", ""},
		{"borders-zoom5-gzip", "/api/collections/borders/items?limit=10000&zoom=5", "gzip"},
		{"incidents-page-gzip", "/api/collections/incidents/items?limit=100", "gzip"},
	}
	for _, bc := range cases {
		b.Run(bc.name, func(b *testing.B) {
			req := httptest.NewRequest(http.MethodGet, bc.target, nil)
			if bc.encoding != "" {
				req.Header.Set("Accept-Encoding", bc.encoding)
			}
			var n int
			b.ReportAllocs()
			for b.Loop() {
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					b.Fatalf("GET %s: status = %d", bc.target, rec.Code)
				}
				n = rec.Body.Len()
			}
			b.SetBytes(int64(n))
			b.ReportMetric(float64(n), "body-bytes")
		})
	}
}

// BenchmarkItemsCached serves items from the response cache: after the
// first request, a lookup and a copy of stored bytes.
func BenchmarkItemsCached(b *testing.B) { benchItems(b, server.Config{}) }

// BenchmarkItemsUncached runs the query, encodes and compresses on every
// request, as with the cache off.
func BenchmarkItemsUncached(b *testing.B) { benchItems(b, server.Config{CacheBytes: -1}) }

// discardWriter is a ResponseWriter that keeps the headers and drops the
// body, so a benchmark sees the server's own cost of a response and not
// that of copying the body into a recorder.
type discardWriter struct {
	h      http.Header
	status int
	n      int
}

func (w *discardWriter) Header() http.Header         { return w.h }
func (w *discardWriter) WriteHeader(status int)      { w.status = status }
func (w *discardWriter) Write(b []byte) (int, error) { w.n += len(b); return len(b), nil }

// BenchmarkItemsHit measures what a cache hit costs the server beyond
// writing the body: routing, middleware, the version, the key, the ETag
// and the log line.
func BenchmarkItemsHit(b *testing.B) {
	layers, err := seed.Load()
	if err != nil {
		b.Fatal(err)
	}
	h, _ := newCacheServer(b, server.Config{}, layers)
	const target = "/api/collections/borders/items?limit=10000"
	req := httptest.NewRequest(http.MethodGet, target, nil)
	req.Header.Set("Accept-Encoding", "gzip")
	w := &discardWriter{h: http.Header{}}
	h.ServeHTTP(w, req) // fill the cache
	b.ReportAllocs()
	for b.Loop() {
		clear(w.h)
		w.status, w.n = 0, 0
		h.ServeHTTP(w, req)
		if w.status != http.StatusOK {
			b.Fatalf("GET %s: status = %d, want 200", target, w.status)
		}
	}
}
