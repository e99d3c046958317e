package main

import (
	"math"
	"sort"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/planar"
)

// lake is one GSHHG lake: its shoreline, with islands as holes.
type lake struct {
	Polygon orb.Polygon
}

// assembleLakes joins GMT's shoreline pieces back into closed rings (a
// ring crossing a bin edge comes out as one piece per bin, the pieces
// sharing their end points) and makes a polygon of each lake (level 2)
// with the islands (level 3) inside it as holes. It returns the lakes,
// largest first, and how many rings could not be closed (lakes cut by the
// window's edge).
func assembleLakes(pieces []piece) ([]lake, int) {
	var lakeRings, islandRings []orb.Ring
	open := 0
	for _, level := range []int{2, 3} {
		var ofLevel []piece
		for _, p := range pieces {
			if p.Level == level {
				ofLevel = append(ofLevel, p)
			}
		}
		rings, unclosed := closeRings(ofLevel)
		open += unclosed
		if level == 2 {
			lakeRings = rings
		} else {
			islandRings = rings
		}
	}
	lakes := make([]lake, len(lakeRings))
	for i, r := range lakeRings {
		lakes[i] = lake{Polygon: orb.Polygon{r}}
	}
	for _, island := range islandRings {
		for i := range lakes {
			if planar.RingContains(lakes[i].Polygon[0], island[0]) {
				lakes[i].Polygon = append(lakes[i].Polygon, island)
				break
			}
		}
	}
	sort.SliceStable(lakes, func(i, j int) bool {
		return math.Abs(planar.Area(lakes[i].Polygon[0])) > math.Abs(planar.Area(lakes[j].Polygon[0]))
	})
	return lakes, open
}

// closeRings chains pieces whose ends meet into closed rings, following
// each piece forwards or backwards as the shared end requires.
func closeRings(pieces []piece) ([]orb.Ring, int) {
	type end struct{ piece, side int } // side 0: first point, 1: last
	ends := map[orb.Point][]end{}
	for i, p := range pieces {
		ends[p.Line[0]] = append(ends[p.Line[0]], end{i, 0})
		ends[p.Line[len(p.Line)-1]] = append(ends[p.Line[len(p.Line)-1]], end{i, 1})
	}
	used := make([]bool, len(pieces))
	var rings []orb.Ring
	open := 0
	for i := range pieces {
		if used[i] {
			continue
		}
		used[i] = true
		ring := append(orb.Ring{}, pieces[i].Line...)
		for ring[0] != ring[len(ring)-1] {
			tail := ring[len(ring)-1]
			next := -1
			for _, e := range ends[tail] {
				if !used[e.piece] {
					next = e.piece
					line := pieces[e.piece].Line
					if e.side == 1 {
						line = reversed(line)
					}
					ring = append(ring, line[1:]...)
					break
				}
			}
			if next < 0 {
				break
			}
			used[next] = true
		}
		if ring[0] == ring[len(ring)-1] && len(ring) >= 4 {
			rings = append(rings, ring)
		} else {
			open++
		}
	}
	return rings, open
}

func reversed(l orb.LineString) orb.LineString {
	out := make(orb.LineString, len(l))
	for i, p := range l {
		out[len(l)-1-i] = p
	}
	return out
}
