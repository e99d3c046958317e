package server

import (
	"context"
	"sync"
	"time"

	"github.com/casmap/casmap/geodata"
)

// versionTimeout bounds one shared read of the data version.
const versionTimeout = 5 * time.Second

// versionStore is a Store whose Version reads are shared by the requests
// that ask at the same time: under load, one query answers many requests,
// and the cache hit that follows costs no SQL at all.
//
// A request never takes the answer of a read that began before it
// arrived, so it always sees data committed before it came (an import
// that has returned is seen by the next request). Requests that arrive
// while a read runs wait for the next one, which starts as soon as the
// running one ends and answers all of them.
type versionStore struct {
	Store

	mu      sync.Mutex
	running bool
	next    *versionRead // the read the requests arriving now will share
}

type versionRead struct {
	done chan struct{}
	v    geodata.Version
	err  error
}

func newVersionStore(s Store) *versionStore { return &versionStore{Store: s} }

// Version returns the data version as read by a query that began after
// the call.
func (vs *versionStore) Version(ctx context.Context) (geodata.Version, error) {
	vs.mu.Lock()
	if !vs.running {
		vs.running = true
		vs.mu.Unlock()
		r := &versionRead{done: make(chan struct{})}
		vs.read(ctx, r)
		return r.v, r.err
	}
	if vs.next == nil {
		vs.next = &versionRead{done: make(chan struct{})}
	}
	r := vs.next
	vs.mu.Unlock()
	select {
	case <-r.done:
		return r.v, r.err
	case <-ctx.Done():
		return "", ctx.Err()
	}
}

// read runs r, then hands the reads queued meanwhile to a goroutine of
// their own, so that the request that ran r is not kept.
func (vs *versionStore) read(ctx context.Context, r *versionRead) {
	// Others may wait on this read: a client that hangs up must not fail it.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), versionTimeout)
	r.v, r.err = vs.Store.Version(rctx)
	cancel()
	close(r.done)
	vs.mu.Lock()
	next := vs.next
	vs.next = nil
	vs.running = next != nil
	vs.mu.Unlock()
	if next != nil {
		go vs.read(context.Background(), next)
	}
}
