package storetest

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// testCancelled calls each method that does work with a context already
// cancelled: each returns at once with context.Canceled in the chain and
// changes nothing.
func testCancelled(t *testing.T, open Opener) {
	s := seeded(t, open)
	v := version(t, s)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	f := feature("late", orb.Point{70, 35}, nil)
	calls := []struct {
		name string
		do   func() error
	}{
		{"Features", func() error { _, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents"}); return err }},
		{"Stats", func() error { _, err := s.Stats(ctx, geodata.Query{Layer: "incidents"}); return err }},
		{"Export", func() error {
			return s.Export(ctx, "incidents", func(geodata.Version) error { return nil }, func(geodata.Feature) error { return nil })
		}},
		{"Features near", func() error {
			_, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 100}})
			return err
		}},
		{"Feature", func() error { _, err := s.Feature(ctx, "incidents", "herat-undated"); return err }},
		{"Clusters", func() error { _, err := s.Clusters(ctx, geodata.Query{Layer: "incidents"}, 1); return err }},
		{"ImportStream", func() error {
			_, err := s.ImportStream(ctx, "incidents", geodata.Each([]geodata.Feature{f}))
			return err
		}},
		{"Import", func() error { return s.Import(ctx, "incidents", []geodata.Feature{f}) }},
		{"Delete", func() error { return s.Delete(ctx, "incidents", "herat-undated") }},
		{"Seed", func() error { _, err := s.Seed(ctx, TestData(), true); return err }},
	}
	for _, c := range calls {
		if err := c.do(); !errors.Is(err, context.Canceled) {
			t.Errorf("%s with a cancelled context: error = %v, want context.Canceled in the chain", c.name, err)
		}
	}
	if got := version(t, s); got != v {
		t.Errorf("version after cancelled writes = %q, want %q", got, v)
	}
	if got := len(allIDs(t, s, "incidents")); got != 4 {
		t.Errorf("incidents after cancelled writes = %d, want 4", got)
	}
}

// testCancelStopsWork cancels a large import midway: it stops soon after,
// with the context's error, and writes nothing.
func testCancelStopsWork(t *testing.T, open Opener) {
	s := seeded(t, open)
	v := version(t, s)
	var fs []geodata.Feature
	for i := range 200_000 {
		fs = append(fs, feature(fmt.Sprintf("bulk-%06d", i), orb.Point{60 + float64(i%1000)/100, 30 + float64(i/1000)/50},
			map[string]any{"date": "2024-01-01", "category": "attack", "title": "A bulk feature with a longish title"}))
	}
	ctx, cancel := context.WithCancel(context.Background())
	var cancelled time.Time
	timer := time.AfterFunc(100*time.Millisecond, func() { cancelled = time.Now(); cancel() })
	defer timer.Stop()
	err := s.Import(ctx, "incidents", fs)
	returned := time.Now()
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Import cancelled midway: error = %v, want context.Canceled in the chain", err)
	}
	// Generous for a loaded machine; the whole import takes seconds.
	if lag := returned.Sub(cancelled); lag > time.Second {
		t.Errorf("Import returned %s after its context was cancelled", lag)
	}
	if got := version(t, s); got != v {
		t.Errorf("version after a cancelled import = %q, want %q", got, v)
	}
	if got := len(allIDs(t, s, "incidents")); got != 4 {
		t.Errorf("incidents after a cancelled import = %d, want 4", got)
	}
}
