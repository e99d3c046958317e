package server

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
)

func response(n int) *cachedResponse {
	return &cachedResponse{body: []byte(strings.Repeat("x", n)), media: "application/geo+json"}
}

// TestRespCacheBound fills a small cache far past its bound and checks it
// never holds more, keeps what was used last and drops the rest.
func TestRespCacheBound(t *testing.T) {
	const max = 20_000
	rc := newRespCache(max, time.Second)
	v := geodata.Version("v1")
	rc.get(v, "") // as every request does first: learn the version
	for i := range 100 {
		key := fmt.Sprintf("k%03d", i)
		rc.put(v, key, response(1000))
		if _, ok := rc.get(v, "k000"); !ok {
			t.Fatalf("after %d puts: k000, used after every put, was evicted", i+1)
		}
		if used, _, _, _ := rc.stats(); used > max {
			t.Fatalf("after %d puts: %d bytes held, bound %d", i+1, used, max)
		}
	}
	used, entries, _, _ := rc.stats()
	if entries < 10 || entries > max/1000 {
		t.Errorf("%d entries of ~1.3 kB in %d bytes; want between 10 and %d", entries, max, max/1000)
	}
	if _, ok := rc.get(v, "k001"); ok {
		t.Error("k001, least recently used, is still held")
	}
	if _, ok := rc.get(v, "k099"); !ok {
		t.Error("k099, the last put, is not held")
	}
	rc.put(v, "huge", response(2*max))
	if _, ok := rc.get(v, "huge"); ok {
		t.Error("an entry larger than the whole cache was kept")
	}
	if after, _, _, _ := rc.stats(); after != used {
		t.Errorf("a refused entry changed the bytes held from %d to %d", used, after)
	}
}

func TestRespCacheVersion(t *testing.T) {
	rc := newRespCache(0, time.Second)
	rc.get("v1", "")
	rc.put("v1", "a", response(10))
	if _, ok := rc.get("v1", "a"); !ok {
		t.Fatal("an entry of the current version was not stored")
	}
	if _, ok := rc.get("v2", "a"); ok {
		t.Fatal("an entry of version v1 was served for v2")
	}
	if used, entries, _, _ := rc.stats(); used != 0 || entries != 0 {
		t.Errorf("after version v2 was seen: %d bytes in %d entries held, want none", used, entries)
	}
	// A slow computation of the old version must not come back in.
	rc.put("v1", "a", response(10))
	if _, entries, _, _ := rc.stats(); entries != 0 {
		t.Error("a response of an old version was stored")
	}
}

// TestRespCacheFillAbandoned checks that a request that goes away does not
// fail the others sharing its computation, and that a panic in a
// computation is an error, not a crash.
func TestRespCacheFillAbandoned(t *testing.T) {
	rc := newRespCache(0, time.Second)
	release := make(chan struct{})
	compute := func(ctx context.Context) (*cachedResponse, error) {
		<-release
		if err := ctx.Err(); err != nil {
			return nil, err
		}
		return response(5), nil
	}
	gone, cancel := context.WithCancel(context.Background())
	leader := make(chan error, 1)
	go func() {
		_, err := rc.fill(gone, "v", "k", compute)
		leader <- err
	}()
	time.Sleep(20 * time.Millisecond) // let the leader start the computation
	cancel()
	if err := <-leader; !errors.Is(err, context.Canceled) {
		t.Errorf("abandoned request: err = %v, want context.Canceled", err)
	}
	waiter := make(chan error, 1)
	go func() {
		_, err := rc.fill(context.Background(), "v", "k", compute)
		waiter <- err
	}()
	close(release)
	if err := <-waiter; err != nil {
		t.Errorf("request sharing an abandoned computation: %v", err)
	}
	if _, ok := rc.get("v", "k"); !ok {
		t.Error("the shared computation was not stored")
	}

	_, err := rc.fill(context.Background(), "v", "boom", func(context.Context) (*cachedResponse, error) { panic("boom") })
	if err == nil || !strings.Contains(err.Error(), "panic: boom") {
		t.Errorf("panicking computation: err = %v, want one naming the panic", err)
	}
}

// A response kept in the cache holds no more memory than its body needs,
// and the cache counts what it holds, so its bound is a bound on memory.
func TestCachedResponseHoldsOnlyItsBody(t *testing.T) {
	for _, gz := range []bool{false, true} {
		body := make([]byte, 0, 1<<20)
		body = append(body, bytes.Repeat([]byte(`{"type":"Feature"},`), 3000)...)
		var zip *gzipPool
		if gz {
			zip = &gzipPool{}
		}
		res, err := newResponse(body, "application/geo+json", "", `"e"`, zip)
		if err != nil {
			t.Fatal(err)
		}
		if c, l := cap(res.body), len(res.body); c > l+l/8 {
			t.Errorf("gzip %v: body of %d bytes holds %d", gz, l, c)
		}
		if s := res.size("k"); s < int64(cap(res.body)) {
			t.Errorf("gzip %v: size %d counts less than the body's %d bytes", gz, s, cap(res.body))
		}
	}
}
