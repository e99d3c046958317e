// Command scale is the load driver of make bench-scale: it measures a
// running casmap from outside, as clients do, and prints figures, never
// pass or fail. Modes:
//
//	scale -mode viewports -base URL -points N -duration D -conns C
//	    random 0.1-degree boxes jittered around real incidents, limit 100,
//	    gzip: throughput, p50, p99, statuses
//	scale -mode latency -base URL -n N PATH...
//	    each path N times, one at a time: p50 and p99 of each
//	scale -mode walk -base URL -limit L
//	    follows next links through the incidents to the end
//	scale -mode hostile -base URL -pid PID
//	    the hostile loads of issue 9, with /healthz probed and the
//	    server's RSS sampled meanwhile
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"slices"
	"strings"
	"sync"
	"time"
)

func main() {
	mode := flag.String("mode", "", "viewports, latency, walk or hostile")
	base := flag.String("base", "", "casmap's base URL, e.g. http://127.0.0.1:8080")
	points := flag.Int("points", 2000, "viewports: incidents to jitter boxes around")
	duration := flag.Duration("duration", 20*time.Second, "viewports: how long")
	conns := flag.Int("conns", 8, "viewports: concurrent connections")
	n := flag.Int("n", 100, "latency: requests per path")
	limit := flag.Int("limit", 10000, "walk: page size")
	pid := flag.Int("pid", 0, "hostile: the server's process id, for its RSS")
	flag.Parse()
	if *base == "" {
		fail("give -base")
	}
	c := &client{base: strings.TrimRight(*base, "/"), http: &http.Client{Timeout: 60 * time.Second,
		Transport: &http.Transport{MaxIdleConnsPerHost: 64, DisableCompression: true}}}
	var err error
	switch *mode {
	case "viewports":
		err = viewports(c, *points, *duration, *conns)
	case "latency":
		err = latency(c, *n, flag.Args())
	case "walk":
		err = walk(c, *limit)
	case "hostile":
		err = hostile(c, *pid)
	default:
		fail("unknown -mode %q", *mode)
	}
	if err != nil {
		fail("%v", err)
	}
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "scale: "+format+"\n", args...)
	os.Exit(1)
}

// client sends requests to one casmap.
type client struct {
	base string
	http *http.Client
}

// result is one request's outcome.
type result struct {
	status int
	took   time.Duration
	bytes  int64
	err    error
}

// get sends GET base+path with gzip accepted, reads the whole body, and
// says how it went.
func (c *client) get(ctx context.Context, path string) result {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, c.base+path, nil)
	if err != nil {
		return result{err: err}
	}
	req.Header.Set("Accept-Encoding", "gzip")
	start := time.Now()
	res, err := c.http.Do(req)
	if err != nil {
		return result{err: err, took: time.Since(start)}
	}
	defer res.Body.Close()
	n, err := io.Copy(io.Discard, res.Body)
	return result{status: res.StatusCode, took: time.Since(start), bytes: n, err: err}
}

// stats gathers results.
type stats struct {
	mu       sync.Mutex
	took     []time.Duration
	statuses map[int]int
	errors   int
	bytes    int64
}

func newStats() *stats { return &stats{statuses: map[int]int{}} }

func (s *stats) add(r result) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r.err != nil {
		s.errors++
		return
	}
	s.took = append(s.took, r.took)
	s.statuses[r.status]++
	s.bytes += r.bytes
}

// pct returns the p-th percentile of the times.
func (s *stats) pct(p float64) time.Duration {
	if len(s.took) == 0 {
		return 0
	}
	t := slices.Clone(s.took)
	slices.Sort(t)
	i := int(p / 100 * float64(len(t)-1))
	return t[i]
}

func (s *stats) statusLine() string {
	var parts []string
	codes := make([]int, 0, len(s.statuses))
	for code := range s.statuses {
		codes = append(codes, code)
	}
	slices.Sort(codes)
	for _, code := range codes {
		parts = append(parts, fmt.Sprintf("%d x%d", code, s.statuses[code]))
	}
	if s.errors > 0 {
		parts = append(parts, fmt.Sprintf("errors x%d", s.errors))
	}
	return strings.Join(parts, ", ")
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1f ms", float64(d.Microseconds())/1000) }
