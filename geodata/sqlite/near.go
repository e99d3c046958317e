package sqlite

import (
	"context"
	"database/sql"
	"math"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// nearPage answers a query with a proximity filter. SQL narrows the
// candidates through the R*Tree to the target's box grown by the distance;
// orb then measures each candidate, and the page is cut from what is near.
func nearPage(ctx context.Context, tx *sql.Tx, q geodata.Query, num int64, limit, offset int) (geodata.Page, error) {
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
	candidates, err := queryPage(ctx, tx, buildWhere(q, num), math.MaxInt32, 0)
	if err != nil {
		return geodata.Page{}, err
	}
	target := geodata.NewMeasure(near.Geometry)
	var matched []geodata.Feature
	for _, f := range candidates {
		if within(target, f.Geometry, near.Km) {
			matched = append(matched, f)
		}
	}
	page := geodata.Page{Features: []geodata.Feature{}, Matched: len(matched)}
	if offset < len(matched) {
		page.Features = matched[offset:min(offset+limit, len(matched))]
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
