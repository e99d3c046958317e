package postgis

import (
	"context"
	"math"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// nearPage answers a query with a proximity filter. The GiST index narrows
// the candidates to the target's box grown by the distance; geodata's
// measure then keeps those within it (the same rule as every store), and
// the page is cut from what is near.
func (db *DB) nearPage(ctx context.Context, q geodata.Query, layer geodata.Layer, limit, offset int) (geodata.Page, error) {
	near := q.Near
	if near.Geometry == nil {
		return geodata.Page{}, geodata.Invalidf("near %s has no geometry to measure from", near.Layer)
	}
	box := geodata.ExpandKm(near.Geometry.Bound(), near.Km)
	if q.BBox != nil {
		var ok bool
		if box, ok = intersect(box, *q.BBox); !ok {
			return geodata.Page{Features: []geodata.Feature{}}, nil
		}
	}
	q.BBox = &box
	r, err := db.reader(ctx)
	if err != nil {
		return geodata.Page{}, err
	}
	target := geodata.NewMeasure(near.Geometry)
	page := geodata.Page{Features: []geodata.Feature{}}
	err = scanFeatures(ctx, r, buildWhere(q, layer.Queryables), math.MaxInt32, 0, func(f geodata.Feature) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		if !within(target, f.Geometry, near.Km) {
			return nil
		}
		if page.Matched >= offset && len(page.Features) < limit {
			page.Features = append(page.Features, f)
		}
		page.Matched++
		return nil
	})
	if err != nil {
		return geodata.Page{}, wrap(ctx, err, "query %s near %s", q.Layer, near.Layer)
	}
	return page, nil
}

// within reports whether any vertex of g lies within km of target: exact
// for points, and for lines and polygons as near as their vertices are.
func within(target *geodata.Measure, g orb.Geometry, km float64) bool {
	for p := range geodata.Points(g) {
		if target.DistanceKm(p) <= km {
			return true
		}
	}
	return false
}

func intersect(a, b orb.Bound) (orb.Bound, bool) {
	out := orb.Bound{
		Min: orb.Point{max(a.Min[0], b.Min[0]), max(a.Min[1], b.Min[1])},
		Max: orb.Point{min(a.Max[0], b.Max[0]), min(a.Max[1], b.Max[1])},
	}
	return out, out.Min[0] <= out.Max[0] && out.Min[1] <= out.Max[1]
}
