package storetest

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/casmap/casmap/geodata"
	"github.com/paulmach/orb"
)

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func testLayers(t *testing.T, open Opener) {
	ctx := context.Background()
	start := time.Now().Add(-time.Second)
	s := seeded(t, open)
	layers, err := s.Layers(ctx)
	if err != nil {
		t.Fatal(err)
	}
	type summary struct {
		ID       string
		Count    int
		Extent   orb.Bound
		Temporal *geodata.Interval
	}
	var got []summary
	for _, l := range layers {
		got = append(got, summary{l.ID, l.Count, l.Extent, l.Temporal})
		if l.Updated.Before(start.Truncate(time.Second)) || l.Updated.After(time.Now()) {
			t.Errorf("layer %s: Updated = %v, want about now", l.ID, l.Updated)
		}
	}
	want := []summary{
		{"borders", 2, *bound(60, 29, 75, 41), nil},
		{"incidents", 4, *bound(62.2, 34.35, 71.55, 38.56), &geodata.Interval{Start: day("2022-05-16"), End: day("2023-01-10").Add(24*time.Hour - time.Second)}},
		{"railways", 0, orb.Bound{}, nil},
		{"tapi", 1, *bound(62.2, 30.2, 66.5, 35.2), nil},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("Layers = %+v, want %+v", got, want)
	}
	l, err := s.Layer(ctx, "borders")
	if err != nil {
		t.Fatal(err)
	}
	wl := TestData()[0].Layer
	if !reflect.DeepEqual(l.Style, wl.Style) || !slices.Equal(l.Queryables, wl.Queryables) || l.Title != wl.Title || l.GeometryKind != wl.GeometryKind {
		t.Errorf("Layer(borders) = %+v, want metadata of %+v", l, wl)
	}
	// What a caller does to its copy stays there.
	l.Queryables[0] = "changed"
	if again, _ := s.Layer(ctx, "borders"); again.Queryables[0] != "iso_a3" {
		t.Errorf("a caller's change to Layer's answer reached the store: %v", again.Queryables)
	}
}

func testNotFound(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	tests := []struct {
		name string
		do   func() error
		msg  string
	}{
		{"Layer", func() error { _, err := s.Layer(ctx, "nosuch"); return err }, `layer "nosuch" does not exist`},
		{"Feature in missing layer", func() error { _, err := s.Feature(ctx, "nosuch", "AFG"); return err }, `layer "nosuch" does not exist`},
		{"missing Feature", func() error { _, err := s.Feature(ctx, "borders", "XXX"); return err }, `feature "XXX" not found in layer "borders"`},
		{"feature of another layer", func() error { _, err := s.Feature(ctx, "incidents", "AFG"); return err }, `feature "AFG" not found in layer "incidents"`},
		{"Features of missing layer", func() error { _, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "nosuch"}); return err }, `layer "nosuch" does not exist`},
		{"Clusters of missing layer", func() error { _, err := s.Clusters(ctx, geodata.Query{Layer: "nosuch"}, 1); return err }, `layer "nosuch" does not exist`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := tc.do()
			if !errors.Is(err, geodata.ErrNotFound) {
				t.Fatalf("error = %v, want one wrapping ErrNotFound", err)
			}
			if got := geodata.Message(err, ""); got != tc.msg {
				t.Errorf("message = %q, want %q", got, tc.msg)
			}
		})
	}
}

