package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func testVersionChangesOnlyOnWrites(t *testing.T, open Opener) {
	ctx := context.Background()
	s, _ := open(t)
	imp := []geodata.Feature{feature("v-1", orb.Point{70, 35}, nil)}
	steps := []struct {
		name    string
		do      func() error
		changes bool
	}{
		{"Seed on empty", func() error { _, err := s.Seed(ctx, TestData(), false); return err }, true},
		{"Layers", func() error { _, err := s.Layers(ctx); return err }, false},
		{"Features", func() error { _, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents"}); return err }, false},
		{"Feature", func() error { _, err := s.Feature(ctx, "borders", "AFG"); return err }, false},
		{"Clusters", func() error { _, err := s.Clusters(ctx, geodata.Query{Layer: "incidents"}, 1); return err }, false},
		{"Seed not forced", func() error { _, err := s.Seed(ctx, TestData(), false); return err }, false},
		{"Import", func() error { return s.Import(ctx, "incidents", imp) }, true},
		{"Import again", func() error { return s.Import(ctx, "incidents", imp) }, true},
		{"Import into missing layer", func() error { s.Import(ctx, "nosuch", imp); return nil }, false},
		{"Delete", func() error { return s.Delete(ctx, "incidents", "v-1") }, true},
		{"Delete missing", func() error { s.Delete(ctx, "incidents", "v-1"); return nil }, false},
		{"Seed forced", func() error { _, err := s.Seed(ctx, TestData(), true); return err }, true},
	}
	seen := map[geodata.Version]string{}
	prev := version(t, s)
	seen[prev] = "open"
	for _, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		v := version(t, s)
		if changed := v != prev; changed != st.changes {
			t.Errorf("%s: version %q -> %q, changed = %v, want %v", st.name, prev, v, changed, st.changes)
		}
		if st.changes {
			if step, ok := seen[v]; ok {
				t.Errorf("%s: version %q repeats the one after %s", st.name, v, step)
			}
			seen[v] = st.name
		}
		prev = v
	}
	// Nothing writes: the version holds still, across reads from memory
	// and the store's own rereads.
	for end := time.Now().Add(600 * time.Millisecond); time.Now().Before(end); time.Sleep(5 * time.Millisecond) {
		if got := version(t, s); got != prev {
			t.Fatalf("version changed from %q to %q with no write", prev, got)
		}
	}
}

func testVersionDiffersAcrossDatabases(t *testing.T, open Opener) {
	a, _ := open(t)
	b, _ := open(t)
	if va, vb := version(t, a), version(t, b); va == vb {
		t.Errorf("two new databases share version %q", va)
	}
}

// testVersionSeenByAnotherHandle writes through a second handle on the
// same data, as `casmap import` does while a server runs (or another
// replica), and checks the first sees the new version, and the new data,
// within a second.
func testVersionSeenByAnotherHandle(t *testing.T, open Opener) {
	ctx := context.Background()
	s, again := open(t)
	if _, err := s.Seed(ctx, TestData(), false); err != nil {
		t.Fatal(err)
	}
	other := again(t)
	if got, want := version(t, other), version(t, s); got != want {
		t.Fatalf("two handles on one database: versions %q and %q", got, want)
	}
	for i := range 3 {
		before := version(t, s)
		id := fmt.Sprintf("other-%d", i)
		if err := other.Import(ctx, "incidents", []geodata.Feature{feature(id, orb.Point{70, 35}, nil)}); err != nil {
			t.Fatal(err)
		}
		want := version(t, other)
		if want == before {
			t.Fatalf("import %d: the writer's version is still %q", i, before)
		}
		start := time.Now()
		for got := version(t, s); got != want; got = version(t, s) {
			if time.Since(start) > time.Second {
				t.Fatalf("import %d by another handle: version = %q after %s, want %q", i, got, time.Since(start), want)
			}
			time.Sleep(2 * time.Millisecond)
		}
		if _, err := s.Feature(ctx, "incidents", id); err != nil {
			t.Errorf("import %d: the first handle does not see the new feature: %v", i, err)
		}
		if l, _ := s.Layer(ctx, "incidents"); l.Count != 5+i {
			t.Errorf("import %d: the first handle counts %d incidents, want %d", i, l.Count, 5+i)
		}
	}
}

func testConcurrentReadsDuringWrites(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	done := make(chan error)
	go func() {
		for i := range 20 {
			f := feature(fmt.Sprintf("c%d", i), orb.Point{70, 35}, map[string]any{"date": "2024-01-01"})
			if err := s.Import(ctx, "incidents", []geodata.Feature{f}); err != nil {
				done <- err
				return
			}
		}
		done <- nil
	}()
	for {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if got, want := len(allIDs(t, s, "incidents")), 24; got != want {
				t.Errorf("incidents = %d, want %d", got, want)
			}
			return
		default:
		}
		page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents"})
		if err != nil {
			t.Fatalf("Features during writes: %v", err)
		}
		if len(page.Features) != page.Matched {
			t.Fatalf("page of %d features, Matched = %d: count and page disagree", len(page.Features), page.Matched)
		}
	}
}
