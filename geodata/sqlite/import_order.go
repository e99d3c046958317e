package sqlite

import "slices"

// orderWindow is how many of the features that follow one in a file it
// is compared with to tell whether it comes in the map's order.
const orderWindow = 64

// spatialRun decides, a batch at a time, which features of an import
// come in the map's (Hilbert) order, to be written as they come, and
// which do not, to be written after all the others, sorted: a file in
// the map's order but for a few strays (an export whose seeded features
// come before a million in order) is written in one pass, as it is
// decoded, instead of all at the end.
//
// A feature comes in order when its key is at least that of the last
// feature taken in order, and no more than a quarter of the orderWindow
// features after it come before it on the curve. So a stray far along
// the curve (all those after it come before it) or back along it (it
// comes before the last taken) is set aside, and the run goes on past
// it. A batch in which fewer than half come in order (a file in no order
// at all) is set aside whole, and such a file is sorted whole.
type spatialRun struct {
	last    uint64     // the key of the last feature taken in order
	pending []orderKey // the features not yet decided, in file order
}

// orderKey is the nth feature of an import and its Hilbert key.
type orderKey struct {
	n   int
	key uint64
}

// add notes the nth feature, at key.
func (s *spatialRun) add(n int, key uint64) {
	s.pending = append(s.pending, orderKey{n, key})
}

// ready says whether a batch can be decided: importChunk features, with
// the orderWindow after them to compare them with.
func (s *spatialRun) ready() bool {
	return len(s.pending) >= importChunk+orderWindow
}

// decide decides the next batch, importChunk features or, at the end of
// the file, all those left. It returns the number of the batch's last
// feature and those of the features out of order.
func (s *spatialRun) decide(end bool) (upto int, late []int) {
	size := min(importChunk, len(s.pending))
	if end {
		size = len(s.pending)
	}
	if size == 0 {
		return 0, nil
	}
	batch := s.pending[:size]
	last, taken := s.last, 0
	inOrder := make([]bool, size)
	for i, k := range batch {
		if k.key < last {
			continue
		}
		ahead := s.pending[i+1 : min(i+1+orderWindow, len(s.pending))]
		before := 0
		for _, a := range ahead {
			if a.key < k.key {
				before++
			}
		}
		if 4*before > len(ahead) {
			continue
		}
		inOrder[i], last = true, k.key
		taken++
	}
	whole := 2*taken < size
	if !whole {
		s.last = last
	}
	for i, k := range batch {
		if whole || !inOrder[i] {
			late = append(late, k.n)
		}
	}
	upto = batch[size-1].n
	s.pending = slices.Delete(s.pending, 0, size)
	return upto, late
}