func testFeatureRoundTrip(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	odd := []geodata.Feature{
		feature("multi", orb.MultiPolygon{square(60, 30, 61, 31), square(62, 30, 63, 31)}, map[string]any{
			"nested": map[string]any{"a": []any{1.5, "x", true, nil}}, "unicode": "Хорог — ځای", "big": 1e21, "small": 1e-7}),
		feature("holes", orb.Polygon{
			{{60, 30}, {64, 30}, {64, 34}, {60, 34}, {60, 30}},
			{{61, 31}, {61, 32}, {62, 32}, {62, 31}, {61, 31}},
		}, nil),
		feature("lines", orb.MultiLineString{{{60, 30}, {61, 31}}, {{62, 32}, {63, 33}, {64, 32}}}, nil),
		feature("points", orb.MultiPoint{{60, 30}, {61.123456789012, 31.987654321098}}, nil),
		feature("id with / and ?", orb.Point{-179.999999, -89.5}, map[string]any{"quote": `it's "quoted" <b>`}),
	}
	if err := s.Import(ctx, "railways", odd); err != nil {
		t.Fatal(err)
	}
	data := TestData()
	data = append(data, geodata.LayerData{Layer: geodata.Layer{ID: "railways"}, Features: odd})
	for _, ld := range data {
		for _, want := range ld.Features {
			got, err := s.Feature(ctx, ld.Layer.ID, want.ID)
			if err != nil {
				t.Errorf("Feature(%s, %s): %v", ld.Layer.ID, want.ID, err)
				continue
			}
			if !orb.Equal(got.Geometry, want.Geometry) {
				t.Errorf("Feature(%s, %s) geometry = %v, want %v", ld.Layer.ID, want.ID, got.Geometry, want.Geometry)
			}
			if !reflect.DeepEqual(got.Properties, want.Properties) {
				t.Errorf("Feature(%s, %s) properties = %v, want %v", ld.Layer.ID, want.ID, got.Properties, want.Properties)
			}
		}
	}
}

func testFeaturesBBox(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	// Two points a hair either side of 70°E: an index of 32-bit boxes
	// cannot tell them apart, the exact recheck must.
	edge := []geodata.Feature{
		feature("west-of-70", orb.Point{69.9999999, 35}, nil),
		feature("east-of-70", orb.Point{70.0000001, 35}, nil),
		feature("on-70", orb.Point{70, 35}, nil),
	}
	if err := s.Import(ctx, "incidents", edge); err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		layer string
		bbox  *orb.Bound
		want  []string
	}{
		{"around Kabul", "incidents", bound(69, 34, 69.5, 35), []string{"kabul-2022-09-05"}},
		{"whole region", "incidents", bound(60, 29, 75, 41), []string{"kabul-2022-09-05", "khorog-2022-05", "dushanbe-2023-01", "herat-undated", "west-of-70", "east-of-70", "on-70"}},
		{"nothing there", "incidents", bound(0, 0, 1, 1), []string{}},
		{"edge is inclusive", "incidents", bound(71.55, 37.49, 72, 38), []string{"khorog-2022-05"}},
		{"box west of 70 exactly", "incidents", bound(69.5, 34.9, 70, 35.1), []string{"west-of-70", "on-70"}},
		{"box east of 70 exactly", "incidents", bound(70, 34.9, 70.5, 35.1), []string{"east-of-70", "on-70"}},
		{"degenerate box on a point", "incidents", bound(70, 35, 70, 35), []string{"on-70"}},
		{"polygon boxes overlap", "borders", bound(70, 37, 71, 38), []string{"AFG", "TJK"}},
		{"north of Afghanistan", "borders", bound(70, 39, 71, 40), []string{"TJK"}},
		{"box inside a polygon", "borders", bound(65, 33, 65.1, 33.1), []string{"AFG"}},
		{"line's box", "tapi", bound(64, 32, 64.1, 32.1), []string{"tapi-af"}},
		{"beside the line", "tapi", bound(67, 32, 68, 33), []string{}},
		{"empty layer", "railways", bound(60, 29, 75, 41), []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: tc.layer, BBox: tc.bbox})
			if err != nil {
				t.Fatalf("Features: %v", err)
			}
			if got := ids(page.Features); !slices.Equal(got, tc.want) {
				t.Errorf("bbox %v: ids = %v, want %v", *tc.bbox, got, tc.want)
			}
			if got, want := page.Matched, len(tc.want); got != want {
				t.Errorf("bbox %v: Matched = %d, want %d", *tc.bbox, got, want)
			}
		})
	}
}

