package main

import (
	"context"
	"fmt"
	"math"
	"os"
	"slices"
	"strings"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geo"
	"github.com/paulmach/orb/geojson"
	"github.com/paulmach/orb/planar"
	"github.com/paulmach/orb/simplify"

	"github.com/casmap/casmap/geodata"
	"github.com/casmap/casmap/geodata/provenance/internal/labels"
	"github.com/casmap/casmap/geodata/provenance/internal/seedfile"
)

// wdbClasses names WDBII's river classes as GMT documents them.
var wdbClasses = map[int]string{
	1: "permanent major river", 2: "additional major river", 3: "additional river", 4: "minor river",
	5: "intermittent major river", 6: "intermittent additional river", 7: "intermittent minor river",
}

// builder turns GMT's dump and the names table into seed features.
type builder struct {
	s         settings
	countries []country
	placer    labels.Placer
	report    []string
	// survey reports named rivers that cannot be placed instead of
	// failing, for working on rivers.json.
	survey bool
}

type country struct {
	a3      string
	measure *geodata.Measure
}

func readCountries(path string) ([]country, error) {
	fc, err := readCollection(path)
	if err != nil {
		return nil, err
	}
	var out []country
	for _, f := range fc.Features {
		if a3, _ := f.Properties["iso_a3"].(string); a3 != "" {
			out = append(out, country{a3: a3, measure: geodata.NewMeasure(f.Geometry)})
		}
	}
	return out, nil
}

func readCollection(path string) (*geojson.FeatureCollection, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return geojson.UnmarshalFeatureCollection(raw)
}

// riverFeatures names the rivers of the table along their waypoints and
// keeps the major lines no named river runs along, unnamed.
func (b *builder) riverFeatures(rivers []namedRiver, pieces []piece) ([]*geojson.Feature, error) {
	n := newNetwork(pieces, b.s.bridgeKm, b.s.gapKm)
	named := map[edgeKey]bool{}
	var out []*geojson.Feature
	for _, r := range rivers {
		nodes, err := b.course(n, r)
		if err != nil && b.survey {
			b.report = append(b.report, fmt.Sprintf("left out river %s: %v", r.ID, err))
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("river %s: %w", r.ID, err)
		}
		levels := map[int]bool{}
		lines := orb.MultiLineString{{n.pts[nodes[0]]}}
		for i := 1; i < len(nodes); i++ {
			a, c := nodes[i-1], nodes[i]
			named[key(a, c)] = true
			switch l := n.level(a, c); {
			case l == gapLevel: // across a lake or a break: not drawn
				lines = append(lines, orb.LineString{n.pts[c]})
				continue
			case l > 0:
				levels[l] = true
			}
			lines[len(lines)-1] = append(lines[len(lines)-1], n.pts[c])
		}
		var via []string
		for _, w := range r.Via {
			via = append(via, w.Label)
		}
		props := b.nameProps(r.names)
		props["kind"] = "river"
		props["name_method"] = "WDBII carries no names: casmap gave this one to the WDBII lines on the shortest path " +
			"through WDBII's river network past " + strings.Join(via, ", ") + " (geodata/provenance/rivers.json)."
		f, err := b.lineFeature(r.ID, lines, sortedKeys(levels), b.s.epsilon, props)
		if err != nil {
			return nil, fmt.Errorf("river %s: %w", r.ID, err)
		}
		out = append(out, f)
	}
	chains := n.chains(func(a, c, level int) bool { return b.s.unnamedLevels[level] && !named[key(a, c)] })
	kept := 0
	for _, group := range tiles(chains, n.pts, b.s.tileDeg) {
		var lines orb.MultiLineString
		levels := map[int]bool{}
		for _, ch := range group {
			line := make(orb.LineString, len(ch))
			for i, id := range ch {
				line[i] = n.pts[id]
			}
			lines = append(lines, line)
			levels[n.level(ch[0], ch[1])] = true
		}
		props := geojson.Properties{"kind": "river", "sources": []any{gshhgSource, debianSource}}
		f, err := b.lineFeature(fmt.Sprintf("river-%03d", kept+1), lines, sortedKeys(levels), b.s.unnamedEpsilon, props)
		if err != nil {
			continue // nothing left once rounded: stubs shorter than the rounding
		}
		kept++
		out = append(out, f)
	}
	b.report = append(b.report, fmt.Sprintf("%d named rivers; unnamed lines of WDBII classes %v in %d features", len(rivers), sortedKeys(b.s.unnamedLevels), kept))
	return out, nil
}

