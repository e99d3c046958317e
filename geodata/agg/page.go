package agg

import (
	"slices"
)

// Smallest returns, ascending, the k smallest of rids that are greater
// than after, and whether rids holds more of those than k. rids may be in
// any order: a page of the matches Rids and RidsNear return costs one pass
// over them, not a sort of them all (a dense screen matches tens of
// thousands of features to show a hundred).
func Smallest(rids []int64, after int64, k int) ([]int64, bool) {
	if k <= 0 {
		return nil, slices.ContainsFunc(rids, func(r int64) bool { return r > after })
	}
	// The first k candidates, then a max-heap of the k smallest so far:
	// most of a large set is passed over by one comparison with its top.
	h := make([]int64, 0, min(k, len(rids)))
	more := false
	for _, r := range rids {
		switch {
		case r <= after:
		case len(h) < k:
			h = append(h, r)
			if len(h) == k {
				heapify(h)
			}
		case r < h[0]:
			h[0] = r
			siftDown(h, 0)
			more = true
		default:
			more = true
		}
	}
	slices.Sort(h)
	return h, more
}

// heapify orders h as a max-heap.
func heapify(h []int64) {
	for i := len(h)/2 - 1; i >= 0; i-- {
		siftDown(h, i)
	}
}

// siftDown moves h[i] down a max-heap to where it belongs.
func siftDown(h []int64, i int) {
	for {
		big := i
		if l := 2*i + 1; l < len(h) && h[l] > h[big] {
			big = l
		}
		if r := 2*i + 2; r < len(h) && h[r] > h[big] {
			big = r
		}
		if big == i {
			return
		}
		h[i], h[big] = h[big], h[i]
		i = big
	}
}