func testFeaturesDatetime(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	tests := []struct {
		datetime string
		want     []string
	}{
		{"2022-09-05", []string{"kabul-2022-09-05"}},
		{"2022-09-05T23:59:59Z", []string{"kabul-2022-09-05"}},
		{"2022-09-06T00:00:00Z", []string{}},
		{"2022-09-04", []string{}},
		// date_end makes Khorog a three-day event.
		{"2022-05-17", []string{"khorog-2022-05"}},
		{"2022-05-18T12:00:00Z", []string{"khorog-2022-05"}},
		{"2022-05-19", []string{}},
		{"2022-05-18/2022-09-05", []string{"kabul-2022-09-05", "khorog-2022-05"}},
		{"2022-01-01/2022-05-16", []string{"khorog-2022-05"}},
		{"../2022-12-31", []string{"kabul-2022-09-05", "khorog-2022-05"}},
		{"2022-06-01/..", []string{"kabul-2022-09-05", "dushanbe-2023-01"}},
		{"2000-01-01/2099-12-31", []string{"kabul-2022-09-05", "khorog-2022-05", "dushanbe-2023-01"}},
	}
	for _, tc := range tests {
		t.Run(tc.datetime, func(t *testing.T) {
			iv, err := geodata.ParseDatetime(tc.datetime)
			if err != nil {
				t.Fatal(err)
			}
			page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Interval: &iv})
			if err != nil {
				t.Fatalf("Features: %v", err)
			}
			got := ids(page.Features)
			slices.Sort(got)
			if want := slices.Sorted(slices.Values(tc.want)); !slices.Equal(got, want) {
				t.Errorf("datetime %s: ids = %v, want %v", tc.datetime, got, want)
			}
		})
	}
	// A zero interval (no constraint on either side) still only matches
	// dated features.
	page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Interval: &geodata.Interval{}})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := page.Matched, 3; got != want {
		t.Errorf("open interval: Matched = %d, want %d", got, want)
	}
}

func testFeaturesProps(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	tests := []struct {
		name  string
		props map[string][]string
		want  []string
	}{
		{"string", map[string][]string{"category": {"attack"}}, []string{"kabul-2022-09-05"}},
		{"shared value", map[string][]string{"actor": {"ISKP"}}, []string{"kabul-2022-09-05", "dushanbe-2023-01"}},
		{"two filters", map[string][]string{"actor": {"ISKP"}, "category": {"plot"}}, []string{"dushanbe-2023-01"}},
		{"conflicting filters", map[string][]string{"actor": {"ISKP"}, "category": {"crackdown"}}, []string{}},
		{"case matters", map[string][]string{"category": {"Attack"}}, []string{}},
		{"number", map[string][]string{"fatalities": {"6"}}, []string{"kabul-2022-09-05"}},
		{"number written otherwise", map[string][]string{"fatalities": {"6.0"}}, []string{"kabul-2022-09-05"}},
		{"number stored as string", map[string][]string{"fatalities": {"21"}}, []string{"khorog-2022-05"}},
		{"string is not a number", map[string][]string{"fatalities": {"21.0"}}, []string{}},
		{"null never matches", map[string][]string{"fatalities": {"null"}}, []string{}},
		{"list member", map[string][]string{"claimed_by": {"ISKP"}}, []string{"kabul-2022-09-05"}},
		{"boolean true", map[string][]string{"confirmed": {"true"}}, []string{"kabul-2022-09-05"}},
		{"boolean false", map[string][]string{"confirmed": {"false"}}, []string{"dushanbe-2023-01"}},
		{"either value", map[string][]string{"category": {"plot", "attack"}}, []string{"kabul-2022-09-05", "dushanbe-2023-01"}},
		{"either value, one matching", map[string][]string{"category": {"attack", "nosuch"}}, []string{"kabul-2022-09-05"}},
		{"quote in value", map[string][]string{"actor": {`ISKP' OR '1'='1`}}, []string{}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			page, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: tc.props})
			if err != nil {
				t.Fatalf("Features: %v", err)
			}
			if got := ids(page.Features); !slices.Equal(got, tc.want) {
				t.Errorf("props %v: ids = %v, want %v", tc.props, got, tc.want)
			}
			if page.Matched != len(tc.want) {
				t.Errorf("props %v: Matched = %d, want %d", tc.props, page.Matched, len(tc.want))
			}
		})
	}
}

