package flight

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

func TestDoRunsOnceForConcurrentCallers(t *testing.T) {
	var g Group[int]
	var runs atomic.Int32
	release := make(chan struct{})
	var wg sync.WaitGroup
	results := make([]int, 5)
	for i := range results {
		wg.Add(1)
		go func() {
			defer wg.Done()
			v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) {
				runs.Add(1)
				<-release
				return 42, nil
			})
			if err != nil {
				t.Errorf("Do: %v", err)
			}
			results[i] = v
		}()
	}
	time.Sleep(50 * time.Millisecond)
	close(release)
	wg.Wait()
	if n := runs.Load(); n != 1 {
		t.Errorf("fn ran %d times for 5 concurrent callers, want 1", n)
	}
	for i, v := range results {
		if v != 42 {
			t.Errorf("caller %d got %d, want 42", i, v)
		}
	}
}

func TestLastCallerLeavingCancels(t *testing.T) {
	var g Group[int]
	stopped := make(chan error, 1)
	started := make(chan struct{})
	ctx1, cancel1 := context.WithCancel(context.Background())
	ctx2, cancel2 := context.WithCancel(context.Background())
	fn := func(ctx context.Context) (int, error) {
		close(started)
		<-ctx.Done()
		stopped <- ctx.Err()
		return 0, ctx.Err()
	}
	errs := make(chan error, 2)
	go func() { _, err := g.Do(ctx1, "k", fn); errs <- err }()
	<-started
	go func() {
		_, err := g.Do(ctx2, "k", func(context.Context) (int, error) { t.Error("second fn ran"); return 0, nil })
		errs <- err
	}()
	time.Sleep(20 * time.Millisecond)
	cancel1()
	if err := <-errs; !errors.Is(err, context.Canceled) {
		t.Errorf("first caller: %v, want context.Canceled", err)
	}
	select {
	case <-stopped:
		t.Fatal("computation stopped while a caller still waited")
	case <-time.After(50 * time.Millisecond):
	}
	cancel2()
	select {
	case err := <-stopped:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("computation's context: %v, want canceled", err)
		}
	case <-time.After(time.Second):
		t.Fatal("computation kept running after its last caller left")
	}
	<-errs
}

func TestFinishedCallIsForgotten(t *testing.T) {
	var g Group[int]
	n := 0
	for range 3 {
		v, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { n++; return n, nil })
		if err != nil || v != n {
			t.Fatalf("Do = %d, %v", v, err)
		}
	}
	if n != 3 {
		t.Errorf("fn ran %d times for 3 calls one after another, want 3", n)
	}
}

func TestPanicBecomesError(t *testing.T) {
	var g Group[int]
	_, err := g.Do(context.Background(), "k", func(context.Context) (int, error) { panic("boom") })
	if err == nil {
		t.Fatal("Do after a panic returned no error")
	}
}
