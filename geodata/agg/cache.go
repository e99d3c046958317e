package agg

import (
	"context"
	"errors"
	"strconv"
	"sync"

	"github.com/casmap/casmap/geodata/flight"
)

// Cache holds the latest Index of each layer and builds new ones, once for
// all the callers that want one at a time; a build stops when every
// caller waiting on it has gone. The zero value is ready to use.
type Cache struct {
	mu     sync.Mutex
	byName map[string]*Index
	builds flight.Group[*Index]
}

// Current returns the index of layer at generation gen, building it with
// build when the cache holds an older one.
func (c *Cache) Current(ctx context.Context, layer string, gen int64, build func(context.Context) (*Index, error)) (*Index, error) {
	c.mu.Lock()
	ix := c.byName[layer]
	c.mu.Unlock()
	if ix != nil && ix.Gen() == gen {
		return ix, nil
	}
	key := layer + "\x00" + strconv.FormatInt(gen, 10)
	return c.builds.Do(ctx, key, func(ctx context.Context) (*Index, error) {
		ix, err := build(ctx)
		if err != nil {
			return nil, err
		}
		c.mu.Lock()
		defer c.mu.Unlock()
		if c.byName == nil {
			c.byName = map[string]*Index{}
		}
		if old := c.byName[layer]; old == nil || old.Gen() < ix.Gen() {
			c.byName[layer] = ix
		}
		return ix, nil
	})
}

// Use runs fn on the current index of a layer. current says the
// generation of the data as the store sees it now, and how to build an
// index of it; when the data moves on while fn loads part of the index,
// Use builds a new one and tries again.
func (c *Cache) Use(ctx context.Context, layer string, current func(context.Context) (gen int64, build func(context.Context) (*Index, error), err error), fn func(*Index) error) error {
	for attempt := 0; ; attempt++ {
		gen, build, err := current(ctx)
		if err != nil {
			return err
		}
		ix, err := c.Current(ctx, layer, gen, build)
		if err == nil {
			err = fn(ix)
		}
		if !errors.Is(err, ErrStale) || attempt >= 3 {
			return err
		}
	}
}

// Peek returns the index of layer if the cache holds one of generation
// gen, without building one.
func (c *Cache) Peek(layer string, gen int64) *Index {
	c.mu.Lock()
	defer c.mu.Unlock()
	if ix := c.byName[layer]; ix != nil && ix.Gen() == gen {
		return ix
	}
	return nil
}
