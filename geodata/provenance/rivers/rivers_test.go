package main

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

func TestParsePieces(t *testing.T) {
	in := "> River Bin # 2900, Level 1\n60 40\n60.5 40.5\n60.5 40.5\n> River Bin # 2901, Level 3\n61 41\n61 41\n> Shore Bin # 3, Level 2\n62 42\n62.1 42\n62.1 42.1\n62 42\n"
	got, err := parsePieces(strings.NewReader(in))
	if err != nil {
		t.Fatal(err)
	}
	// The second segment collapses to one point and is dropped; repeated
	// points are dropped; the closed shoreline piece is kept.
	if len(got) != 2 || got[0].Level != 1 || len(got[0].Line) != 2 || got[1].Level != 2 || len(got[1].Line) != 4 {
		t.Fatalf("parsePieces = %+v", got)
	}
	for _, bad := range []string{"60 40\n", "> River, no level\n60 40\n", "> River Bin # 1, Level 1\n60 north\n"} {
		if _, err := parsePieces(strings.NewReader(bad)); err == nil {
			t.Errorf("parsePieces(%q) accepted it", bad)
		}
	}
}

func TestCloseRings(t *testing.T) {
	// A square lake cut into three pieces by bin edges, one of them
	// running the other way, and a piece that never closes.
	pieces := []piece{
		{Level: 2, Line: orb.LineString{{0, 0}, {1, 0}, {1, 1}}},
		{Level: 2, Line: orb.LineString{{0, 1}, {1, 1}}}, // reversed
		{Level: 2, Line: orb.LineString{{0, 1}, {0, 0}}},
		{Level: 2, Line: orb.LineString{{5, 5}, {6, 5}, {6, 6}}},
	}
	rings, open := closeRings(pieces)
	if len(rings) != 1 || open != 1 {
		t.Fatalf("closeRings: %d rings, %d open; want 1 and 1", len(rings), open)
	}
	if r := rings[0]; len(r) != 5 || r[0] != r[len(r)-1] {
		t.Errorf("ring %v is not the closed square", r)
	}
}

func TestNetworkPath(t *testing.T) {
	// A river in two pieces meeting at a bin edge, a tributary that stops
	// 1 km short of it, and a second stretch beyond a 30 km reservoir.
	pieces := []piece{
		{Level: 1, Line: orb.LineString{{60, 40}, {60.1, 40}}},
		{Level: 1, Line: orb.LineString{{60.1, 40}, {60.2, 40}}},
		{Level: 3, Line: orb.LineString{{60.1, 40.2}, {60.1, 40.009}}},
		{Level: 1, Line: orb.LineString{{60.55, 40}, {60.7, 40}}},
	}
	n := newNetwork(pieces, 2, 50)
	from, to := n.ids[orb.Point{60, 40}], n.ids[orb.Point{60.7, 40}]
	nodes, err := n.path(from, to)
	if err != nil {
		t.Fatal(err)
	}
	var levels []int
	for i := 1; i < len(nodes); i++ {
		levels = append(levels, n.level(nodes[i-1], nodes[i]))
	}
	want := []int{1, 1, gapLevel, 1}
	if len(levels) != len(want) {
		t.Fatalf("path levels %v, want %v", levels, want)
	}
	for i := range want {
		if levels[i] != want[i] {
			t.Fatalf("path levels %v, want %v", levels, want)
		}
	}
	trib := n.ids[orb.Point{60.1, 40.2}]
	if nodes, err := n.path(trib, from); err != nil || n.level(nodes[len(nodes)-2], nodes[len(nodes)-1]) != 1 {
		t.Errorf("the tributary does not reach the river across its 1 km bridge: %v %v", nodes, err)
	}
}
