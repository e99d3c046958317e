package main

import (
	"cmp"
	"context"
	"fmt"
	"io"
	"math"
	"math/rand/v2"
	"slices"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/sqlite"
	"github.com/paulmach/orb"
	"github.com/schollz/progressbar/v3"
)

// genCmd fills the incidents layer with synthetic incidents, for testing
// the map and the API at scale. The same seed and count always make the
// same incidents, so a second run updates rather than adds.
func genCmd(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	var cfg config
	fs := newFlags("gen", &cfg, false)
	n := fs.Int("incidents", 0, "make `N` synthetic incidents, from 1 to 100000000")
	seed := fs.Uint64("seed", 1, "random seed `S`: one seed always makes the same incidents")
	if err := parseFlags(fs, args, getenv, stdout); err != nil {
		return err
	}
	switch {
	case *n <= 0 || *n > 100_000_000:
		return usageError("gen", "--incidents takes a number from 1 to 100000000")
	case fs.NArg() > 0:
		return usageError("gen", fmt.Sprintf("gen takes no arguments, got %q", fs.Args()))
	}
	db, err := openExisting(ctx, cfg.DB)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	g := incidentGen{seed: *seed}
	order := g.spatialOrder(*n)
	var bar *progressbar.ProgressBar
	if isTerminal(stderr) {
		bar = progressbar.Default(int64(*n), "generating")
		defer bar.Finish()
	}
	// One stream, one transaction: memory holds one incident at a time
	// besides the order.
	stream := func(yield func(geodata.Feature, error) bool) {
		for _, i := range order {
			f := g.feature(int(i))
			if err := geodata.ValidateIncident(f); err != nil {
				yield(geodata.Feature{}, fmt.Errorf("gen: incident %s: %w", f.ID, err))
				return
			}
			if bar != nil {
				bar.Add(1)
			}
			if !yield(f, nil) {
				return
			}
		}
	}
	if _, err := db.ImportStream(ctx, geodata.LayerIncidents, stream); err != nil {
		return fmt.Errorf("gen: %w", err)
	}
	fmt.Fprintf(stdout, "generated %d synthetic incidents (seed %d) into %s in %s\n",
		*n, *seed, cfg.DB, time.Since(start).Round(time.Millisecond))
	return nil
}

// The region synthetic incidents fall in, and their dates.
var (
	genRegion = orb.Bound{Min: orb.Point{52, 29}, Max: orb.Point{81, 48}}
	genFirst  = time.Date(2021, 1, 1, 0, 0, 0, 0, time.UTC)
	genDays   = int(time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC).Sub(genFirst).Hours() / 24)
)

// genCity is a place incidents gather around, weighted by how many.
type genCity struct {
	name, country string
	at            orb.Point
	weight        float64
}

var genCities = []genCity{
	{"Kabul", "AFG", orb.Point{69.17, 34.53}, 12},
	{"Kandahar", "AFG", orb.Point{65.71, 31.61}, 6},
	{"Herat", "AFG", orb.Point{62.2, 34.35}, 5},
	{"Mazar-i-Sharif", "AFG", orb.Point{67.11, 36.71}, 5},
	{"Jalalabad", "AFG", orb.Point{70.45, 34.43}, 5},
	{"Kunduz", "AFG", orb.Point{68.86, 36.73}, 4},
	{"Faizabad", "AFG", orb.Point{70.58, 37.12}, 2},
	{"Dushanbe", "TJK", orb.Point{68.78, 38.56}, 4},
	{"Khorog", "TJK", orb.Point{71.55, 37.49}, 2},
	{"Khujand", "TJK", orb.Point{69.63, 40.28}, 2},
	{"Tashkent", "UZB", orb.Point{69.28, 41.31}, 4},
	{"Samarkand", "UZB", orb.Point{66.96, 39.65}, 2},
	{"Termez", "UZB", orb.Point{67.28, 37.22}, 2},
	{"Andijan", "UZB", orb.Point{72.34, 40.78}, 2},
	{"Nukus", "UZB", orb.Point{59.6, 42.46}, 1},
	{"Osh", "KGZ", orb.Point{72.8, 40.51}, 2},
	{"Bishkek", "KGZ", orb.Point{74.59, 42.87}, 2},
	{"Almaty", "KAZ", orb.Point{76.95, 43.24}, 3},
	{"Shymkent", "KAZ", orb.Point{69.6, 42.3}, 1},
	{"Ashgabat", "TKM", orb.Point{58.38, 37.95}, 2},
	{"Mary", "TKM", orb.Point{61.83, 37.59}, 1},
	{"Peshawar", "PAK", orb.Point{71.58, 34.01}, 5},
	{"Quetta", "PAK", orb.Point{66.99, 30.18}, 4},
	{"Gilgit", "PAK", orb.Point{74.31, 35.92}, 1},
	{"Mashhad", "IRN", orb.Point{59.6, 36.3}, 2},
	{"Zahedan", "IRN", orb.Point{60.86, 29.5}, 2},
}

// genPick is a weighted vocabulary: values with relative frequencies.
type genPick struct {
	values  []string
	weights []float64
}

func (p genPick) draw(r *rand.Rand) string {
	var total float64
	for _, w := range p.weights {
		total += w
	}
	u := r.Float64() * total
	for i, w := range p.weights {
		if u < w {
			return p.values[i]
		}
		u -= w
	}
	return p.values[len(p.values)-1]
}

