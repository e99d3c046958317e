package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

// testNear checks the proximity filter: features within a distance of a
// target geometry, measured the same way by every store.
func testNear(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	// Herat-undated lies on the line; Kabul is 455 km from it, Dushanbe
	// 683 km, Khorog 829 km.
	tests := []struct {
		name    string
		km      float64
		bbox    *orb.Bound
		limit   int
		offset  int
		want    []string
		matched int
	}{
		{"on the line", 1, nil, 0, 0, []string{"herat-undated"}, 1},
		{"Kabul", 460, nil, 0, 0, []string{"kabul-2022-09-05", "herat-undated"}, 2},
		{"not Kabul", 450, nil, 0, 0, []string{"herat-undated"}, 1},
		{"far", 1000, nil, 0, 0, []string{"kabul-2022-09-05", "khorog-2022-05", "dushanbe-2023-01", "herat-undated"}, 4},
		{"far, paged", 1000, nil, 2, 1, []string{"khorog-2022-05", "dushanbe-2023-01"}, 4},
		{"far, boxed", 1000, bound(68, 34, 70, 39), 0, 0, []string{"kabul-2022-09-05", "dushanbe-2023-01"}, 2},
		{"box elsewhere", 1000, bound(0, 0, 1, 1), 0, 0, []string{}, 0},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			q := geodata.Query{Layer: "incidents", BBox: tc.bbox, Limit: tc.limit, Offset: tc.offset,
				Near: &geodata.Near{Layer: "tapi", Km: tc.km}}
			page, err := geodata.ReadPage(ctx, s, q)
			if err != nil {
				t.Fatalf("Features near: %v", err)
			}
			if got := ids(page.Features); !slices.Equal(got, tc.want) {
				t.Errorf("near %g km: ids = %v, want %v", tc.km, got, tc.want)
			}
			if page.Matched != tc.matched {
				t.Errorf("near %g km: Matched = %d, want %d", tc.km, page.Matched, tc.matched)
			}
		})
	}
	if page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", ID: "tapi-af", Km: 1}}); err != nil ||
		!slices.Equal(ids(page.Features), []string{"herat-undated"}) {
		t.Errorf("near one feature: %v, %v; want herat-undated", ids(page.Features), err)
	}
	for _, near := range []geodata.Near{{Layer: "nosuch", Km: 5}, {Layer: "tapi", ID: "nosuch", Km: 5}, {Layer: "tapi", Km: 0}, {Layer: "tapi", Km: geodata.MaxNearKm + 1}} {
		_, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Near: &near})
		if !errors.Is(err, geodata.ErrInvalid) {
			t.Errorf("near %+v: error = %v, want ErrInvalid", near, err)
		}
	}
}
