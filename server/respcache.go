package server

import (
	"container/list"
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/flight"
)

// DefaultCacheBytes bounds the items response cache when Config.CacheBytes
// is zero.
const DefaultCacheBytes = 64 << 20

// entryOverhead is what an entry costs beyond its key and body: the list
// element, the map slot and the header strings, roughly.
const entryOverhead = 256

// cachedResponse is an items response as it goes on the wire: the body,
// already gzipped when encoding says so, and the headers that vary with
// it, made once so that a hit only copies them.
type cachedResponse struct {
	body        []byte
	media       string
	disposition string
	// encoding is "gzip" or empty.
	encoding string
	etag     string
	// simplified is the page's X-Geometry-Simplified value, or empty.
	simplified string
	// length is len(body) in decimal, for Content-Length.
	length string
}

// size is what the response holds in memory: the body's whole capacity,
// which a buffer grown by doubling may leave twice its length.
func (r *cachedResponse) size(key string) int64 {
	return int64(cap(r.body)+len(key)+len(r.media)+len(r.disposition)+len(r.etag)+len(r.length)) + entryOverhead
}

type cacheEntry struct {
	key string
	res *cachedResponse
}

// respCache keeps encoded items responses of the current data version in
// memory, least recently used first out once they exceed max bytes. A
// response of another version is never served: the first request that sees
// a new version empties the cache. Concurrent misses on one key compute once.
type respCache struct {
	max     int64
	timeout time.Duration

	mu      sync.Mutex
	version geodata.Version
	used    int64
	order   *list.List // of *cacheEntry, most recently used at the front
	entries map[string]*list.Element

	flights        flight.Group[*cachedResponse]
	hits, computed atomic.Int64
	zip            gzipPool
}

// gzipFor returns what compresses a response for a client whose accepted
// encoding is enc ("" for none), or nil: without a cache, responses are
// left to Echo's gzip middleware.
func (rc *respCache) gzipFor(enc string) *gzipPool {
	if rc == nil || enc == "" {
		return nil
	}
	return &rc.zip
}

// newRespCache returns a cache of at most maxBytes whose computations run
// for at most timeout, or nil (no caching) when maxBytes is negative.
func newRespCache(maxBytes int64, timeout time.Duration) *respCache {
	if maxBytes < 0 {
		return nil
	}
	if maxBytes == 0 {
		maxBytes = DefaultCacheBytes
	}
	rc := &respCache{max: maxBytes, timeout: timeout, order: list.New(), entries: map[string]*list.Element{}}
	rc.flights.Timeout = timeout
	return rc
}

// get returns the response stored under key for version v.
func (rc *respCache) get(v geodata.Version, key string) (*cachedResponse, bool) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	rc.sync(v)
	el, ok := rc.entries[key]
	if !ok {
		return nil, false
	}
	rc.order.MoveToFront(el)
	rc.hits.Add(1)
	return el.Value.(*cacheEntry).res, true
}

// put stores res under key if v is still the current version and res fits,
// evicting the least recently used entries to make room.
func (rc *respCache) put(v geodata.Version, key string, res *cachedResponse) {
	size := res.size(key)
	if size > rc.max {
		return
	}
	rc.mu.Lock()
	defer rc.mu.Unlock()
	// A computation that started before new data came must not bring
	// its old version back.
	if rc.version != v {
		return
	}
	if el, ok := rc.entries[key]; ok {
		rc.remove(el)
	}
	for rc.used+size > rc.max {
		rc.remove(rc.order.Back())
	}
	rc.entries[key] = rc.order.PushFront(&cacheEntry{key: key, res: res})
	rc.used += size
}

// sync drops every entry when v is not the version they were made from.
// It is called with mu held.
func (rc *respCache) sync(v geodata.Version) {
	if v == rc.version {
		return
	}
	rc.version = v
	rc.order.Init()
	clear(rc.entries)
	rc.used = 0
}

func (rc *respCache) remove(el *list.Element) {
	e := rc.order.Remove(el).(*cacheEntry)
	delete(rc.entries, e.key)
	rc.used -= e.res.size(e.key)
}

// stats returns the bytes held, the number of entries, the hits and the
// responses computed, for tests and benchmarks.
func (rc *respCache) stats() (used int64, entries int, hits, computed int64) {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return rc.used, len(rc.entries), rc.hits.Load(), rc.computed.Load()
}

// fill returns the response for key, computing it with compute at most once
// however many requests ask at the same time, and stores it. compute runs
// under a context of its own that ends when the last request waiting on
// it goes away (or the cache's timeout passes): one client hanging up does
// not fail the others waiting on the same key, and when all have gone the
// work stops.
func (rc *respCache) fill(ctx context.Context, v geodata.Version, key string, compute func(context.Context) (*cachedResponse, error)) (*cachedResponse, error) {
	return rc.flights.Do(ctx, key, func(cctx context.Context) (*cachedResponse, error) {
		if res, ok := rc.get(v, key); ok {
			return res, nil
		}
		r, err := compute(cctx)
		if err != nil {
			return nil, err
		}
		rc.computed.Add(1)
		rc.put(v, key, r)
		return r, nil
	})
}
