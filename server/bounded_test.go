package server_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/server"
	"github.com/paulmach/orb"
)

// manyIncidents is a layer of n points on a grid, for paging.
func manyIncidents(n int) []geodata.LayerData {
	src := []any{map[string]any{"title": "Test", "publisher": "Test", "url": "https://example.org/r", "date": "2022-01-01"}}
	fs := make([]geodata.Feature, n)
	for i := range fs {
		fs[i] = geodata.Feature{ID: fmt.Sprintf("i%04d", i), Geometry: orb.Point{60 + float64(i%50)*0.2, 30 + float64(i/50)*0.2},
			Properties: map[string]any{"date": "2022-01-01", "category": []string{"attack", "plot"}[i%2], "fatalities": float64(i % 10), "sources": src}}
	}
	return []geodata.LayerData{{Layer: geodata.Layer{ID: "incidents", GeometryKind: "Point", Queryables: []string{"category", "fatalities"}}, Features: fs}}
}

type itemsPage struct {
	Features       []struct{ ID string } `json:"features"`
	NumberMatched  *int                  `json:"numberMatched"`
	NumberReturned int                   `json:"numberReturned"`
	Links          []struct{ Rel, Href string }
}

func (p itemsPage) link(rel string) string {
	for _, l := range p.Links {
		if l.Rel == rel {
			return l.Href
		}
	}
	return ""
}

// TestNextLinksCarryCursors follows next links from the first page to the
// last: every feature once, in order, with a cursor and no offset in the
// links, and numberMatched equal to the total.
func TestNextLinksCarryCursors(t *testing.T) {
	h, _ := newCacheServer(t, testConfig(), manyIncidents(230))
	for _, target := range []string{
		"/api/collections/incidents/items?limit=50",
		"/api/collections/incidents/items?limit=50&category=plot",
		"/api/collections/incidents/items?limit=20&fatalities=3/5&bbox=60,30,70,40",
	} {
		seen := map[string]bool{}
		var total *int
		pages := 0
		for next := target; next != ""; pages++ {
			rec := do(t, h, http.MethodGet, next, nil)
			if rec.Code != http.StatusOK {
				t.Fatalf("GET %s: status %d: %s", next, rec.Code, rec.Body)
			}
			var p itemsPage
			if err := json.Unmarshal(rec.Body.Bytes(), &p); err != nil {
				t.Fatal(err)
			}
			if pages == 0 {
				total = p.NumberMatched
			}
			for _, f := range p.Features {
				if seen[f.ID] {
					t.Errorf("%s: feature %s on two pages", target, f.ID)
				}
				seen[f.ID] = true
			}
			if p.NumberReturned != len(p.Features) {
				t.Errorf("numberReturned = %d, features = %d", p.NumberReturned, len(p.Features))
			}
			next = p.link("next")
			if next != "" {
				u, _ := url.Parse(next)
				if u.Query().Get("cursor") == "" || u.Query().Has("offset") {
					t.Errorf("next link %s: want a cursor and no offset", next)
				}
				next = u.RequestURI()
			}
		}
		if total == nil || *total != len(seen) {
			t.Errorf("%s: numberMatched = %v, pages held %d features", target, total, len(seen))
		}
	}
}

func TestOffsetIsBounded(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, fmt.Sprintf("/api/collections/incidents/items?offset=%d", geodata.MaxOffset+1), nil)
	if rec.Code != http.StatusBadRequest || !strings.Contains(rec.Body.String(), "next links") {
		t.Errorf("offset past the bound: %d %s; want 400 pointing at next links", rec.Code, rec.Body)
	}
	for _, bad := range []string{"cursor=%%%", "cursor=" + strings.Repeat("a", 65), "cursor=abc&offset=5", "cursor=bm9wZQ"} {
		rec := do(t, h, http.MethodGet, "/api/collections/incidents/items?"+bad, nil)
		if rec.Code != http.StatusBadRequest {
			t.Errorf("GET items?%s: status %d, want 400", bad, rec.Code)
		}
	}
}

func TestStats(t *testing.T) {
	h, _ := newTestServer(t)
	rec := do(t, h, http.MethodGet, "/api/collections/incidents/stats?category=attack", nil)
	if rec.Code != http.StatusOK {
		t.Fatalf("stats: %d %s", rec.Code, rec.Body)
	}
	var st struct {
		NumberMatched int
		Facets        map[string][]struct {
			Value string
			Count int
		}
		Months []struct {
			Month string
			Count int
		}
	}
	if err := json.Unmarshal(rec.Body.Bytes(), &st); err != nil {
		t.Fatal(err)
	}
	if st.NumberMatched != 2 {
		t.Errorf("numberMatched = %d, want the 2 attacks", st.NumberMatched)
	}
	if c := st.Facets["confidence"]; len(c) != 2 || c[0].Count != 1 {
		t.Errorf("confidence facet = %v, want disputed 1 and confirmed 1", c)
	}
	if len(st.Months) != 2 || st.Months[0].Month != "2022-04" || st.Months[1].Month != "2022-12" {
		t.Errorf("months = %v, want 2022-04 and 2022-12", st.Months)
	}
	for _, bad := range []string{"limit=5", "zoom=3", "near=railways", "nosuch=1"} {
		if rec := do(t, h, http.MethodGet, "/api/collections/incidents/stats?"+bad, nil); rec.Code != http.StatusBadRequest {
			t.Errorf("stats?%s: status %d, want 400", bad, rec.Code)
		}
	}
}

