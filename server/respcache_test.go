package server_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"testing/fstest"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/server"
	"github.com/paulmach/orb"
)

// countingStore is the real store, counting the queries that reach it and,
// when gate is set, holding each one until gate is closed.
type countingStore struct {
	testStore
	features atomic.Int64
	gate     chan struct{}
}

func (s *countingStore) Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	s.features.Add(1)
	if s.gate != nil {
		<-s.gate
	}
	return s.testStore.Features(ctx, q, yield)
}

// newCacheServer returns the app with cfg over a real SQLite file seeded
// with layers (testLayers when nil), and its counting store.
func newCacheServer(tb testing.TB, cfg server.Config, layers []geodata.LayerData) (http.Handler, *countingStore) {
	tb.Helper()
	if layers == nil {
		layers = testLayers()
	}
	store := &countingStore{testStore: newSeededDB(tb, layers)}
	assets := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>casmap</title>")}}
	cfg.AllowedHosts = append(cfg.AllowedHosts, "example.com")
	return server.New(cfg, store, assets, discardLogger()), store
}

func gunzip(t *testing.T, b []byte) []byte {
	t.Helper()
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		t.Fatalf("body is not gzip: %v", err)
	}
	out, err := io.ReadAll(zr)
	if err != nil {
		t.Fatalf("gunzip: %v", err)
	}
	return out
}

var gz = map[string]string{"Accept-Encoding": "gzip"}

func TestItemsCacheHit(t *testing.T) {
	h, store := newCacheServer(t, server.Config{}, nil)
	first := do(t, h, http.MethodGet, "/api/collections/incidents/items?category=attack&limit=50", nil)
	if first.Code != http.StatusOK {
		t.Fatalf("first GET: status = %d, want 200", first.Code)
	}
	// The same query with its parameters in another order, and f named.
	second := do(t, h, http.MethodGet, "/api/collections/incidents/items?limit=50&f=geojson&category=attack", nil)
	if !bytes.Equal(first.Body.Bytes(), second.Body.Bytes()) {
		t.Errorf("second GET: body differs from the first\n%s\n%s", first.Body, second.Body)
	}
	if n := store.features.Load(); n != 1 {
		t.Errorf("two GETs of one query ran %d queries, want 1", n)
	}
	if got, want := second.Header().Get("Content-Length"), strconv.Itoa(second.Body.Len()); got != want {
		t.Errorf("second GET: Content-Length = %q, want %s", got, want)
	}

	zipped := do(t, h, http.MethodGet, "/api/collections/incidents/items?category=attack&limit=50", gz)
	if got := zipped.Header().Get("Content-Encoding"); got != "gzip" {
		t.Fatalf("gzip GET: Content-Encoding = %q, want gzip", got)
	}
	if body := gunzip(t, zipped.Body.Bytes()); !json.Valid(body) {
		t.Errorf("gzip GET: body decodes to %.80q, not JSON (compressed twice?)", body)
	}
	zippedAgain := do(t, h, http.MethodGet, "/api/collections/incidents/items?limit=50&category=attack", map[string]string{"Accept-Encoding": "gzip, br"})
	if !bytes.Equal(zipped.Body.Bytes(), zippedAgain.Body.Bytes()) {
		t.Error("second gzip GET: bytes differ from the first")
	}
	if n := store.features.Load(); n != 2 {
		t.Errorf("identity and gzip GETs ran %d queries, want 2", n)
	}
	if v := strings.Join(zipped.Header().Values("Vary"), ","); !strings.Contains(v, "Accept-Encoding") {
		t.Errorf("gzip GET: Vary = %q, want Accept-Encoding in it", v)
	}

	etag := zippedAgain.Header().Get("ETag")
	cond := do(t, h, http.MethodGet, "/api/collections/incidents/items?limit=50&category=attack", map[string]string{"Accept-Encoding": "gzip", "If-None-Match": etag})
	if cond.Code != http.StatusNotModified || cond.Body.Len() != 0 {
		t.Errorf("GET with If-None-Match of a cached response: status = %d, body %d bytes; want 304 and empty", cond.Code, cond.Body.Len())
	}
}