var (
	genCategories = genPick{
		[]string{"attack", "plot", "unrest", "clash", "crackdown", "military", "diplomacy", "infrastructure"},
		[]float64{30, 6, 12, 18, 8, 12, 6, 8}}
	genConfidence = genPick{[]string{"confirmed", "claimed", "reported", "disputed"}, []float64{45, 10, 35, 10}}
	genActors     = []string{"ISKP", "Taliban security forces", "Unidentified gunmen", "TTP",
		"Border guards", "Protesters", "National army", "Local militia"}
)

// incidentGen makes synthetic incidents. Incident i is a pure function of
// the seed and i: it has a random stream of its own, so incidents can be
// made in any order, and its point can be drawn again without the rest.
type incidentGen struct {
	seed uint64
}

func (g incidentGen) rand(i int) *rand.Rand {
	return rand.New(rand.NewPCG(g.seed, uint64(i)))
}

// spatialOrder returns the numbers 0..n-1 of the incidents ordered by the
// Hilbert key of their points, so that writing them in this order stores
// them in spatial order. It holds 16
// bytes an incident, not the incidents.
func (g incidentGen) spatialOrder(n int) []uint32 {
	type keyed struct {
		key uint64
		i   uint32
	}
	ks := make([]keyed, n)
	for i := range ks {
		p, _, _ := g.place(g.rand(i))
		ks[i] = keyed{sqlite.HilbertKey(p), uint32(i)}
	}
	slices.SortFunc(ks, func(a, b keyed) int {
		return cmp.Or(cmp.Compare(a.key, b.key), cmp.Compare(a.i, b.i))
	})
	out := make([]uint32, n)
	for j, k := range ks {
		out[j] = k.i
	}
	return out
}

// place draws where an incident happened: mostly around a city, tightly
// (a town) or loosely (its district or province), and some anywhere in
// the region. It returns the point, the nearest city, and the precision
// that such a placing deserves. It is the first thing drawn from r.
func (g incidentGen) place(r *rand.Rand) (orb.Point, genCity, string) {
	if r.Float64() < 0.12 {
		p := orb.Point{
			genRegion.Min[0] + r.Float64()*(genRegion.Max[0]-genRegion.Min[0]),
			genRegion.Min[1] + r.Float64()*(genRegion.Max[1]-genRegion.Min[1]),
		}
		return round4(p), nearestCity(p), "region"
	}
	city := genCities[genCityIndex(r.Float64())]
	sigma, precision := 0.06, "town"
	switch u := r.Float64(); {
	case u < 0.15:
		sigma, precision = 0.01, "exact"
	case u > 0.6:
		sigma, precision = 0.45, "district"
	}
	for range 8 {
		p := orb.Point{city.at[0] + 1.25*sigma*r.NormFloat64(), city.at[1] + sigma*r.NormFloat64()}
		if genRegion.Contains(p) {
			return round4(p), city, precision
		}
	}
	return city.at, city, precision
}

// genCityIndex picks a city by weight for u in [0, 1).
func genCityIndex(u float64) int {
	var total float64
	for _, c := range genCities {
		total += c.weight
	}
	u *= total
	for i, c := range genCities {
		if u < c.weight {
			return i
		}
		u -= c.weight
	}
	return len(genCities) - 1
}

func nearestCity(p orb.Point) genCity {
	best, bestD := genCities[0], math.Inf(1)
	for _, c := range genCities {
		if d := math.Hypot(c.at[0]-p[0], c.at[1]-p[1]); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

// round4 rounds to 4 decimals, about 10 m, as reports give coordinates.
func round4(p orb.Point) orb.Point {
	return orb.Point{math.Round(p[0]*1e4) / 1e4, math.Round(p[1]*1e4) / 1e4}
}

// feature returns incident i, whose id is gen-NNNNNN counting from 1.
func (g incidentGen) feature(i int) geodata.Feature {
	r := g.rand(i)
	p, city, precision := g.place(r)
	category := genCategories.draw(r)
	day := genFirst.AddDate(0, 0, r.IntN(genDays))
	actor := genActors[r.IntN(len(genActors))]
	props := map[string]any{
		"title":          fmt.Sprintf("Synthetic %s near %s", category, city.name),
		"date":           day.Format(time.DateOnly),
		"category":       category,
		"actor":          actor,
		"claimed_by":     nil,
		"fatalities":     nil,
		"confidence":     genConfidence.draw(r),
		"precision":      precision,
		"country":        city.country,
		"location":       city.name,
		"synthetic":      true,
		"actor_group":    geodata.ActorGroup(actor),
		"admin1":         city.name + " area (synthetic)",
		"date_precision": "day",
		"coord_source": map[string]any{"kind": "placed",
			"note": geodata.PlacedPrefix + "a random spot near " + city.name + " (synthetic, casmap gen)"},
		"sources": []any{map[string]any{
			"title": "Synthetic incident (casmap gen)", "publisher": "casmap", "url": "",
			"date": day.AddDate(0, 0, r.IntN(4)).Format(time.DateOnly),
		}},
	}
	if category == "plot" && precision == "exact" {
		props["precision"] = "town" // a plot that never happened is placed no closer
	}
	if props["confidence"] == "disputed" {
		props["statements"] = []any{
			map[string]any{"party": actor, "claim": "Synthetic claim of the actor."},
			map[string]any{"party": "Synthetic other party", "claim": "Synthetic denial."},
		}
	}
	if r.Float64() < 0.12 {
		props["date_end"] = day.AddDate(0, 0, 1+r.IntN(6)).Format(time.DateOnly)
	}
	if category == "attack" && r.Float64() < 0.3 {
		props["claimed_by"] = []any{actor}
	}
	if r.Float64() < 0.75 {
		props["fatalities"] = math.Floor(r.ExpFloat64() * 3)
	}
	return geodata.Feature{ID: fmt.Sprintf("gen-%06d", i+1), Geometry: p, Properties: props}
}
