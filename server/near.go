package server

import (
	"context"
	"errors"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// resolveNear fills in the geometry a proximity filter measures from: one
// feature, or every feature of a layer. A target that does not exist is a
// bad parameter (400), not a missing resource.
func resolveNear(ctx context.Context, store Store, near *geodata.Near) error {
	if near == nil {
		return nil
	}
	if near.ID != "" {
		f, err := store.Feature(ctx, near.Layer, near.ID)
		if errors.Is(err, geodata.ErrNotFound) {
			return geodata.Invalidf("near: %s", geodata.Message(err, "no such feature"))
		}
		if err != nil {
			return err
		}
		near.Geometry = f.Geometry
		return nil
	}
	page, err := store.Features(ctx, geodata.Query{Layer: near.Layer, Limit: geodata.MaxLimit})
	if errors.Is(err, geodata.ErrNotFound) {
		return geodata.Invalidf("near: %s", geodata.Message(err, "no such layer"))
	}
	if err != nil {
		return err
	}
	all := make(orb.Collection, 0, len(page.Features))
	for _, f := range page.Features {
		all = append(all, f.Geometry)
	}
	near.Geometry = all
	return nil
}