// tiles groups chains by the square of tileDeg degrees their first point
// falls in, so the unnamed lines make a few dozen features (each carries
// its sources) rather than one per line; squares in order of longitude,
// then latitude.
func tiles(chains [][]int, pts []orb.Point, tileDeg float64) [][][]int {
	type tile [2]int
	byTile := map[tile][][]int{}
	var order []tile
	for _, ch := range chains {
		p := pts[ch[0]]
		t := tile{int(math.Floor(p[0] / tileDeg)), int(math.Floor(p[1] / tileDeg))}
		if _, ok := byTile[t]; !ok {
			order = append(order, t)
		}
		byTile[t] = append(byTile[t], ch)
	}
	slices.SortFunc(order, func(a, b tile) int {
		if a[0] != b[0] {
			return a[0] - b[0]
		}
		return a[1] - b[1]
	})
	out := make([][][]int, len(order))
	for i, t := range order {
		out[i] = byTile[t]
	}
	return out
}

// course is the chain of network nodes a named river follows.
func (b *builder) course(n *network, r namedRiver) ([]int, error) {
	var stops []int
	for _, w := range r.Via {
		accept := func(int) bool { return true }
		if w.Junction {
			accept = func(id int) bool { return n.degree(id) >= 3 }
		}
		id, ok := n.nearest(w.point(), b.s.snapKm, accept)
		if !ok {
			return nil, fmt.Errorf("no WDBII river within %.0f km of %s %v", b.s.snapKm, w.Label, w.At)
		}
		stops = append(stops, id)
	}
	nodes := []int{stops[0]}
	for i := 1; i < len(stops); i++ {
		leg, err := n.path(stops[i-1], stops[i])
		if err != nil {
			return nil, fmt.Errorf("%s to %s: %w", r.Via[i-1].Label, r.Via[i].Label, err)
		}
		nodes = append(nodes, leg[1:]...)
	}
	return nodes, nil
}

// lineFeature simplifies and rounds line and sets what every river line
// carries: its WDBII classes, length, countries and coordinate source.
func (b *builder) lineFeature(id string, lines orb.MultiLineString, levels []int, epsilon float64, props geojson.Properties) (*geojson.Feature, error) {
	var kept orb.MultiLineString
	for _, l := range lines {
		if l = seedfile.TidyLine(simplify.DouglasPeucker(epsilon).LineString(l.Clone()), b.s.decimals); l != nil {
			kept = append(kept, l)
		}
	}
	if len(kept) == 0 {
		return nil, fmt.Errorf("nothing is left of the line once simplified")
	}
	var classes []string
	for _, l := range levels {
		classes = append(classes, wdbClasses[l])
	}
	props["wdb_classes"] = classes
	props["length_km"] = math.Round(geo.Length(kept) / 1000)
	props["countries"] = b.crossed(kept)
	props["coord_source"] = riverCoords(epsilon, b.s.decimals)
	f := geojson.NewFeature(kept)
	f.ID = id
	f.Properties = props
	return f, nil
}

