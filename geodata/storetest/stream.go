package storetest

import (
	"context"
	"errors"
	"slices"
	"testing"

	"github.com/casmap/casmap/geodata"
)

func ptr[T any](v T) *T { return &v }

// testExport streams a whole layer from one snapshot, naming its version
// before the first feature.
func testExport(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	var got []string
	var v geodata.Version
	err := s.Export(ctx, "incidents", func(ver geodata.Version) error {
		if len(got) > 0 {
			t.Error("begin called after a feature")
		}
		v = ver
		return nil
	}, func(f geodata.Feature) error {
		got = append(got, f.ID)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	want := allIDs(t, s, "incidents")
	slices.Sort(got)
	if !slices.Equal(got, want) || v != version(t, s) {
		t.Errorf("Export = %v at %s; want %v at %s", got, v, want, version(t, s))
	}
	stop := errors.New("stop")
	if err := s.Export(ctx, "incidents", func(geodata.Version) error { return nil }, func(geodata.Feature) error { return stop }); !errors.Is(err, stop) {
		t.Errorf("Export whose yield fails: %v, want its error", err)
	}
	if err := s.Export(ctx, "nosuch", func(geodata.Version) error { return nil }, func(geodata.Feature) error { return nil }); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("Export of a missing layer: %v, want ErrNotFound", err)
	}
}

// testStats counts matches by value and month with the filters of a
// query.
func testStats(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	st, err := s.Stats(ctx, geodata.Query{Layer: "incidents", Props: map[string][]string{"actor": {"ISKP"}}})
	if err != nil {
		t.Fatal(err)
	}
	if st.Matched != 2 {
		t.Errorf("Matched = %d, want 2", st.Matched)
	}
	cats := map[string]int{}
	for _, vc := range st.Facets["category"] {
		cats[vc.Value] = vc.Count
	}
	if len(cats) != 2 || cats["attack"] != 1 || cats["plot"] != 1 {
		t.Errorf("category facet = %v, want attack 1, plot 1", st.Facets["category"])
	}
	months := []string{}
	for _, m := range st.Months {
		months = append(months, m.Month)
	}
	if !slices.Equal(months, []string{"2022-09", "2023-01"}) {
		t.Errorf("months = %v, want 2022-09 and 2023-01", st.Months)
	}
	if claimed := st.Facets["claimed_by"]; len(claimed) != 1 || claimed[0] != (geodata.ValueCount{Value: "ISKP", Count: 1}) {
		t.Errorf("claimed_by facet (a list property) = %v, want ISKP 1", claimed)
	}
	if _, err := s.Stats(ctx, geodata.Query{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 5}}); !errors.Is(err, geodata.ErrInvalid) {
		t.Errorf("Stats near: %v, want ErrInvalid", err)
	}
	if _, err := s.Stats(ctx, geodata.Query{Layer: "nosuch"}); !errors.Is(err, geodata.ErrNotFound) {
		t.Errorf("Stats of a missing layer: %v, want ErrNotFound", err)
	}
}

// testCursors pages through every filter by next cursors: every feature
// once, in the store's order, the same as one big page.
func testCursors(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	queries := []geodata.Query{
		{Layer: "incidents"},
		{Layer: "incidents", Props: map[string][]string{"actor": {"ISKP"}}},
		{Layer: "incidents", BBox: bound(60, 30, 72, 40)},
		{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 1000}},
	}
	for _, q := range queries {
		q.Limit = geodata.MaxLimit
		all, err := geodata.ReadPage(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		q.Limit = 1
		var got []string
		for range 10 {
			page, err := geodata.ReadPage(ctx, s, q)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, ids(page.Features)...)
			if page.Next == "" {
				break
			}
			q.After = page.Next
		}
		if want := ids(all.Features); !slices.Equal(got, want) {
			t.Errorf("%+v by cursors of one = %v, want %v", q, got, want)
		}
	}
}

// testBoxesAfterAggregate asks the same boxed and proximity queries before
// and after the layer's aggregate exists (which stores may drive boxes
// from): the same features, in the same order, page by page to the end,
// and a count that agrees.
func testBoxesAfterAggregate(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	queries := []geodata.Query{
		{Layer: "incidents", BBox: bound(60, 30, 72, 40)},
		{Layer: "incidents", BBox: bound(60, 30, 72, 40), Props: map[string][]string{"actor": {"ISKP"}}},
		{Layer: "incidents", BBox: bound(60, 30, 72, 40), Limit: 1, Offset: 1},
		{Layer: "incidents", BBox: bound(68, 34, 70, 39), Interval: &geodata.Interval{Start: day("2022-06-01")}},
		{Layer: "incidents", BBox: bound(0, 0, 1, 1)},
		{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 100}},
		{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 600}, Props: map[string][]string{"actor": {"ISKP"}}, Limit: 1},
		{Layer: "incidents", Near: &geodata.Near{Layer: "tapi", Km: 300}, BBox: bound(60, 30, 66, 36)},
	}
	before := make([]geodata.Page, len(queries))
	for i, q := range queries {
		var err error
		if before[i], err = geodata.ReadPage(ctx, s, q); err != nil {
			t.Fatal(err)
		}
		if q.Near != nil && len(before[i].Features) == 0 {
			t.Fatalf("%+v: nothing near to compare", q)
		}
	}
	if _, err := s.Stats(ctx, geodata.Query{Layer: "incidents"}); err != nil {
		t.Fatal(err)
	}
	for i, q := range queries {
		after, err := geodata.ReadPage(ctx, s, q)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids(after.Features), ids(before[i].Features)) {
			t.Errorf("%+v: with the aggregate %v (next %q), without %v (next %q)", q, ids(after.Features), after.Next, ids(before[i].Features), before[i].Next)
		}
		// A plan that knows its matches may end a listing a page sooner
		// (no next link to an empty page); what the pages list is the
		// same.
		if got, want := listing(t, s, q, after), listing(t, s, q, before[i]); !slices.Equal(got, want) {
			t.Errorf("%+v: following next with the aggregate lists %v, without %v", q, got, want)
		}
		if after.Matched != -1 && before[i].Matched != -1 && after.Matched != before[i].Matched {
			t.Errorf("%+v: numberMatched %d with the aggregate, %d without", q, after.Matched, before[i].Matched)
		}
	}
}

// listing follows next from first, a page of q, and returns the ids of
// every feature listed, first's included.
func listing(t *testing.T, s Store, q geodata.Query, first geodata.Page) []string {
	t.Helper()
	out := ids(first.Features)
	for page := first; page.Next != ""; {
		q.After, q.Offset = page.Next, 0
		var err error
		if page, err = geodata.ReadPage(context.Background(), s, q); err != nil {
			t.Fatal(err)
		}
		out = append(out, ids(page.Features)...)
		if len(out) > 10000 {
			t.Fatalf("%+v: a listing that does not end", q)
		}
	}
	return out
}
