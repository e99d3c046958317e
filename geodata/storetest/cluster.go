package storetest

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/casmap/casmap/geodata"
)

func testClusters(t *testing.T, open Opener) {
	s := seeded(t, open)
	ctx := context.Background()
	all := map[string]int{"attack": 1, "crackdown": 1, "plot": 1, "unrest": 1}
	tests := []struct {
		name       string
		q          geodata.Query
		cellDeg    float64
		wantCounts []int
		wantCats   map[string]int // of the first cluster
	}{
		{"one big cell", geodata.Query{Layer: "incidents"}, 90, []int{4}, all},
		{"one-degree cells", geodata.Query{Layer: "incidents"}, 1, []int{1, 1, 1, 1}, map[string]int{"unrest": 1}},
		{"dated only", geodata.Query{Layer: "incidents", Interval: &geodata.Interval{Start: day("2021-01-01")}}, 90, []int{3},
			map[string]int{"attack": 1, "crackdown": 1, "plot": 1}},
		{"bbox and property", geodata.Query{Layer: "incidents", BBox: bound(60, 30, 72, 38), Props: map[string]string{"category": "attack"}}, 10, []int{1},
			map[string]int{"attack": 1}},
		{"non-queryable property", geodata.Query{Layer: "incidents", Props: map[string]string{"confirmed": "false"}}, 90, []int{1},
			map[string]int{"plot": 1}},
		{"nothing matches", geodata.Query{Layer: "incidents", BBox: bound(0, 0, 1, 1)}, 1, []int{}, nil},
		{"no categories", geodata.Query{Layer: "borders"}, 90, []int{2}, map[string]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := s.Clusters(ctx, tc.q, tc.cellDeg)
			if err != nil {
				t.Fatalf("Clusters: %v", err)
			}
			counts, sum := []int{}, 0
			for _, c := range got {
				counts = append(counts, c.Count)
				sum += c.Count
				if !c.Bound.Contains(c.Center) {
					t.Errorf("cluster %v: centre %v outside its bound %v", c.Cell, c.Center, c.Bound)
				}
				col := int(math.Floor((c.Center[0] + 180) / tc.cellDeg))
				row := int(math.Floor((c.Center[1] + 90) / tc.cellDeg))
				if c.Count == 1 && [2]int{col, row} != c.Cell {
					t.Errorf("cluster %v holds a point of cell %v", c.Cell, [2]int{col, row})
				}
			}
			if !reflect.DeepEqual(counts, tc.wantCounts) {
				t.Errorf("counts = %v, want %v", counts, tc.wantCounts)
			}
			if len(got) > 0 && !reflect.DeepEqual(got[0].Categories, tc.wantCats) {
				t.Errorf("categories of the first cluster = %v, want %v", got[0].Categories, tc.wantCats)
			}
			page, err := s.Features(ctx, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if sum != page.Matched {
				t.Errorf("counts add up to %d, Features matches %d", sum, page.Matched)
			}
		})
	}
}

func testClustersErrors(t *testing.T, open Opener) {
	s := seeded(t, open)
	tests := []struct {
		name    string
		q       geodata.Query
		cellDeg float64
		want    error
	}{
		{"zero cell", geodata.Query{Layer: "incidents"}, 0, geodata.ErrInvalid},
		{"NaN cell", geodata.Query{Layer: "incidents"}, math.NaN(), geodata.ErrInvalid},
		{"infinite cell", geodata.Query{Layer: "incidents"}, math.Inf(1), geodata.ErrInvalid},
		{"near", geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 5}}, 1, geodata.ErrInvalid},
		{"bad property", geodata.Query{Layer: "incidents", Props: map[string]string{"a'b": "x"}}, 1, geodata.ErrInvalid},
		{"no layer", geodata.Query{Layer: "nope"}, 1, geodata.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := s.Clusters(context.Background(), tc.q, tc.cellDeg); !errors.Is(err, tc.want) {
				t.Errorf("Clusters: error = %v, want %v", err, tc.want)
			}
		})
	}
}
