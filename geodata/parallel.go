package geodata

import (
	"iter"
	"runtime"
	"sync"
)

// MapOrdered streams fn of each item of seq and its position (from 1),
// working on up to workers items at once (all cores when workers < 1) and
// yielding the results in seq's order, so a stream that decodes, checks or
// encodes features one by one uses every core and still reports the first
// error in file order.
// seq is read on a goroutine of its own, at most a few items per worker
// ahead of what was yielded, so memory stays a few features deep. An error
// from seq or fn is yielded in its place and ends the stream; a stop by the
// consumer stops reading seq. It returns only once seq is no longer read.
func MapOrdered[T, U any](seq iter.Seq2[T, error], workers int, fn func(n int, item T) (U, error)) iter.Seq2[U, error] {
	if workers < 1 {
		workers = runtime.GOMAXPROCS(0)
	}
	return func(yield func(U, error) bool) {
		done := make(chan struct{})
		// order holds each item's slot in seq's order; its buffer is how
		// far ahead of the consumer the workers may run.
		order := make(chan chan mapped[U], 4*workers)
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(order)
			feed(seq, workers, fn, order, done)
		}()
		defer wg.Wait()
		defer close(done)
		for slot := range order {
			r := <-slot
			if !yield(r.v, r.err) || r.err != nil {
				return
			}
		}
	}
}

// mapped is one result of MapOrdered.
type mapped[U any] struct {
	v   U
	err error
}

// feed reads seq, hands each item to a worker with a slot for its result,
// and queues the slots in order, until seq ends, fails or done closes.
func feed[T, U any](seq iter.Seq2[T, error], workers int, fn func(int, T) (U, error), order chan<- chan mapped[U], done <-chan struct{}) {
	type job struct {
		n    int
		item T
		slot chan mapped[U]
	}
	jobs := make(chan job, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				v, err := fn(j.n, j.item)
				j.slot <- mapped[U]{v, err}
			}
		}()
	}
	defer wg.Wait()
	defer close(jobs)
	n := 0
	for item, err := range seq {
		n++
		slot := make(chan mapped[U], 1)
		select {
		case order <- slot:
		case <-done:
			return
		}
		if err != nil {
			slot <- mapped[U]{err: err}
			return
		}
		select {
		case jobs <- job{n, item, slot}:
		case <-done:
			return
		}
	}
}

// Buffered streams seq as it is, read on a goroutine of its own up to n
// items ahead of the consumer, so the work that makes the items goes on
// while the consumer is busy with a slow step. A stop by the consumer
// stops reading seq; it returns only once seq is no longer read. An error
// from seq is yielded in its place and ends the stream.
func Buffered[T any](seq iter.Seq2[T, error], n int) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		items := make(chan mapped[T], max(n, 1))
		done := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() {
			defer wg.Done()
			defer close(items)
			for v, err := range seq {
				select {
				case items <- mapped[T]{v, err}:
				case <-done:
					return
				}
				if err != nil {
					return
				}
			}
		}()
		defer wg.Wait()
		defer close(done)
		for r := range items {
			if !yield(r.v, r.err) || r.err != nil {
				return
			}
		}
	}
}
