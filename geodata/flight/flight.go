// Package flight runs one computation per key for however many callers
// want it at once, and stops it when the last of them stops waiting.
//
// It is golang.org/x/sync/singleflight with one difference that bounds
// cost: the computation runs under a context of its own that ends when
// every caller waiting on it has gone (or the group's timeout passes), so
// a client that hangs up stops the work it started, while one that stays
// keeps it going for everyone.
package flight

import (
	"context"
	"fmt"
	"sync"
	"time"
)

// Group holds the computations in flight. The zero value is ready to use,
// with no timeout.
type Group[V any] struct {
	// Timeout, when positive, bounds each computation.
	Timeout time.Duration

	mu    sync.Mutex
	calls map[string]*call[V]
}

type call[V any] struct {
	done    chan struct{}
	val     V
	err     error
	waiters int
	cancel  context.CancelFunc
}

// Do returns what fn computes for key, running fn once for all the
// callers asking for key at the same time. fn gets a context that is done
// when every caller's ctx is done, or the timeout passes; each caller
// returns when fn does or when its own ctx is done, whichever is first.
// A panic in fn becomes its error.
func (g *Group[V]) Do(ctx context.Context, key string, fn func(context.Context) (V, error)) (V, error) {
	g.mu.Lock()
	if g.calls == nil {
		g.calls = map[string]*call[V]{}
	}
	c, ok := g.calls[key]
	if !ok {
		c = g.start(key, fn)
	}
	c.waiters++
	g.mu.Unlock()

	select {
	case <-c.done:
		g.leave(key, c)
		return c.val, c.err
	case <-ctx.Done():
		g.leave(key, c)
		var zero V
		return zero, ctx.Err()
	}
}

// start launches fn for key. The caller holds mu.
func (g *Group[V]) start(key string, fn func(context.Context) (V, error)) *call[V] {
	cctx, cancel := context.WithCancel(context.Background())
	if g.Timeout > 0 {
		cctx, cancel = context.WithTimeout(context.Background(), g.Timeout)
	}
	c := &call[V]{done: make(chan struct{}), cancel: cancel}
	g.calls[key] = c
	go func() {
		defer cancel()
		defer close(c.done)
		defer func() {
			if p := recover(); p != nil {
				c.err = fmt.Errorf("flight %q: panic: %v", key, p)
			}
		}()
		c.val, c.err = fn(cctx)
	}()
	return c
}

// leave records that one caller stopped waiting on c; the last one to go
// before c finished cancels it, and the first to go after it finished
// forgets it, so the next caller starts afresh.
func (g *Group[V]) leave(key string, c *call[V]) {
	g.mu.Lock()
	defer g.mu.Unlock()
	c.waiters--
	finished := false
	select {
	case <-c.done:
		finished = true
	default:
	}
	if finished || c.waiters == 0 {
		if g.calls[key] == c {
			delete(g.calls, key)
		}
		if !finished {
			c.cancel()
		}
	}
}
