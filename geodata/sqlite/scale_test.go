package sqlite

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"runtime"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// BenchmarkScale measures the store on a large database made by casmap gen
// (CASMAP_BENCH_DB=path; make bench-scale makes one of a million
// incidents). Without it, it is skipped: building one takes minutes.
func BenchmarkScale(b *testing.B) {
	path := os.Getenv("CASMAP_BENCH_DB")
	if path == "" {
		b.Skip("set CASMAP_BENCH_DB to a database made by casmap gen (make bench-scale does)")
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		b.Fatal(err)
	}
	defer db.Close()
	pages := []struct {
		name string
		q    geodata.Query
	}{
		{"bbox-kabul", geodata.Query{Layer: "incidents", BBox: bound(69.15, 34.5, 69.25, 34.6), Limit: 100}},
		{"actor-iskp", geodata.Query{Layer: "incidents", Props: map[string][]string{"actor": {"ISKP"}}, Limit: 10}},
		{"confirmed-attacks-2022", geodata.Query{Layer: "incidents", Props: map[string][]string{"confidence": {"confirmed"}, "category": {"attack"}},
			Interval: &geodata.Interval{Start: day("2022-01-01"), End: day("2022-12-31")}, Limit: 100}},
		{"near-tapi-20km", geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 20}, Limit: 10}},
		{"offset-10000", geodata.Query{Layer: "incidents", Offset: geodata.MaxOffset, Limit: 100}},
	}
	for _, p := range pages {
		b.Run("items-"+p.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := geodata.ReadPage(ctx, db, p.q); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("items-viewports", func(b *testing.B) {
		// Boxes of 0.1 degree jittered around real incidents, as the
		// viewports of make bench-scale, from the aggregate once built.
		if _, err := db.Stats(ctx, geodata.Query{Layer: "incidents"}); err != nil {
			b.Fatal(err)
		}
		pts := samplePoints(ctx, b, db, 500)
		r := rand.New(rand.NewPCG(1, 2))
		for b.Loop() {
			p := pts[r.IntN(len(pts))]
			x, y := p[0]+(r.Float64()-0.5)*0.1, p[1]+(r.Float64()-0.5)*0.1
			q := geodata.Query{Layer: "incidents", BBox: bound(x-0.05, y-0.05, x+0.05, y+0.05), Limit: 100}
			if _, err := geodata.ReadPage(ctx, db, q); err != nil {
				b.Fatal(err)
			}
		}
	})
	region := geodata.Query{Layer: "incidents", BBox: bound(52, 29, 81, 48)}
	for _, z := range []int{3, 5, 8, 12} {
		b.Run("clusters-region-zoom"+string(rune('0'+z/10))+string(rune('0'+z%10)), func(b *testing.B) {
			q := region
			if z == 12 {
				q.BBox = bound(69.1, 34.5, 69.4, 34.7)
			}
			for b.Loop() {
				if _, err := db.Clusters(ctx, q, z); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	b.Run("stats-region", func(b *testing.B) {
		for b.Loop() {
			if _, err := db.Stats(ctx, region); err != nil {
				b.Fatal(err)
			}
		}
	})
	// Screens of 1440 by 900 pixels around Kabul, as make bench-scale
	// asks for them ({box:Z}), with each filter it sends.
	screens := map[int]*orb.Bound{3: bound(-57.4, -30.6, 180, 90), 5: bound(37.5, 18.2, 100.8, 50.8), 8: bound(65.2, 32.5, 73.1, 36.6)}
	for _, f := range scaleFilters() {
		for _, z := range []int{3, 5, 8} {
			b.Run(fmt.Sprintf("clusters-zoom%d-%s", z, f.name), func(b *testing.B) {
				q := f.q
				q.BBox = screens[z]
				cpuLoop(b, func() {
					if _, err := db.Clusters(ctx, q, z); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
	for _, f := range scaleFilters()[:3] {
		for _, z := range []int{5, 8} {
			b.Run(fmt.Sprintf("stats-zoom%d-%s", z, f.name), func(b *testing.B) {
				q := f.q
				q.BBox = screens[z]
				cpuLoop(b, func() {
					if _, err := db.Stats(ctx, q); err != nil {
						b.Fatal(err)
					}
				})
			})
		}
	}
	// The heap once every aggregate above is built: the index, its values,
	// posting lists and pyramids, with what SQLite and the test hold.
	b.Run("heap-after-all", func(b *testing.B) {
		var ms runtime.MemStats
		for b.Loop() {
			runtime.GC()
			runtime.ReadMemStats(&ms)
		}
		b.ReportMetric(float64(ms.HeapAlloc)/(1<<20), "heap-MB")
	})
}

// cpuLoop runs fn once (what a first request sums for the rest is not
// measured), then as the benchmark's loop, and reports the process's CPU
// time per run beside the wall time: on a machine shared with others the
// wall time measures the others too.
func cpuLoop(b *testing.B, fn func()) {
	fn()
	cpu := func() time.Duration {
		var ru syscall.Rusage
		if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
			b.Fatal(err)
		}
		return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	start := cpu()
	for b.Loop() {
		fn()
	}
	b.ReportMetric(float64(cpu()-start)/float64(b.N)/1e6, "cpu-ms/op")
}

// scaleFilters are the filters make bench-scale sends with clusters, and
// two it does not: a choice of two values and two names at once.
func scaleFilters() []struct {
	name string
	q    geodata.Query
} {
	five := 5.0
	props := func(kv ...string) geodata.Query {
		q := geodata.Query{Layer: "incidents", Props: map[string][]string{}}
		for i := 0; i < len(kv); i += 2 {
			q.Props[kv[i]] = strings.Split(kv[i+1], ",")
		}
		return q
	}
	return []struct {
		name string
		q    geodata.Query
	}{
		{"none", geodata.Query{Layer: "incidents"}},
		{"attack", props("category", "attack")},
		{"confirmed", props("confidence", "confirmed")},
		{"iskp", props("actor_group", "ISKP")},
		{"afg", props("country", "AFG")},
		{"confirmed-or-reported", props("confidence", "confirmed,reported")},
		{"attack-confirmed", props("category", "attack", "confidence", "confirmed")},
		{"fatalities5", geodata.Query{Layer: "incidents", Ranges: map[string]geodata.Range{"fatalities": {Min: &five}}}},
		{"2022", geodata.Query{Layer: "incidents", Interval: &geodata.Interval{Start: day("2022-01-01"), End: day("2022-12-31")}}},
	}
}

// samplePoints returns where n incidents of the layer lie, taken every
// so many features along the layer.
func samplePoints(ctx context.Context, b *testing.B, db *DB, n int) []orb.Point {
	b.Helper()
	var pts []orb.Point
	step := 0
	_, err := db.Features(ctx, geodata.Query{Layer: "incidents", Limit: 10000}, func(f geodata.Feature) error {
		if step++; step%(10000/n) == 0 {
			pts = append(pts, f.Geometry.Bound().Center())
		}
		return nil
	})
	if err != nil || len(pts) == 0 {
		b.Fatalf("sample points: %v (%d)", err, len(pts))
	}
	return pts
}
