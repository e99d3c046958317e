package sqlite

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// TestVersionSeesOtherWriters writes through a second DB on the same file,
// as `casmap import` does while a server runs, and checks the first sees
// the new version within its staleness bound.
func TestVersionSeesOtherWriters(t *testing.T) {
	ctx := context.Background()
	server, path := openTest(t)
	if _, err := server.Seed(ctx, testData(), false); err != nil {
		t.Fatal(err)
	}
	other, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	for i := range 3 {
		before := version(t, server)
		err := other.Import(ctx, "incidents", []geodata.Feature{feature(fmt.Sprintf("other-%d", i), orb.Point{70, 35}, nil)})
		if err != nil {
			t.Fatal(err)
		}
		want := version(t, other)
		if want == before {
			t.Fatalf("import %d: the writer's version is still %q", i, before)
		}
		// The bound is versionMaxAge; the deadline leaves room for a
		// loaded machine, and the poll ends as soon as the change shows.
		deadline := time.Now().Add(versionMaxAge + 5*time.Second)
		for got := version(t, server); got != want; got = version(t, server) {
			if time.Now().After(deadline) {
				t.Fatalf("import %d by another DB: version = %q long after, want %q", i, got, want)
			}
			time.Sleep(5 * time.Millisecond)
		}
	}
}

// TestVersionStable checks that the version holds still while nothing
// writes, across reads from memory and the periodic reads by SQL.
func TestVersionStable(t *testing.T) {
	db := seeded(t)
	want := version(t, db)
	for end := time.Now().Add(2 * versionMaxAge); time.Now().Before(end); time.Sleep(time.Millisecond) {
		if got := version(t, db); got != want {
			t.Fatalf("version changed from %q to %q with no write", want, got)
		}
	}
}

// TestVersionAfterWriteReturns checks, under concurrent readers, that a
// write through db is seen by every call that starts after it returned.
func TestVersionAfterWriteReturns(t *testing.T) {
	ctx := context.Background()
	db := seeded(t)
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
					db.Version(ctx)
				}
			}
		}()
	}
	defer func() { close(stop); wg.Wait() }()
	for i := range 20 {
		before := version(t, db)
		if err := db.Import(ctx, "incidents", []geodata.Feature{feature(fmt.Sprintf("w-%d", i), orb.Point{70, 35}, nil)}); err != nil {
			t.Fatal(err)
		}
		if after := version(t, db); after == before {
			t.Fatalf("write %d: version %q did not change once Import returned", i, after)
		}
	}
}

// BenchmarkVersion measures Version while nothing writes: from memory,
// but for a read by SQL every versionMaxAge.
func BenchmarkVersion(b *testing.B) {
	db := seeded(b)
	ctx := context.Background()
	b.ReportAllocs()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if _, err := db.Version(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
}
