package sqlite

import (
	"context"
	"errors"
	"math"
	"reflect"
	"testing"

	"github.com/casmap/casmap/geodata"
)

func TestClusters(t *testing.T) {
	db := seeded(t)
	ctx := context.Background()
	all := map[string]int{"attack": 1, "crackdown": 1, "plot": 1, "unrest": 1}
	tests := []struct {
		name       string
		q          geodata.Query
		zoom       int
		wantCounts []int
		wantCats   map[string]int // of the first cluster
	}{
		{"one big cell", geodata.Query{Layer: "incidents"}, 0, []int{4}, all},
		{"cells of 1.4 degrees", geodata.Query{Layer: "incidents"}, 6, []int{1, 1, 1, 1}, map[string]int{"unrest": 1}},
		{"dated only", geodata.Query{Layer: "incidents", Interval: &geodata.Interval{Start: day("2021-01-01")}}, 0, []int{3},
			map[string]int{"attack": 1, "crackdown": 1, "plot": 1}},
		{"bbox and property", geodata.Query{Layer: "incidents", BBox: bound(60, 30, 72, 38), Props: map[string][]string{"category": {"attack"}}}, 3, []int{1},
			map[string]int{"attack": 1}},
		{"either category", geodata.Query{Layer: "incidents", Props: map[string][]string{"category": {"attack", "plot"}}}, 0, []int{2},
			map[string]int{"attack": 1, "plot": 1}},
		{"nothing matches", geodata.Query{Layer: "incidents", BBox: bound(0, 0, 1, 1)}, 6, []int{}, nil},
		{"no categories", geodata.Query{Layer: "borders"}, 0, []int{2}, map[string]int{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := db.Clusters(ctx, tc.q, tc.zoom)
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
				deg := geodata.CellDegrees(tc.zoom)
				col := int(math.Floor((c.Center[0] + 180) / deg))
				row := int(math.Floor((c.Center[1] + 90) / deg))
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
			page, err := geodata.ReadPage(ctx, db, tc.q)
			if err != nil {
				t.Fatal(err)
			}
			if sum != page.Matched {
				t.Errorf("counts add up to %d, Features matches %d", sum, page.Matched)
			}
		})
	}
}

func TestClustersErrors(t *testing.T) {
	db := seeded(t)
	tests := []struct {
		name string
		q    geodata.Query
		zoom int
		want error
	}{
		{"negative zoom", geodata.Query{Layer: "incidents"}, -1, geodata.ErrInvalid},
		{"zoom too high", geodata.Query{Layer: "incidents"}, geodata.MaxClusterZoom + 1, geodata.ErrInvalid},
		{"near", geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 5}}, 1, geodata.ErrInvalid},
		{"bad property", geodata.Query{Layer: "incidents", Props: map[string][]string{"a'b": {"x"}}}, 1, geodata.ErrInvalid},
		{"no layer", geodata.Query{Layer: "nope"}, 1, geodata.ErrNotFound},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if _, err := db.Clusters(context.Background(), tc.q, tc.zoom); !errors.Is(err, tc.want) {
				t.Errorf("Clusters: error = %v, want %v", err, tc.want)
			}
		})
	}
}
