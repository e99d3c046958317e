package server

import (
	"context"
	"net/http"
	"strconv"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"
)

// gate is admission control for the expensive requests (uncached pages,
// clusters, statistics, tiles): at most slots run at once, at most queue
// more wait, each for at most wait; the rest are told to come back later
// (503 with Retry-After), so a flood of them never takes the server down
// and the cheap requests (cache hits, /healthz) never wait behind them.
type gate struct {
	slots   chan struct{}
	waiting atomic.Int64
	queue   int64
	wait    time.Duration
}

// Default admission limits: queries that run at once (the machine's cores
// are the bound: more at once only lengthens each), and how many may wait
// how long.
const (
	defaultQueue = 16
	defaultWait  = 2 * time.Second
	retryAfter   = 1 // second
)

func newGate(slots int, queue int, wait time.Duration) *gate {
	return &gate{slots: make(chan struct{}, slots), queue: int64(queue), wait: wait}
}

// errBusy is the answer to a request the gate turns away.
var errBusy = &echo.HTTPError{Code: http.StatusServiceUnavailable,
	Message: "the server is busy with other expensive requests; try again in a second"}

// enter takes a slot, waiting in the queue if there is room; it returns
// the function that gives the slot back, or errBusy, or ctx's error when
// the client went away while it waited.
func (g *gate) enter(ctx context.Context) (func(), error) {
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	default:
	}
	if g.waiting.Add(1) > g.queue {
		g.waiting.Add(-1)
		return nil, errBusy
	}
	defer g.waiting.Add(-1)
	t := time.NewTimer(g.wait)
	defer t.Stop()
	select {
	case g.slots <- struct{}{}:
		return g.leave, nil
	case <-t.C:
		return nil, errBusy
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}

func (g *gate) leave() { <-g.slots }

// setRetryAfter adds Retry-After to a 503 the gate caused.
func setRetryAfter(c echo.Context) {
	c.Response().Header().Set("Retry-After", strconv.Itoa(retryAfter))
}