// TestItemsCacheGzipMatchesIdentity checks that the cached gzip body is
// the identity body compressed once, or the identity body itself when it is
// too small to be worth compressing.
func TestItemsCacheGzipMatchesIdentity(t *testing.T) {
	h, _ := newCacheServer(t, server.Config{}, nil)
	for _, target := range []string{"/api/collections/incidents/items", "/api/collections/incidents/items?f=csv", "/api/collections/incidents/items?f=kml&download=1"} {
		plain := do(t, h, http.MethodGet, target, nil)
		for range 2 { // a miss, then a hit
			zipped := do(t, h, http.MethodGet, target, gz)
			got := zipped.Body.Bytes()
			switch enc := zipped.Header().Get("Content-Encoding"); {
			case plain.Body.Len() < 1024 && enc != "":
				t.Errorf("GET %s (gzip): Content-Encoding = %q for a body of %d bytes, want none", target, enc, plain.Body.Len())
			case plain.Body.Len() >= 1024 && enc != "gzip":
				t.Fatalf("GET %s (gzip): Content-Encoding = %q, want gzip", target, enc)
			case enc == "gzip":
				got = gunzip(t, got)
			}
			if !bytes.Equal(got, plain.Body.Bytes()) {
				t.Errorf("GET %s: gunzipped body differs from the identity body", target)
			}
			for _, k := range []string{"Content-Type", "Content-Disposition", "ETag", "X-Data-Version"} {
				if k != "ETag" && zipped.Header().Get(k) != plain.Header().Get(k) {
					t.Errorf("GET %s: %s = %q gzipped, %q not", target, k, zipped.Header().Get(k), plain.Header().Get(k))
				}
			}
		}
	}
}

func TestItemsCacheNewData(t *testing.T) {
	h, store := newCacheServer(t, server.Config{}, nil)
	target := "/api/collections/incidents/items"
	before := do(t, h, http.MethodGet, target, gz)
	src := []any{map[string]any{"title": "t"}}
	err := store.Import(context.Background(), "incidents", []geodata.Feature{{ID: "new", Geometry: orb.Point{70, 38},
		Properties: map[string]any{"date": "2023-01-01", "category": "attack", "confidence": "reported", "precision": "town", "sources": src}}})
	if err != nil {
		t.Fatal(err)
	}
	after := do(t, h, http.MethodGet, target, gz)
	if bytes.Equal(before.Body.Bytes(), after.Body.Bytes()) {
		t.Fatal("GET after an import: the cached body of the old data came back")
	}
	var fc map[string]any
	if err := json.Unmarshal(gunzip(t, after.Body.Bytes()), &fc); err != nil {
		t.Fatal(err)
	}
	if fc["numberMatched"] != float64(4) || fc["dataVersion"] != after.Header().Get("X-Data-Version") {
		t.Errorf("after import: numberMatched = %v, dataVersion %v, header %s; want 4 and the new version", fc["numberMatched"], fc["dataVersion"], after.Header().Get("X-Data-Version"))
	}
	if n := store.features.Load(); n != 2 {
		t.Errorf("GETs before and after an import ran %d queries, want 2", n)
	}
}

// TestItemsCacheStampede sends many requests for one uncached response at
// once: one query runs, every request gets its bytes.
func TestItemsCacheStampede(t *testing.T) {
	h, store := newCacheServer(t, server.Config{}, nil)
	store.gate = make(chan struct{})
	const n = 32
	bodies := make([][]byte, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			rec := do(t, h, http.MethodGet, "/api/collections/railways/items", nil)
			if rec.Code != http.StatusOK {
				t.Errorf("request %d: status = %d", i, rec.Code)
			}
			bodies[i] = rec.Body.Bytes()
		})
	}
	time.Sleep(50 * time.Millisecond) // let the requests pile up on the held query
	close(store.gate)
	wg.Wait()
	if got := store.features.Load(); got != 1 {
		t.Errorf("%d requests at once ran %d queries, want 1", n, got)
	}
	for i := range bodies {
		if !bytes.Equal(bodies[i], bodies[0]) {
			t.Errorf("request %d got other bytes than request 0", i)
		}
	}
}

