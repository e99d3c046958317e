package agg

import (
	"container/heap"
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
	h := make(maxHeap, 0, min(k, len(rids)))
	more := false
	for _, r := range rids {
		switch {
		case r <= after:
		case len(h) < k:
			heap.Push(&h, r)
		case r < h[0]:
			h[0] = r
			heap.Fix(&h, 0)
			more = true
		default:
			more = true
		}
	}
	slices.Sort(h)
	return h, more
}

// maxHeap keeps the largest rid at the top.
type maxHeap []int64

func (h maxHeap) Len() int           { return len(h) }
func (h maxHeap) Less(i, j int) bool { return h[i] > h[j] }
func (h maxHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *maxHeap) Push(x any)        { *h = append(*h, x.(int64)) }
func (h *maxHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