func testFeaturesInvalidQuery(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	tests := []struct {
		name string
		q    geodata.Query
	}{
		{"property with a dot", geodata.Query{Layer: "incidents", Props: map[string][]string{"a.b": {"x"}}}},
		{"property with a quote", geodata.Query{Layer: "incidents", Props: map[string][]string{"a') OR 1=1 --": {"x"}}}},
		{"property in capitals", geodata.Query{Layer: "incidents", Props: map[string][]string{"Category": {"x"}}}},
		{"property starting with a digit", geodata.Query{Layer: "incidents", Props: map[string][]string{"1st": {"x"}}}},
		{"property too long", geodata.Query{Layer: "incidents", Props: map[string][]string{strings.Repeat("a", 42): {"x"}}}},
		{"empty property", geodata.Query{Layer: "incidents", Props: map[string][]string{"": {"x"}}}},
		{"negative limit", geodata.Query{Layer: "incidents", Limit: -1}},
		{"limit too high", geodata.Query{Layer: "incidents", Limit: geodata.MaxLimit + 1}},
		{"negative offset", geodata.Query{Layer: "incidents", Offset: -1}},
		{"offset too deep", geodata.Query{Layer: "incidents", Offset: geodata.MaxOffset + 1}},
		{"cursor from elsewhere", geodata.Query{Layer: "incidents", After: "bm90LWEtY3Vyc29y"}},
		{"no values", geodata.Query{Layer: "incidents", Props: map[string][]string{"category": {}}}},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := geodata.ReadPage(ctx, s, tc.q)
			if !errors.Is(err, geodata.ErrInvalid) {
				t.Errorf("Features(%+v) error = %v, want one wrapping ErrInvalid", tc.q, err)
			}
		})
	}
	_, err := geodata.ReadPage(ctx, s, geodata.Query{Layer: "incidents", Props: map[string][]string{"nosuch": {"x"}}})
	if !errors.Is(err, geodata.ErrInvalid) || !strings.Contains(err.Error(), "category, actor") {
		t.Errorf("filter on a property that is not a queryable: error = %v, want ErrInvalid naming the queryables", err)
	}
}

func testFeaturesPaging(t *testing.T, open Opener) {
	ctx := context.Background()
	s := seeded(t, open)
	var fs []geodata.Feature
	var all []string
	for i := range 250 {
		id := fmt.Sprintf("p%03d", i)
		fs = append(fs, feature(id, orb.Point{60 + float64(i)/25, 30}, map[string]any{"parity": fmt.Sprint(i % 2)}))
		all = append(all, id)
	}
	if err := s.Import(ctx, "railways", fs); err != nil {
		t.Fatal(err)
	}
	even := func(from, to int) []string {
		var out []string
		for i := from; i < to; i += 2 {
			out = append(out, fmt.Sprintf("p%03d", i))
		}
		return out
	}
	tests := []struct {
		name        string
		q           geodata.Query
		want        []string
		wantMatched int
	}{
		{"default limit", geodata.Query{}, all[:geodata.DefaultLimit], 250},
		{"first page", geodata.Query{Limit: 10}, all[:10], 250},
		{"second page", geodata.Query{Limit: 10, Offset: 10}, all[10:20], 250},
		{"last partial page", geodata.Query{Limit: 100, Offset: 200}, all[200:], 250},
		{"offset at end", geodata.Query{Limit: 10, Offset: 250}, []string{}, 250},
		{"offset past end", geodata.Query{Limit: 10, Offset: 1000}, []string{}, 250},
		{"everything", geodata.Query{Limit: geodata.MaxLimit}, all, 250},
		{"filtered page", geodata.Query{Limit: 5, Offset: 5, Props: map[string][]string{"parity": {"0"}}}, even(10, 20), 125},
		// x = 64..66 holds p100..p150.
		{"filtered and boxed", geodata.Query{Limit: 3, Offset: 1, Props: map[string][]string{"parity": {"0"}}, BBox: bound(64, 29, 66, 31)}, even(102, 108), 26},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			tc.q.Layer = "railways"
			page, err := geodata.ReadPage(ctx, s, tc.q)
			if err != nil {
				t.Fatalf("Features: %v", err)
			}
			if got := ids(page.Features); !slices.Equal(got, tc.want) {
				t.Errorf("ids = %v, want %v", got, tc.want)
			}
			if got := page.Matched; got != tc.wantMatched {
				t.Errorf("Matched = %d, want %d", got, tc.wantMatched)
			}
		})
	}
}
