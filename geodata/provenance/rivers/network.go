package main

import (
	"container/heap"
	"fmt"
	"math"
	"sort"

	"github.com/paulmach/orb"
)

// network is WDBII's rivers as a graph: a node at every vertex (vertices
// shared by two of GMT's bin pieces are one node), an edge between
// consecutive vertices of a piece, and bridges where a line ends near,
// but not on, another line (a tributary that stops short of its river).
type network struct {
	pts  []orb.Point
	ids  map[orb.Point]int
	adj  [][]edge
	grid map[[2]int][]int
}

type edge struct {
	to    int
	level int // WDBII class; 0 for a bridge, gapLevel for a gap
	km    float64
}

// edgeKey names an undirected edge.
type edgeKey [2]int

func key(a, b int) edgeKey {
	if a > b {
		a, b = b, a
	}
	return edgeKey{a, b}
}

// gapLevel marks an edge that joins two line ends across a lake or a gap
// in WDBII's lines: a path may cross it, but it is not drawn.
const gapLevel = -1

// gridDeg is the cell size of the node index, in degrees.
const gridDeg = 0.05

func newNetwork(pieces []piece, bridgeKm, gapKm float64) *network {
	n := &network{ids: map[orb.Point]int{}, grid: map[[2]int][]int{}}
	for _, p := range pieces {
		prev := -1
		for _, pt := range p.Line {
			id := n.node(pt)
			if prev >= 0 && prev != id {
				n.link(prev, id, p.Level)
			}
			prev = id
		}
	}
	n.bridge(bridgeKm)
	n.gaps(gapKm)
	return n
}

// gaps joins every line end to the other line ends within km, so a named
// river's path can cross a reservoir or a break in WDBII's line.
func (n *network) gaps(km float64) {
	var ends []int
	for id := range n.pts {
		if len(n.adj[id]) == 1 {
			ends = append(ends, id)
		}
	}
	isEnd := map[int]bool{}
	for _, id := range ends {
		isEnd[id] = true
	}
	for _, a := range ends {
		r := int(math.Ceil(km/(111*gridDeg*math.Cos(n.pts[a][1]*math.Pi/180)))) + 1
		c := cell(n.pts[a])
		for dx := -r; dx <= r; dx++ {
			for dy := -r; dy <= r; dy++ {
				for _, b := range n.grid[[2]int{c[0] + dx, c[1] + dy}] {
					if b > a && isEnd[b] {
						if d := distKm(n.pts[a], n.pts[b]); d <= km {
							n.adj[a] = append(n.adj[a], edge{b, gapLevel, d})
							n.adj[b] = append(n.adj[b], edge{a, gapLevel, d})
						}
					}
				}
			}
		}
	}
}

func (n *network) node(pt orb.Point) int {
	if id, ok := n.ids[pt]; ok {
		return id
	}
	id := len(n.pts)
	n.ids[pt] = id
	n.pts = append(n.pts, pt)
	n.adj = append(n.adj, nil)
	c := cell(pt)
	n.grid[c] = append(n.grid[c], id)
	return id
}

func cell(pt orb.Point) [2]int {
	return [2]int{int(math.Floor(pt[0] / gridDeg)), int(math.Floor(pt[1] / gridDeg))}
}

func (n *network) link(a, b, level int) {
	for _, e := range n.adj[a] {
		if e.to == b {
			return
		}
	}
	km := distKm(n.pts[a], n.pts[b])
	n.adj[a] = append(n.adj[a], edge{b, level, km})
	n.adj[b] = append(n.adj[b], edge{a, level, km})
}

// bridge joins each line end (a node with one edge) to the nearest node
// within km that it is not already connected to nearby.
func (n *network) bridge(km float64) {
	ends := 0
	for id := range n.pts {
		if len(n.adj[id]) == 1 {
			ends++
			if to, ok := n.nearest(n.pts[id], km, func(c int) bool { return c != id && !n.near(id, c, 4) }); ok {
				n.link(id, to, 0)
			}
		}
	}
}

// near reports whether b is within hops edges of a.
func (n *network) near(a, b, hops int) bool {
	if a == b {
		return true
	}
	if hops == 0 {
		return false
	}
	for _, e := range n.adj[a] {
		if n.near(e.to, b, hops-1) {
			return true
		}
	}
	return false
}

// nearest returns the node closest to pt within km that ok accepts.
func (n *network) nearest(pt orb.Point, km float64, ok func(int) bool) (int, bool) {
	r := int(math.Ceil(km/(111*gridDeg*math.Cos(pt[1]*math.Pi/180)))) + 1
	c := cell(pt)
	best, bestKm := -1, km
	for dx := -r; dx <= r; dx++ {
		for dy := -r; dy <= r; dy++ {
			for _, id := range n.grid[[2]int{c[0] + dx, c[1] + dy}] {
				if d := distKm(pt, n.pts[id]); d <= bestKm && ok(id) && (best < 0 || d < bestKm || id < best) {
					best, bestKm = id, d
				}
			}
		}
	}
	return best, best >= 0
}

