package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"net/url"
	"regexp"
	"strconv"
	"sync"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/maptile"
)

// samplePoints fetches n incidents made by casmap gen (ids gen-000001...)
// at random and returns where they are.
func samplePoints(c *client, n int) ([][2]float64, error) {
	r := rand.New(rand.NewPCG(1, 2))
	var out [][2]float64
	for len(out) < n {
		id := fmt.Sprintf("gen-%06d", 1+r.IntN(1000000))
		res, err := c.http.Get(c.base + "/api/collections/incidents/items/" + id)
		if err != nil {
			return nil, err
		}
		var f struct {
			Geometry struct{ Coordinates [2]float64 }
		}
		err = json.NewDecoder(res.Body).Decode(&f)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			continue
		}
		out = append(out, f.Geometry.Coordinates)
	}
	return out, nil
}

// viewports loads the server with random 0.1-degree boxes jittered around
// real incidents, limit 100, gzip, from conns connections for d.
func viewports(c *client, points int, d time.Duration, conns int) error {
	pts, err := samplePoints(c, points)
	if err != nil {
		return err
	}
	st := newStats()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	var wg sync.WaitGroup
	start := time.Now()
	for i := range conns {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(i), 7))
			for ctx.Err() == nil {
				p := pts[r.IntN(len(pts))]
				x, y := p[0]+(r.Float64()-0.5)*0.1, p[1]+(r.Float64()-0.5)*0.1
				path := fmt.Sprintf("/api/collections/incidents/items?limit=100&bbox=%.5f,%.5f,%.5f,%.5f", x-0.05, y-0.05, x+0.05, y+0.05)
				res := c.get(ctx, path)
				if ctx.Err() == nil {
					st.add(res)
				}
			}
		}()
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	fmt.Printf("viewports: %.0f req/s, p50 %s, p99 %s, %.1f MB/s gzip, %d conns, %s (%s)\n",
		float64(len(st.took))/secs, ms(st.pct(50)), ms(st.pct(99)), float64(st.bytes)/secs/1e6, conns, d, st.statusLine())
	return nil
}

// latency requests each path n times in turn and prints p50 and p99. In
// a path, {box:Z} stands for a screen's view (1440 by 900 pixels) at zoom
// Z and {tile:Z} for the tile Z/ROW/COL, each around a random incident,
// so that every request is new to the server's cache; {n} for the
// request's number.
func latency(c *client, n int, paths []string) error {
	pts, err := samplePoints(c, 500)
	if err != nil {
		return err
	}
	r := rand.New(rand.NewPCG(3, 4))
	for _, path := range paths {
		st := newStats()
		for i := range n {
			st.add(c.get(context.Background(), expand(path, pts[r.IntN(len(pts))], i)))
		}
		fmt.Printf("latency %s: p50 %s, p99 %s, %d B (%s)\n", path, ms(st.pct(50)), ms(st.pct(99)), st.bytes/int64(max(1, len(st.took))), st.statusLine())
	}
	return nil
}

// placeholder finds {box:Z} and {tile:Z}.
var placeholder = regexp.MustCompile(`\{(box|tile):(\d+)\}|\{n\}`)

// expand fills the placeholders of path for point p and request i.
func expand(path string, p [2]float64, i int) string {
	return placeholder.ReplaceAllStringFunc(path, func(m string) string {
		if m == "{n}" {
			return strconv.Itoa(i)
		}
		sub := placeholder.FindStringSubmatch(m)
		z, _ := strconv.Atoi(sub[2])
		if sub[1] == "tile" {
			t := maptile.At(orb.Point{p[0], p[1]}, maptile.Zoom(z))
			return fmt.Sprintf("%d/%d/%d", z, t.Y, t.X)
		}
		w := 1440.0 / 256 / math.Exp2(float64(z)) * 360
		h := w * 900 / 1440 * math.Cos(p[1]*math.Pi/180)
		clamp := func(v, lim float64) float64 { return math.Max(-lim, math.Min(lim, v)) }
		return fmt.Sprintf("%.4f,%.4f,%.4f,%.4f", clamp(p[0]-w/2, 180), clamp(p[1]-h/2, 90), clamp(p[0]+w/2, 180), clamp(p[1]+h/2, 90))
	})
}

// walk follows next links from the first page of incidents to the last.
func walk(c *client, limit int) error {
	path := fmt.Sprintf("/api/collections/incidents/items?limit=%d", limit)
	st := newStats()
	var first, last time.Duration
	features, pages := 0, 0
	start := time.Now()
	for path != "" {
		t0 := time.Now()
		res, err := c.http.Get(c.base + path)
		if err != nil {
			return err
		}
		var page struct {
			NumberReturned int
			Links          []struct{ Rel, Href string }
		}
		err = json.NewDecoder(res.Body).Decode(&page)
		res.Body.Close()
		if err != nil || res.StatusCode != 200 {
			return fmt.Errorf("page %d: %d %v", pages+1, res.StatusCode, err)
		}
		took := time.Since(t0)
		st.add(result{status: 200, took: took})
		if pages == 0 {
			first = took
		}
		last = took
		pages++
		features += page.NumberReturned
		path = ""
		for _, l := range page.Links {
			if l.Rel == "next" {
				u, _ := url.Parse(l.Href)
				path = u.RequestURI()
			}
		}
	}
	fmt.Printf("walk by next (limit %d): %d features in %d pages, %.1f s; first page %s, last %s, p50 %s, p99 %s\n",
		limit, features, pages, time.Since(start).Seconds(), ms(first), ms(last), ms(st.pct(50)), ms(st.pct(99)))
	return nil
}
