package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
	"github.com/paulmach/orb/encoding/wkb"
)

// Proximity filters (near=tapi&within_km=20) are answered in the store:
// the target's geometry is read once per generation of the data and kept
// as a Measure (its segments in boxed runs); candidates come from the
// R*Tree around each run's box, grown by the distance; orb then measures
// each candidate exactly, on the page being read, so memory is bounded by
// the target and the page, never by the layer.

// nearTarget is a proximity target made ready for measuring.
type nearTarget struct {
	measure *geodata.Measure
	// boxes are the measure's run boxes grown by the distance.
	boxes []orb.Bound
	km    float64
}

const (
	selectTargetFeature = `SELECT geometry FROM features WHERE layer = ? AND id = ?`
	selectTargetLayer   = `SELECT geometry FROM features WHERE layer = ? ORDER BY rid`
)

// resolveNear returns the target of q.Near, measured from the data as tx
// sees it. A target that does not exist is a bad parameter (400), not a
// missing resource.
func (db *DB) resolveNear(ctx context.Context, tx *sql.Tx, gen int64, near *geodata.Near) (*nearTarget, error) {
	if near == nil {
		return nil, nil
	}
	if !(near.Km > 0) || near.Km > geodata.MaxNearKm {
		return nil, geodata.Invalidf("within_km %g must be above 0 and at most %d", near.Km, geodata.MaxNearKm)
	}
	key := near.Layer + "/" + near.ID
	m, err := db.near.Get(gen, key, func() (*geodata.Measure, error) { return readTarget(ctx, tx, near) })
	if err != nil {
		return nil, err
	}
	t := &nearTarget{measure: m, km: near.Km}
	for _, b := range m.Boxes() {
		t.boxes = append(t.boxes, geodata.ExpandKm(b, near.Km))
	}
	return t, nil
}

// readTarget reads the geometry of a proximity target into a Measure.
func readTarget(ctx context.Context, tx *sql.Tx, near *geodata.Near) (*geodata.Measure, error) {
	if _, err := layerNum(ctx, tx, near.Layer); errors.Is(err, geodata.ErrNotFound) {
		return nil, geodata.Invalidf("near: %s", geodata.Message(err, "no such layer"))
	} else if err != nil {
		return nil, err
	}
	query, args := selectTargetLayer, []any{near.Layer}
	if near.ID != "" {
		query, args = selectTargetFeature, []any{near.Layer, near.ID}
	}
	rows, err := tx.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("read near target %s: %w", near.Layer, err)
	}
	defer rows.Close()
	var all orb.Collection
	segments := 0
	for rows.Next() {
		g := wkb.Scanner(nil)
		if err := rows.Scan(g); err != nil {
			return nil, fmt.Errorf("read near target %s: %w", near.Layer, err)
		}
		for range geodata.Points(g.Geometry) {
			segments++
		}
		if segments > geodata.MaxNearVertices {
			return nil, geodata.Invalidf("near=%s is too large a target to measure from (more than %d vertices); name one feature (near=%s/ID)", near.Layer, geodata.MaxNearVertices, near.Layer)
		}
		all = append(all, g.Geometry)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read near target %s: %w", near.Layer, err)
	}
	if near.ID != "" && len(all) == 0 {
		return nil, geodata.Invalidf("near: feature %q not found in layer %q", near.ID, near.Layer)
	}
	return geodata.NewMeasure(all), nil
}

// nearCandidates returns up to limit rids whose R*Tree box meets a grown
// run box of the target (and bbox, when set): everything within the
// distance, and some more.
func nearCandidates(ctx context.Context, tx *sql.Tx, num int64, t *nearTarget, bbox *orb.Bound, limit int) ([]int64, error) {
	// The boxes of neighbouring runs overlap: a candidate found twice
	// counts once.
	seen := map[int64]bool{}
	var out []int64
	for _, b := range t.boxes {
		if bbox != nil {
			var ok bool
			if b, ok = geodata.IntersectBounds(b, *bbox); !ok {
				continue
			}
		}
		rids, err := rtreeCandidates(ctx, tx, num, &b, nil, limit+len(seen))
		if err != nil {
			return nil, err
		}
		for _, rid := range rids {
			if !seen[rid] {
				seen[rid] = true
				out = append(out, rid)
			}
		}
		if len(out) >= limit {
			return out, nil
		}
	}
	return out, nil
}

// within reports whether g lies within the target's distance.
func (t *nearTarget) within(g orb.Geometry) bool {
	return t.measure.Within(g, t.km)
}