// blockingStore holds every Features call until its context ends, and
// says when it saw the end.
type blockingStore struct {
	*countingStore
	started chan struct{}
	ended   chan time.Time
}

func (s *blockingStore) Features(ctx context.Context, q geodata.Query, yield func(geodata.Feature) error) (geodata.PageInfo, error) {
	s.started <- struct{}{}
	<-ctx.Done()
	s.ended <- time.Now()
	return geodata.PageInfo{}, ctx.Err()
}

// TestHangUpStopsTheQuery: a client that goes away stops the work it
// started within 100 ms, the cache fill included.
func TestHangUpStopsTheQuery(t *testing.T) {
	_, cs := newCacheServer(t, testConfig(), nil)
	store := &blockingStore{countingStore: cs, started: make(chan struct{}, 4), ended: make(chan time.Time, 4)}
	srv := httptest.NewServer(server.New(server.Config{}, store, fstest.MapFS{}, discardLogger()))
	defer srv.Close()
	for _, path := range []string{"/api/collections/incidents/items?limit=5", "/api/collections/incidents/items?limit=5000"} {
		ctx, cancel := context.WithCancel(context.Background())
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, srv.URL+path, nil)
		go http.DefaultClient.Do(req)
		<-store.started
		hungUp := time.Now()
		cancel()
		select {
		case at := <-store.ended:
			if d := at.Sub(hungUp); d > 100*time.Millisecond {
				t.Errorf("%s: the query ran on %v after the client hung up", path, d)
			}
		case <-time.After(2 * time.Second):
			t.Fatalf("%s: the query still ran 2 s after the client hung up", path)
		}
	}
}

// TestAdmission: with one slot and a queue of one, a third concurrent
// expensive request is turned away at once with 503, Retry-After and a
// problem body, the queued one after its wait, and /healthz and cached
// answers never wait behind them.
func TestAdmission(t *testing.T) {
	_, cs := newCacheServer(t, testConfig(), nil)
	release := make(chan struct{})
	cs.gate = release
	cfg := server.Config{MaxExpensive: 1, AdmissionQueue: 1, AdmissionWait: 300 * time.Millisecond}
	srv := httptest.NewServer(server.New(cfg, cs, fstest.MapFS{}, discardLogger()))
	defer srv.Close()
	defer close(release)
	// Warm the cache with one answer before the slot is taken.
	go func() { release <- struct{}{} }()
	if res := get(t, srv.URL+"/api/collections/incidents/items?limit=1"); res.StatusCode != http.StatusOK {
		t.Fatalf("warm-up: %d", res.StatusCode)
	}
	var wg sync.WaitGroup
	statuses := make(chan *http.Response, 3)
	for i := range 3 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			statuses <- get(t, fmt.Sprintf("%s/api/collections/incidents/items?limit=%d", srv.URL, 2+i))
		}()
		time.Sleep(40 * time.Millisecond)
	}
	start := time.Now()
	if res := get(t, srv.URL+"/healthz"); res.StatusCode != http.StatusOK || time.Since(start) > 200*time.Millisecond {
		t.Errorf("/healthz while the slot is taken: %d after %v", res.StatusCode, time.Since(start))
	}
	if res := get(t, srv.URL+"/api/collections/incidents/items?limit=1"); res.StatusCode != http.StatusOK {
		t.Errorf("cached page while the slot is taken: %d", res.StatusCode)
	}
	busy := 0
	for range 2 {
		res := <-statuses
		if res.StatusCode != http.StatusServiceUnavailable || res.Header.Get("Retry-After") == "" ||
			res.Header.Get("Content-Type") != "application/problem+json" {
			t.Errorf("turned-away request: %d, Retry-After %q, %s", res.StatusCode, res.Header.Get("Retry-After"), res.Header.Get("Content-Type"))
		}
		busy++
	}
	release <- struct{}{}
	if res := <-statuses; res.StatusCode != http.StatusOK {
		t.Errorf("the request in the slot: %d, want 200", res.StatusCode)
	}
	wg.Wait()
}

func get(t *testing.T, u string) *http.Response {
	t.Helper()
	res, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
	return res
}