func TestItemsCacheOff(t *testing.T) {
	h, store := newCacheServer(t, server.Config{CacheBytes: -1}, nil)
	target := "/api/collections/incidents/items"
	a := do(t, h, http.MethodGet, target, gz)
	b := do(t, h, http.MethodGet, target, gz)
	if a.Header().Get("Content-Encoding") != "gzip" || !json.Valid(gunzip(t, b.Body.Bytes())) {
		t.Errorf("with the cache off: Content-Encoding = %q, want gzip from the middleware", a.Header().Get("Content-Encoding"))
	}
	if n := store.features.Load(); n != 2 {
		t.Errorf("with the cache off, two GETs ran %d queries, want 2", n)
	}
}

func TestItemsZoom(t *testing.T) {
	h, _ := newCacheServer(t, server.Config{}, nil)
	tests := []struct {
		target string
		status int
	}{
		{"/api/collections/railways/items?zoom=5", 200},
		{"/api/collections/railways/items?zoom=0&bbox=60,30,70,40", 200},
		{"/api/collections/railways/items?zoom=23", 400},
		{"/api/collections/railways/items?zoom=x", 400},
		{"/api/collections/incidents/items?zoom=5", 400},
	}
	for _, tc := range tests {
		rec := do(t, h, http.MethodGet, tc.target, nil)
		if rec.Code != tc.status {
			t.Errorf("GET %s: status = %d, want %d\n%s", tc.target, rec.Code, tc.status, rec.Body)
		}
	}
	// A two-point railway has nothing to drop: simplified, it is the same.
	full := decode(t, do(t, h, http.MethodGet, "/api/collections/railways/items", nil))
	z0 := decode(t, do(t, h, http.MethodGet, "/api/collections/railways/items?zoom=0", nil))
	geom := func(fc map[string]any) string {
		b, _ := json.Marshal(fc["features"].([]any)[0].(map[string]any)["geometry"])
		return string(b)
	}
	if geom(full) != geom(z0) {
		t.Errorf("zoom=0 changed a two-point line: %s -> %s", geom(full), geom(z0))
	}
}

// TestItemsETag checks the ETag made from the cache key, with the cache on
// and off: one tag for one response however its query is written, hit or
// miss, and different tags for different bytes.
func TestItemsETag(t *testing.T) {
	for _, tc := range []struct {
		name string
		cfg  server.Config
	}{{"cache on", server.Config{}}, {"cache off", server.Config{CacheBytes: -1}}} {
		t.Run(tc.name, func(t *testing.T) {
			h, _ := newCacheServer(t, tc.cfg, nil)
			etag := func(target string, headers map[string]string) string {
				rec := do(t, h, http.MethodGet, target, headers)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: status = %d, want 200", target, rec.Code)
				}
				return rec.Header().Get("ETag")
			}
			const target = "/api/collections/incidents/items?category=attack&limit=50"
			miss := etag(target, nil)
			if !strings.HasPrefix(miss, `"`) || len(miss) < 10 {
				t.Fatalf("GET %s: ETag = %q, want a strong one", target, miss)
			}
			same := []string{target, "/api/collections/incidents/items?limit=50&f=geojson&category=attack",
				"/api/collections/incidents/items?limit=50&category=attack&category=attack"}
			for _, s := range same {
				if got := etag(s, nil); got != miss {
					t.Errorf("GET %s: ETag = %s, want %s as for %s", s, got, miss, target)
				}
			}
			different := map[string]map[string]string{
				target:            gz,
				target + "&f=csv": nil,
				"/api/collections/incidents/items?limit=49&category=attack": nil,
			}
			for s, headers := range different {
				if got := etag(s, headers); got == miss {
					t.Errorf("GET %s (%v): ETag = %s, the same as %s without", s, headers, got, target)
				}
			}
		})
	}
}
