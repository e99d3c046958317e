package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// testRawProperties asks pages for raw properties, plain, boxed and
// after the aggregate: a store may hand them as JSON text, which must
// then read back as the properties a plain page gives, with Properties
// left nil; or it may ignore the request.
func testRawProperties(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	queries := []geodata.Query{
		{Layer: "incidents", Limit: geodata.MaxLimit},
		{Layer: "borders", Limit: geodata.MaxLimit},
		{Layer: "incidents", BBox: bound(60, 30, 72, 40)},
		{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 600}},
	}
	check := func(when string) {
		for _, q := range queries {
			plain, err := geodata.ReadPage(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			q.RawProperties = true
			raw, err := geodata.ReadPage(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			if len(raw.Features) != len(plain.Features) || len(raw.Features) == 0 {
				t.Fatalf("%s %+v: %d raw features, %d plain", when, q, len(raw.Features), len(plain.Features))
			}
			for i, f := range raw.Features {
				props := f.Properties
				if f.RawProperties != nil {
					if f.Properties != nil || json.Unmarshal(f.RawProperties, &props) != nil {
						t.Fatalf("%s: %s: Properties %v with RawProperties %q", when, f.ID, f.Properties, f.RawProperties)
					}
				}
				want := plain.Features[i]
				if f.ID != want.ID || !reflect.DeepEqual(props, want.Properties) || !orb.Equal(f.Geometry, want.Geometry) {
					t.Errorf("%s: raw %s %v, plain %s %v", when, f.ID, props, want.ID, want.Properties)
				}
			}
		}
	}
	check("before the aggregate")
	if _, err := s.Stats(ctx, geodata.Query{Layer: "incidents"}); err != nil {
		t.Fatal(err)
	}
	check("after the aggregate")
}
