package main

import (
	"context"
	"fmt"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
)

// hostile replays the loads of issue 9 that took casmap down, one after
// another, probing /healthz every 50 ms and sampling the server's RSS
// every 50 ms meanwhile, and prints for each the statuses, the worst
// /healthz and the peak RSS.
func hostile(c *client, pid int) error {
	loads := []struct {
		name string
		run  func(*stats)
	}{
		{"8 concurrent near= with different within_km, 3 rounds", func(st *stats) {
			for round := range 3 {
				concurrently(8, func(i int) {
					st.add(c.get(context.Background(), fmt.Sprintf("/api/collections/incidents/items?near=tapi&within_km=%d&limit=10", 5+round*40+i*5)))
				})
			}
		}},
		{"60 requests closed 1 ms after sending", func(st *stats) {
			concurrently(6, func(i int) {
				for j := range 10 {
					hangUp(c.base, fmt.Sprintf("/api/collections/incidents/items?near=railways&within_km=%d&limit=500", 7+i*10+j))
				}
			})
		}},
		{"16 concurrent filters that match nothing, 4 rounds", func(st *stats) {
			for round := range 4 {
				concurrently(16, func(i int) {
					st.add(c.get(context.Background(), fmt.Sprintf("/api/collections/incidents/items?actor=nobody-%d-%d&confidence=confirmed&limit=100", round, i)))
				})
			}
		}},
		{"64 concurrent uncached clusters and stats", func(st *stats) {
			concurrently(64, func(i int) {
				path := fmt.Sprintf("/api/collections/incidents/clusters?zoom=%d&datetime=2022-01-%02d/2024-12-31", 3+i%6, 1+i%28)
				if i%2 == 1 {
					path = fmt.Sprintf("/api/collections/incidents/stats?datetime=2021-%02d-01/..", 1+i%12)
				}
				st.add(c.get(context.Background(), path))
			})
		}},
	}
	for _, l := range loads {
		st := newStats()
		health, rss := probe(c, pid, func() { l.run(st) })
		fmt.Printf("hostile: %s: %s; /healthz worst %s p99 %s (%s); peak RSS %d MB\n",
			l.name, st.statusLine(), ms(health.pct(100)), ms(health.pct(99)), health.statusLine(), rss>>20)
	}
	return nil
}

// concurrently runs fn(0..n-1) at once and waits for all.
func concurrently(n int, fn func(i int)) {
	var wg sync.WaitGroup
	for i := range n {
		wg.Add(1)
		go func() { defer wg.Done(); fn(i) }()
	}
	wg.Wait()
}

// hangUp sends a request and closes the connection 1 ms later, before
// any answer.
func hangUp(base, path string) {
	u, err := url.Parse(base)
	if err != nil {
		return
	}
	conn, err := net.Dial("tcp", u.Host)
	if err != nil {
		return
	}
	fmt.Fprintf(conn, "GET %s HTTP/1.1\r\nHost: %s\r\n\r\n", path, u.Host)
	time.Sleep(time.Millisecond)
	conn.Close()
}

// probe runs load while timing /healthz and sampling RSS every 50 ms, and
// returns the /healthz times and the peak RSS in bytes.
func probe(c *client, pid int, load func()) (*stats, int64) {
	health := newStats()
	var peak int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for {
			health.add(c.get(context.Background(), "/healthz"))
			peak = max(peak, rssOf(pid))
			select {
			case <-done:
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	load()
	time.Sleep(200 * time.Millisecond)
	close(done)
	wg.Wait()
	return health, peak
}

// rssOf reads a process's resident set size from /proc.
func rssOf(pid int) int64 {
	if pid <= 0 {
		return 0
	}
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(rest)[0], 10, 64)
			return kb << 10
		}
	}
	return 0
}
