package geodata_test

import (
	"errors"
	"fmt"
	"iter"
	"runtime"
	"sync/atomic"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
)

// counting yields 1..n, counting how many it was asked for, with err in
// place of item failAt (0 for none).
func counting(n, failAt int, err error, read *atomic.Int64) iter.Seq2[int, error] {
	return func(yield func(int, error) bool) {
		for i := 1; i <= n; i++ {
			read.Add(1)
			if i == failAt {
				yield(0, err)
				return
			}
			if !yield(i, nil) {
				return
			}
		}
	}
}

func TestMapOrdered(t *testing.T) {
	errSource, errItem := errors.New("source broke"), errors.New("item 37 is bad")
	// Later items finish first, so order has to be restored.
	slowFirst := func(n, i int) (string, error) {
		if n != i {
			return "", fmt.Errorf("item %d given as number %d", i, n)
		}
		time.Sleep(time.Duration(10-i%10) * 50 * time.Microsecond)
		if i == 37 || i == 38 {
			return "", fmt.Errorf("%d: %w", i, errItem)
		}
		return fmt.Sprint(i), nil
	}
	tests := []struct {
		name    string
		n       int
		failAt  int
		stopAt  int // the consumer stops after this many results (0: never)
		want    int // results before the end or the error
		wantErr error
	}{
		{"every item, in order", 30, 0, 0, 30, nil},
		{"no items", 0, 0, 0, 0, nil},
		{"the first failing item ends it, in order", 100, 0, 0, 36, errItem},
		{"an error of the source ends it where it came", 100, 20, 0, 19, errSource},
		{"a consumer that stops stops the reading", 100000, 0, 5, 5, nil},
	}
	for _, tc := range tests {
		for _, workers := range []int{1, 3, 0} {
			t.Run(fmt.Sprintf("%s/%d workers", tc.name, workers), func(t *testing.T) {
				var read atomic.Int64
				got, stopped := 0, false
				var gotErr error
				for s, err := range geodata.MapOrdered(counting(tc.n, tc.failAt, errSource, &read), workers, slowFirst) {
					if err != nil {
						gotErr = err
						break
					}
					if got++; s != fmt.Sprint(got) {
						t.Fatalf("result %d is %q, want %q", got, s, fmt.Sprint(got))
					}
					if got == tc.stopAt {
						stopped = true
						break
					}
				}
				if got != tc.want || !errors.Is(gotErr, tc.wantErr) {
					t.Errorf("got %d results then %v, want %d then %v", got, gotErr, tc.want, tc.wantErr)
				}
				// The source is read only a few items per worker ahead.
				if stopped && read.Load() > int64(tc.stopAt+64) {
					t.Errorf("the source was read %d items deep for %d results", read.Load(), tc.stopAt)
				}
			})
		}
	}
}

func TestBuffered(t *testing.T) {
	errSource := errors.New("source broke")
	tests := []struct {
		name    string
		n       int
		failAt  int
		stopAt  int
		want    int
		wantErr error
	}{
		{"every item, in order", 300, 0, 0, 300, nil},
		{"no items", 0, 0, 0, 0, nil},
		{"an error of the source ends it where it came", 100, 20, 0, 19, errSource},
		{"a consumer that stops stops the reading", 100000, 0, 5, 5, nil},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var read atomic.Int64
			got := 0
			var gotErr error
			for i, err := range geodata.Buffered(counting(tc.n, tc.failAt, errSource, &read), 16) {
				if err != nil {
					gotErr = err
					break
				}
				if got++; i != got {
					t.Fatalf("item %d is %d", got, i)
				}
				if got == tc.stopAt {
					break
				}
			}
			if got != tc.want || !errors.Is(gotErr, tc.wantErr) {
				t.Errorf("got %d items then %v, want %d then %v", got, gotErr, tc.want, tc.wantErr)
			}
			// The source is read at most the buffer (and the item in hand) ahead.
			if tc.stopAt > 0 && read.Load() > int64(tc.stopAt+16+2) {
				t.Errorf("the source was read %d items deep for %d", read.Load(), tc.stopAt)
			}
		})
	}
}

// TestBufferedReadsAheadOfASlowConsumer: while the consumer is busy with
// the first item, the source goes on up to the buffer's size.
func TestBufferedReadsAheadOfASlowConsumer(t *testing.T) {
	var read atomic.Int64
	for range geodata.Buffered(counting(1000, 0, nil, &read), 50) {
		deadline := time.Now().Add(2 * time.Second)
		for read.Load() < 50 && time.Now().Before(deadline) {
			time.Sleep(time.Millisecond)
		}
		if n := read.Load(); n < 50 {
			t.Errorf("the source was read %d items ahead of a consumer busy with the first, want 50", n)
		}
		break
	}
}

// TestStreamsLeaveNoGoroutines: MapOrdered and Buffered read their
// source on goroutines of their own, which end when the consumer stops.
func TestStreamsLeaveNoGoroutines(t *testing.T) {
	for _, tc := range []struct {
		name   string
		stream func(iter.Seq2[int, error]) iter.Seq2[int, error]
	}{
		{"MapOrdered", func(seq iter.Seq2[int, error]) iter.Seq2[int, error] {
			return geodata.MapOrdered(seq, 4, func(_, i int) (int, error) { return i, nil })
		}},
		{"Buffered", func(seq iter.Seq2[int, error]) iter.Seq2[int, error] { return geodata.Buffered(seq, 8) }},
	} {
		t.Run(tc.name, func(t *testing.T) {
			before := runtime.NumGoroutine()
			var read atomic.Int64
			for range 20 {
				for range tc.stream(counting(1000, 0, nil, &read)) {
					break
				}
			}
			deadline := time.Now().Add(2 * time.Second)
			for runtime.NumGoroutine() > before && time.Now().Before(deadline) {
				time.Sleep(10 * time.Millisecond)
			}
			if n := runtime.NumGoroutine(); n > before {
				t.Errorf("%d goroutines after 20 streams stopped early, %d before", n, before)
			}
		})
	}
}
