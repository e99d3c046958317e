package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// seedLayers are the layers a new database is seeded with.
var seedLayers = []string{"borders", "gbao", "incidents", "places", "power", "provinces", "railways", "rivers", "tapi"}

// syncBuffer is a bytes.Buffer safe for the server's goroutines to write
// while a test reads it.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// httpClient does not use a proxy: the server is on loopback.
var httpClient = &http.Client{
	Timeout:   30 * time.Second,
	Transport: &http.Transport{Proxy: nil},
}

// response is an answer read in full.
type response struct {
	status int
	header http.Header
	body   []byte
}

// get fetches url with an optional Accept header and reads the whole body.
func get(t *testing.T, url, accept string) response {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	if accept != "" {
		req.Header.Set("Accept", accept)
	}
	resp, err := httpClient.Do(req)
	if err != nil {
		t.Fatalf("GET %s: %v", url, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("GET %s: read body: %v", url, err)
	}
	return response{status: resp.StatusCode, header: resp.Header, body: body}
}

// getJSON fetches url, wants status, and decodes the body into v.
func getJSON(t *testing.T, url string, status int, v any) response {
	t.Helper()
	r := get(t, url, "application/json")
	if r.status != status {
		t.Fatalf("GET %s: status = %d, want %d\n%s", url, r.status, status, snippet(r.body))
	}
	if err := json.Unmarshal(r.body, v); err != nil {
		t.Fatalf("GET %s: decode JSON: %v\n%s", url, err, snippet(r.body))
	}
	return r
}

func snippet(b []byte) string {
	if len(b) > 500 {
		return string(b[:500]) + "…"
	}
	return string(b)
}

// apiLink is an OGC API link.
type apiLink struct {
	Href string `json:"href"`
	Rel  string `json:"rel"`
	Type string `json:"type"`
}

// linkTo returns the href of the first link with rel (and type, if given).
func linkTo(links []apiLink, rel, typ string) (string, bool) {
	for _, l := range links {
		if l.Rel == rel && (typ == "" || strings.HasPrefix(l.Type, typ)) {
			return l.Href, true
		}
	}
	return "", false
}

// apiCollection is what the tests read of a collection.
type apiCollection struct {
	ID     string    `json:"id"`
	Links  []apiLink `json:"links"`
	Extent struct {
		Spatial struct {
			BBox [][]float64 `json:"bbox"`
		} `json:"spatial"`
	} `json:"extent"`
	ItemCount int `json:"itemCount"`
}

// collections returns the layers the server lists, by id.
func collections(t *testing.T, base string) map[string]apiCollection {
	t.Helper()
	var doc struct {
		Collections []apiCollection `json:"collections"`
	}
	getJSON(t, base+"/api/collections", http.StatusOK, &doc)
	out := make(map[string]apiCollection, len(doc.Collections))
	for _, c := range doc.Collections {
		out[c.ID] = c
	}
	return out
}

// itemsPage is one page of items in GeoJSON.
type itemsPage struct {
	Type           string            `json:"type"`
	Features       []json.RawMessage `json:"features"`
	NumberMatched  *int              `json:"numberMatched"`
	NumberReturned *int              `json:"numberReturned"`
	TimeStamp      string            `json:"timeStamp"`
	Links          []apiLink         `json:"links"`
}

// featureIDs returns the id of each feature on the page, as text.
func (p itemsPage) featureIDs(t *testing.T) []string {
	t.Helper()
	ids := make([]string, 0, len(p.Features))
	for _, raw := range p.Features {
		var f struct {
			ID any `json:"id"`
		}
		if err := json.Unmarshal(raw, &f); err != nil {
			t.Fatalf("decode feature: %v", err)
		}
		ids = append(ids, fmt.Sprint(f.ID))
	}
	return ids
}

// walkItems follows next links from first, as GDAL does, and returns every
// page. It stops after maxPages, which would mean the links loop.
func walkItems(t *testing.T, first string, check func(url string, p itemsPage)) []itemsPage {
	t.Helper()
	const maxPages = 2000
	var pages []itemsPage
	for next := first; next != ""; {
		if len(pages) == maxPages {
			t.Fatalf("GET %s: still a next link after %d pages", first, maxPages)
		}
		var p itemsPage
		r := getJSON(t, next, http.StatusOK, &p)
		if ct := r.header.Get("Content-Type"); !strings.HasPrefix(ct, "application/geo+json") {
			t.Errorf("GET %s: Content-Type = %q, want application/geo+json", next, ct)
		}
		if check != nil {
			check(next, p)
		}
		pages = append(pages, p)
		next, _ = linkTo(p.Links, "next", "")
	}
	return pages
}

// withQuery returns u with the parameters in q set.
func withQuery(t *testing.T, u string, q url.Values) string {
	t.Helper()
	parsed, err := url.Parse(u)
	if err != nil {
		t.Fatalf("parse %s: %v", u, err)
	}
	v := parsed.Query()
	for k, vals := range q {
		v[k] = vals
	}
	parsed.RawQuery = v.Encode()
	return parsed.String()
}