// cost weighs an edge for path finding: the major classes are preferred,
// so a path between two points on a river stays on it rather than cut
// through small side channels.
func cost(e edge) float64 {
	switch {
	case e.level == gapLevel:
		return e.km * 10
	case e.level == 0:
		return e.km * 3
	case e.level <= 2:
		return e.km
	case e.level == 3:
		return e.km * 1.2
	default:
		return e.km * 1.6
	}
}

// path returns the cheapest chain of nodes from a to b.
func (n *network) path(a, b int) ([]int, error) {
	dist := map[int]float64{a: 0}
	prev := map[int]int{}
	q := &queue{{a, 0}}
	for q.Len() > 0 {
		it := heap.Pop(q).(item)
		if it.node == b {
			break
		}
		if it.d > dist[it.node] {
			continue
		}
		for _, e := range n.adj[it.node] {
			d := it.d + cost(e)
			if old, seen := dist[e.to]; !seen || d < old {
				dist[e.to] = d
				prev[e.to] = it.node
				heap.Push(q, item{e.to, d})
			}
		}
	}
	if _, ok := dist[b]; !ok {
		return nil, fmt.Errorf("no river line joins %v and %v", n.pts[a], n.pts[b])
	}
	out := []int{b}
	for cur := b; cur != a; {
		cur = prev[cur]
		out = append(out, cur)
	}
	for i, j := 0, len(out)-1; i < j; i, j = i+1, j-1 {
		out[i], out[j] = out[j], out[i]
	}
	return out, nil
}

type item struct {
	node int
	d    float64
}

type queue []item

func (q queue) Len() int { return len(q) }
func (q queue) Less(i, j int) bool {
	if q[i].d != q[j].d {
		return q[i].d < q[j].d
	}
	return q[i].node < q[j].node
}
func (q queue) Swap(i, j int) { q[i], q[j] = q[j], q[i] }
func (q *queue) Push(x any)   { *q = append(*q, x.(item)) }
func (q *queue) Pop() any {
	old := *q
	it := old[len(old)-1]
	*q = old[:len(old)-1]
	return it
}

// degree counts the drawn lines (not gaps) that meet at a node.
func (n *network) degree(id int) int {
	d := 0
	for _, e := range n.adj[id] {
		if e.level != gapLevel {
			d++
		}
	}
	return d
}

// level returns the WDBII class of the edge a-b (0 for a bridge).
func (n *network) level(a, b int) int {
	for _, e := range n.adj[a] {
		if e.to == b {
			return e.level
		}
	}
	return -1
}

// chains splits the edges that keep accepts into lines that run between
// junctions, line ends and changes of class, in a stable order.
func (n *network) chains(keep func(a, b, level int) bool) [][]int {
	deg := make([]int, len(n.pts))
	for a := range n.pts {
		for _, e := range n.adj[a] {
			if keep(a, e.to, e.level) {
				deg[a]++
			}
		}
	}
	used := map[edgeKey]bool{}
	var out [][]int
	walk := func(start int, e edge) {
		line := []int{start, e.to}
		used[key(start, e.to)] = true
		cur, lvl := e.to, e.level
		for deg[cur] == 2 {
			next := -1
			for _, f := range n.adj[cur] {
				if f.level == lvl && keep(cur, f.to, f.level) && !used[key(cur, f.to)] {
					next = f.to
					break
				}
			}
			if next < 0 {
				break
			}
			used[key(cur, next)] = true
			line = append(line, next)
			cur = next
		}
		out = append(out, line)
	}
	for pass := 0; pass < 2; pass++ {
		for a := range n.pts {
			if pass == 0 && deg[a] == 2 {
				continue // start at ends and junctions first, then close loops
			}
			for _, e := range n.adj[a] {
				if keep(a, e.to, e.level) && !used[key(a, e.to)] {
					walk(a, e)
				}
			}
		}
	}
	sort.SliceStable(out, func(i, j int) bool { return less(n.pts[out[i][0]], n.pts[out[j][0]]) })
	return out
}

func less(a, b orb.Point) bool {
	if a[0] != b[0] {
		return a[0] < b[0]
	}
	return a[1] < b[1]
}

// distKm is the distance between two points in an equirectangular
// projection, close enough for the few kilometres it is used over.
func distKm(a, b orb.Point) float64 {
	const kmPerDeg = 111.195
	dx := (a[0] - b[0]) * math.Cos((a[1]+b[1])/2*math.Pi/180)
	dy := a[1] - b[1]
	return kmPerDeg * math.Hypot(dx, dy)
}