// crossed lists the countries a line runs in or along, in the borders
// layer's order: those that hold three or more of its vertices, or lie
// within 1 km of at least a twentieth of them (a border river). A
// tributary that ends at a border river does not count the country
// across it.
func (b *builder) crossed(lines orb.MultiLineString) []string {
	out := []string{}
	total := 0
	for range geodata.Points(lines) {
		total++
	}
	for _, c := range b.countries {
		in, near := 0, 0
		for pt := range geodata.Points(lines) {
			switch {
			case c.measure.Contains(pt):
				in++
				near++
			case c.measure.DistanceKm(pt) < 1:
				near++
			}
		}
		if in >= 3 || near > 0 && near*20 >= total {
			out = append(out, c.a3)
		}
	}
	return out
}

// lakeFeatures makes a feature of every named lake and of every unnamed
// one of at least unnamedLakeMinKm2, largest first.
func (b *builder) lakeFeatures(ctx context.Context, table []namedLake, pieces []piece) ([]*geojson.Feature, error) {
	lakes, open := assembleLakes(pieces)
	nameOf := map[int]*namedLake{}
	for i := range table {
		found := false
		for j, l := range lakes {
			if planar.PolygonContains(l.Polygon, table[i].point()) {
				if prev, dup := nameOf[j]; dup {
					return nil, fmt.Errorf("lakes %s and %s fall in the same GSHHG polygon", prev.ID, table[i].ID)
				}
				nameOf[j], found = &table[i], true
				break
			}
		}
		if !found {
			return nil, fmt.Errorf("lake %s: no GSHHG lake of %g km² or more contains %v", table[i].ID, b.s.lakeMinKm2, table[i].At)
		}
	}
	var out []*geojson.Feature
	var items []labels.Item
	unnamed := 0
	for j, l := range lakes {
		poly := orb.MultiPolygon{simplify.DouglasPeucker(b.s.epsilon).Polygon(l.Polygon.Clone())}
		poly = seedfile.TidyMultiPolygon(poly, b.s.decimals)
		area := geo.Area(poly) / 1e6
		nl := nameOf[j]
		if len(poly) == 0 || nl == nil && area < b.s.unnamedLakeMinKm2 {
			continue
		}
		props := geojson.Properties{"kind": "lake", "sources": []any{gshhgSource, debianSource}}
		id := ""
		if nl != nil {
			props = b.nameProps(nl.names)
			props["kind"] = nl.Kind
			if nl.HistoricExtent {
				props["historic_extent"] = true
			}
			id = nl.ID
		} else {
			unnamed++
			id = fmt.Sprintf("lake-%03d", unnamed)
		}
		props["area_km2_computed"] = math.Round(area)
		props["coord_source"] = lakeCoords(b.s.epsilon, b.s.decimals)
		f := geojson.NewFeature(poly)
		f.ID, f.Properties = id, props
		out = append(out, f)
		items = append(items, labels.Item{ID: id, Polygon: poly})
	}
	placed, err := b.placer.Place(ctx, items)
	if err != nil {
		return nil, err
	}
	for i, f := range out {
		f.Properties["label_point"] = []float64{seedfile.Round(placed[i].Point[0], 4), seedfile.Round(placed[i].Point[1], 4)}
		f.Properties["label_minzoom"] = labels.MinZoom(placed[i].RadiusM, 16, 5, 12)
	}
	b.report = append(b.report, fmt.Sprintf("%d lakes named, %d unnamed of %g km² or more; %d shoreline rings cut by the window left out",
		len(table), unnamed, b.s.unnamedLakeMinKm2, open))
	return out, nil
}

// nameProps are the properties of a named river or lake: its names and
// their sources after GSHHG's.
func (b *builder) nameProps(n names) geojson.Properties {
	p := geojson.Properties{
		"name":      n.Name,
		"alt_names": append([]string{}, n.AltNames...),
		"sources":   append([]any{gshhgSource, debianSource}, n.Sources...),
	}
	for key, v := range map[string]string{"name_ru": n.NameRU, "name_local": n.NameLocal, "name_local_lang": n.NameLocalLang} {
		if v != "" {
			p[key] = v
		}
	}
	if n.Note != "" {
		p["note"] = n.Note
	}
	return p
}

func sortedKeys(m map[int]bool) []int {
	var out []int
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}
