package agg

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
)

func TestSmallestIsTheStartOfTheSortedMatches(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	for trial := range 400 {
		n := r.IntN(3000)
		rids := make([]int64, n)
		for i := range rids {
			rids[i] = int64(r.IntN(10000)) + 1 // rids are unique in use; repeats must not matter
		}
		rids = slices.Compact(slices.Sorted(slices.Values(rids)))
		r.Shuffle(len(rids), func(i, j int) { rids[i], rids[j] = rids[j], rids[i] })
		after, k := int64(r.IntN(11000))-50, r.IntN(600)
		sorted := slices.Sorted(slices.Values(rids))
		i, _ := slices.BinarySearch(sorted, after+1)
		want := sorted[i:min(i+k, len(sorted))]
		wantMore := i+k < len(sorted)
		got, more := Smallest(slices.Clone(rids), after, k)
		if !slices.Equal(got, want) || more != wantMore {
			t.Fatalf("trial %d: Smallest(%d rids, after %d, k %d) = %v, %v; want %v, %v", trial, len(rids), after, k, got, more, want, wantMore)
		}
	}
}

func BenchmarkSmallest(b *testing.B) {
	r := rand.New(rand.NewPCG(1, 2))
	for _, n := range []int{1000, 30000} {
		rids := make([]int64, n)
		for i := range rids {
			rids[i] = r.Int64N(1 << 40)
		}
		b.Run(fmt.Sprintf("%d-rids-page-101", n), func(b *testing.B) {
			for b.Loop() {
				Smallest(rids, 0, 101)
			}
		})
		b.Run(fmt.Sprintf("%d-rids-sort", n), func(b *testing.B) {
			for b.Loop() {
				slices.Sort(slices.Clone(rids))
			}
		})
	}
}
